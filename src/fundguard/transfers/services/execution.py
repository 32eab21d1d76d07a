"""Execution: the final approval posts the hold and hands the payment to the rail of the company
bank account; the voucher is numbered; the bank's status reports complete or fail the transfer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.customers.models import AccountScheme, Beneficiary
from fundguard.customers.vault import vault_for
from fundguard.payments.instructions import PaymentInstruction
from fundguard.payments.models import CompanyBankAccount, PaymentOrder
from fundguard.payments.services import payment_order_queue
from fundguard.transfers.lifecycle import TransferEvent, TransferStatus
from fundguard.transfers.models import Transfer, Voucher, VoucherSequence
from fundguard.transfers.services._common import step_apply, step_record, transfer_locked

VOUCHER_SUMMARY_CHARS = 60


def _display_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)[:60]


def _instruction(transfer: Transfer) -> PaymentInstruction:
    beneficiary = transfer.beneficiary
    number = vault_for(transfer.customer_id).open(Beneficiary, "number", beneficiary.number_sealed)
    is_iban = beneficiary.scheme == AccountScheme.iban
    return PaymentInstruction(
        end_to_end_id=transfer.end_to_end_id,
        amount_minor=transfer.amount_minor,
        currency=transfer.currency,
        creditor_name=beneficiary.name,
        creditor_account_number="" if is_iban else number,
        creditor_iban=number if is_iban else "",
        creditor_bic=beneficiary.bic,
        creditor_bank_name=beneficiary.bank_name,
        creditor_country=transfer.beneficiary_country,
        creditor_province=beneficiary.province,
        creditor_city=beneficiary.city,
        requested_execution_date=transfer.requested_execution_date,
        remittance_information=transfer.remittance_information or transfer.reference,
        purpose=transfer.purpose,
    )


def _next_voucher_number(period: str) -> int:
    """Take the period's next number under the sequence row's lock (created on first use)."""
    try:
        with transaction.atomic():
            VoucherSequence.objects.create(period=period, last_number=0)
    except IntegrityError:
        pass  # another transaction created it first
    VoucherSequence.objects.filter(period=period).update(last_number=F("last_number") + 1)
    return VoucherSequence.objects.select_for_update().get(period=period).last_number


def voucher_issue(transfer: Transfer, *, now: datetime) -> Voucher:
    """The 记账凭证 of an executed transfer: debit the customer's funds account, credit the
    clearing account of the paying bank account. Inside the execution's transaction."""
    day = timezone.localdate(now)
    period = f"{day:%Y-%m}"
    approvals = list(transfer.approvals.select_related("approver").order_by("level"))
    source, clearing = transfer.source_account, transfer.clearing_account
    assert clearing is not None
    summary = f"{transfer.purpose} {transfer.reference}"[:VOUCHER_SUMMARY_CHARS]
    voucher = Voucher.objects.create(
        transfer=transfer,
        period=period,
        number=_next_voucher_number(period),
        voucher_date=day,
        summary=summary,
        lines=[
            {
                "account_code": source.code,
                "account_name": source.name,
                "debit_minor": transfer.amount_minor,
                "credit_minor": 0,
            },
            {
                "account_code": clearing.code,
                "account_name": clearing.name,
                "debit_minor": 0,
                "credit_minor": transfer.amount_minor,
            },
        ],
        amount_minor=transfer.amount_minor,
        currency=transfer.currency,
        attachment_count=transfer.attachments.count(),
        preparer=_display_name(transfer.maker),
        reviewer=_display_name(approvals[0].approver) if approvals else "",
        approver=_display_name(approvals[-1].approver) if approvals else "",
    )
    audit_record(
        actor=None,
        action="transfer.voucher_issued",
        target=transfer,
        changes={"voucher": [None, voucher.number_text]},
    )
    return voucher


def transfer_execute(transfer: Transfer, *, actor: Any, now: datetime) -> None:
    """Inside the final approval's transaction: post the hold, queue the payment, the voucher."""
    step_apply(transfer, TransferEvent.execute, actor=actor, now=now)
    company = CompanyBankAccount.objects.get(clearing_account_id=transfer.clearing_account_id)
    payment_order_queue(
        actor=None,
        company_account_id=company.pk,
        instruction=_instruction(transfer),
        cause=transfer,
    )
    voucher_issue(transfer, now=now)


def on_payment_status(*, order: PaymentOrder, outcome: str, reason: str, actor: Any) -> None:
    """Listener for the payments app, inside the status report's transaction."""
    if order.cause_type_id != ContentType.objects.get_for_model(Transfer).pk:
        return
    transfer = transfer_locked(int(order.cause_id))
    if transfer.status != TransferStatus.executing:
        return  # a late or repeated report about a transfer already settled or failed
    if outcome == "accepted":
        step_record(transfer, event="bank_accepted", actor=actor, reason=reason)
    elif outcome == "settled":
        step_apply(transfer, TransferEvent.bank_complete, actor=actor, reason=reason)
    elif outcome == "rejected":
        step_apply(transfer, TransferEvent.bank_fail, actor=actor, reason=reason or "rejected")
