"""Queuing a payment order on a company bank account (a transfer's execution does this)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import currency_exponent
from fundguard.core.permissions import require_permission
from fundguard.customers.validation import account_number_clean, bic_clean, country_clean
from fundguard.payments.errors import PaymentError
from fundguard.payments.instructions import PaymentInstruction
from fundguard.payments.models import CompanyBankAccount, OrderStatus, PaymentOrder, Rail
from fundguard.payments.rails import rail_check

# The instruction's text fields, each stored in the order's column of the same name.
_TEXT_FIELDS = (
    "end_to_end_id",
    "creditor_name",
    "creditor_account_number",
    "creditor_iban",
    "creditor_bic",
    "creditor_bank_name",
    "creditor_province",
    "creditor_city",
    "remittance_information",
    "purpose",
)


def _instruction_clean(instruction: PaymentInstruction) -> dict[str, Any]:
    """The order's fields from the instruction: normalized, within their columns' lengths."""
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        value = getattr(instruction, name)
        if not isinstance(value, str):
            raise DomainError(CoreError.invalid_input, field=name)
        value = value.strip()
        column = PaymentOrder._meta.get_field(name)
        assert isinstance(column, models.CharField)
        if len(value) > (column.max_length or 0):
            raise DomainError(CoreError.invalid_input, field=name)
        values[name] = value
    currency_exponent(instruction.currency)
    if not isinstance(instruction.requested_execution_date, date):
        raise DomainError(CoreError.invalid_input, field="requested_execution_date")
    if values["creditor_iban"]:
        values["creditor_iban"] = account_number_clean(
            values["creditor_iban"], scheme="iban", field="creditor_iban"
        )[1]
    values["creditor_bic"] = bic_clean(values["creditor_bic"], field="creditor_bic")
    values.update(
        amount_minor=instruction.amount_minor,
        currency=instruction.currency,
        creditor_country=country_clean(instruction.creditor_country, field="creditor_country"),
        requested_execution_date=instruction.requested_execution_date,
    )
    return values


def payment_order_queue(
    *,
    actor: Any,
    company_account_id: int,
    instruction: PaymentInstruction,
    cause: models.Model | None,
) -> PaymentOrder:
    """Hand one payment to the rail of a company bank account.

    File rails queue it for the next payment file; the sandbox bank takes it at once (the order
    is ``sent``) and answers after the transaction commits. Composed into the caller's
    transaction (a transfer's final approval): both commit or neither does. A payment the rail
    cannot carry is refused here (``payment_order_invalid``), before any money moves.
    """
    if actor is not None:
        require_permission(actor, "payments.manage_payment_files")
    values = _instruction_clean(instruction)
    cleaned = replace(instruction, **{name: values[name] for name in _TEXT_FIELDS})

    def once() -> PaymentOrder:
        with service_atomic():
            company = CompanyBankAccount.objects.filter(pk=company_account_id).first()
            if company is None:
                raise DomainError(PaymentError.company_account_not_found, field="company_account")
            if not company.active:
                raise DomainError(PaymentError.company_account_inactive, field="company_account")
            if values["currency"] != company.currency:
                raise DomainError(
                    PaymentError.payment_currency_mismatch,
                    field="currency",
                    currency=values["currency"],
                    account=company.currency,
                )
            rail_check(company.rail, cleaned)
            _require_new_end_to_end_id(values["end_to_end_id"])
            is_sandbox = company.rail == Rail.sandbox
            now = timezone.now()
            order = PaymentOrder.objects.create(
                **values,
                company_account=company,
                status=OrderStatus.sent if is_sandbox else OrderStatus.queued,
                status_changed_at=now,
                cause_type=ContentType.objects.get_for_model(cause) if cause else None,
                cause_id=str(cause.pk) if cause else "",
                created_at=now,
            )
            audit_record(
                actor=actor,
                action="payments.order_queued",
                target=order,
                changes={
                    "end_to_end_id": [None, order.end_to_end_id],
                    "company_account": [None, company.pk],
                    "amount_minor": [None, order.amount_minor],
                    "currency": [None, order.currency],
                    "status": [None, order.status],
                    "cause": [cause._meta.label_lower, cause.pk] if cause else None,
                },
            )
            if is_sandbox:
                from fundguard.payments.sandbox import sandbox_bank_enqueue

                order_id = order.pk
                transaction.on_commit(lambda: sandbox_bank_enqueue(order_id), robust=True)
            return order

    try:
        return retrying(once)
    except IntegrityError:
        # Another transaction took this end-to-end id between our check and our insert.
        _require_new_end_to_end_id(values["end_to_end_id"])
        raise


def _require_new_end_to_end_id(end_to_end_id: str) -> None:
    if PaymentOrder.objects.filter(end_to_end_id=end_to_end_id).exists():
        raise DomainError(
            PaymentError.end_to_end_id_taken, field="end_to_end_id", end_to_end_id=end_to_end_id
        )
