"""The customer's own bank accounts and their saved beneficiaries (收款人)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import service_atomic
from fundguard.core.money import currency_exponent
from fundguard.customers.masking import last4, mask_name, mask_value
from fundguard.customers.models import BankAccount, Beneficiary, VerificationStatus
from fundguard.customers.models.banking import _BankDetails
from fundguard.customers.services._common import check, customer_locked
from fundguard.customers.validation import account_number_clean, bic_clean
from fundguard.customers.vault import index_key_id, index_of, vault_for

ACCOUNT_INDEX_PURPOSE = "account_number"
MAX_BANK_NAME_CHARS = 200
MAX_PLACE_CHARS = 40

B = TypeVar("B", bound=_BankDetails)


def _clean_bank_fields(
    *, bank_name: str, branch: str, bic: str, account_number: str, scheme: str, currency: str
) -> dict[str, Any]:
    bank_name, branch = (bank_name or "").strip(), (branch or "").strip()
    if not bank_name or len(bank_name) > MAX_BANK_NAME_CHARS:
        raise DomainError(CoreError.invalid_input, field="bank_name")
    if len(branch) > MAX_BANK_NAME_CHARS:
        raise DomainError(CoreError.invalid_input, field="branch")
    the_scheme, number = account_number_clean(account_number, scheme=scheme)
    currency = (currency or "").upper()
    currency_exponent(currency)
    return {
        "bank_name": bank_name,
        "branch": branch,
        "bic": bic_clean(bic),
        "scheme": the_scheme,
        "number": number,
        "currency": currency,
    }


def _add(
    model: type[B],
    *,
    actor: Any,
    customer_id: int,
    action: str,
    extra: dict[str, Any],
    **fields: Any,
) -> B:
    clean = _clean_bank_fields(**fields)
    number = clean.pop("number")
    with service_atomic():  # a transfer to a new payee saves it in the transfer's transaction
        customer = customer_locked(customer_id)
        vault = vault_for(customer)
        row = model(
            customer=customer,
            number_sealed=vault.seal(model, "number", number),
            number_index=index_of(number, ACCOUNT_INDEX_PURPOSE),
            number_index_key_id=index_key_id(),
            number_last4=last4(number),
            **clean,
            **extra,
        )
        row.save()
        changes: dict[str, list[Any]] = {
            "bank_name": [None, clean["bank_name"]],
            "scheme": [None, clean["scheme"]],
            "account_number": [None, mask_value(number)],
            "currency": [None, clean["currency"]],
        }
        if "name" in extra:
            changes["name"] = [None, mask_name(extra["name"])]
        audit_record(
            actor=actor,
            action=action,
            target=customer,
            changes={"object_id": [None, row.pk], **changes},
        )
    return row


def bank_account_add(
    *,
    actor: Any,
    customer_id: int,
    bank_name: str,
    account_number: str,
    currency: str,
    branch: str = "",
    bic: str = "",
    scheme: str = "",
) -> BankAccount:
    """Record one of the customer's own accounts (Luhn for cards, IBAN/BIC via schwifty)."""
    check(actor, "customers.manage_customers")
    return _add(
        BankAccount,
        actor=actor,
        customer_id=customer_id,
        action="customer.bank_account_added",
        extra={},
        bank_name=bank_name,
        branch=branch,
        bic=bic,
        account_number=account_number,
        scheme=scheme,
        currency=currency,
    )


def beneficiary_add(
    *,
    actor: Any,
    customer_id: int,
    name: str,
    bank_name: str,
    account_number: str,
    currency: str,
    branch: str = "",
    bic: str = "",
    scheme: str = "",
    province: str = "",
    city: str = "",
) -> Beneficiary:
    """Save a payee; its ``created_at`` starts the cooling-off period (selectors)."""
    check(actor, "customers.manage_customers")
    name = (name or "").strip()
    if not name or len(name) > MAX_BANK_NAME_CHARS:
        raise DomainError(CoreError.invalid_input, field="name")
    place = {"province": (province or "").strip(), "city": (city or "").strip()}
    for field, value in place.items():
        if len(value) > MAX_PLACE_CHARS or not value.isprintable():
            raise DomainError(CoreError.invalid_input, field=field)
    return _add(
        Beneficiary,
        actor=actor,
        customer_id=customer_id,
        action="customer.beneficiary_added",
        extra={"name": name, **place},
        bank_name=bank_name,
        branch=branch,
        bic=bic,
        account_number=account_number,
        scheme=scheme,
        currency=currency,
    )


def bank_details_verify(*, actor: Any, model: type[B], object_id: int, status: str) -> B:
    """Mark a bank account or beneficiary verified or failed (e.g. after a penny test)."""
    check(actor, "customers.manage_customers")
    if status not in VerificationStatus.values:
        raise DomainError(CoreError.invalid_input, field="verification_status")
    with transaction.atomic(durable=True):
        row = model._default_manager.select_for_update().filter(pk=object_id).first()
        if row is None:
            raise DomainError(CoreError.not_found, field="object_id")
        customer = customer_locked(row.customer_id)  # type: ignore[attr-defined]
        before = row.verification_status
        row.verification_status = status
        row.save(update_fields=["verification_status"])
        audit_record(
            actor=actor,
            action=f"customer.{model._meta.model_name}_verification_set",
            target=customer,
            changes={"object_id": [None, row.pk], "verification_status": [before, status]},
        )
    return row
