"""Reading transfers: one transfer with its approvals and timeline, lists, the approval inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fundguard.core.errors import DomainError
from fundguard.core.money import format_amount
from fundguard.transfers.errors import TransferError
from fundguard.transfers.lifecycle import TransferStatus
from fundguard.transfers.models import Transfer, TransferAttachment, Voucher
from fundguard.transfers.services.approvals import (
    approval_capacities,
    sla_due_at,
    waiting_levels,
)


def transfer_get(transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.select_related("customer", "beneficiary", "maker", "hold", "voucher")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise DomainError(TransferError.transfer_not_found, field="transfer")
    return transfer


def transfer_list(*, status: str = "", customer_id: int | None = None) -> QuerySet[Transfer]:
    rows = Transfer.objects.select_related("customer", "beneficiary").order_by("-id")
    if status:
        rows = rows.filter(status=status)
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    return rows


def approval_inbox(user: Any, *, now: datetime | None = None) -> list[Transfer]:
    """What ``user`` may approve now (their level or a delegator's is the one waiting, they did
    not make it and have not approved it), the most overdue first."""
    capacities = {c.level for c in approval_capacities(user, now or timezone.now())}
    if not capacities:
        return []
    pending = (
        Transfer.objects.filter(status=TransferStatus.pending_approval)
        .exclude(maker=user)
        .exclude(approvals__approver=user)
        .select_related("customer", "beneficiary")
        .prefetch_related("approvals")
    )
    mine = [t for t in pending if (w := waiting_levels(t)) and w[0] in capacities]
    return sorted(mine, key=lambda t: (sla_due_at(t) or timezone.now(), t.pk))


def voucher_get(voucher_id: int) -> Voucher:
    voucher = Voucher.objects.select_related("transfer").filter(pk=voucher_id).first()
    if voucher is None:
        raise DomainError(TransferError.voucher_not_found, field="voucher")
    return voucher


def attachment_view(attachment: TransferAttachment) -> dict[str, Any]:
    """What anyone who sees the transfer sees of an attachment: not its name or content."""
    return {
        "id": attachment.pk,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
        "sha256": attachment.sha256,
        "uploaded_by": attachment.uploaded_by.username,
        "uploaded_at": attachment.uploaded_at,
    }


def transfer_view(transfer: Transfer) -> dict[str, Any]:
    """The transfer as the API and the console show it (the payee's number masked)."""
    beneficiary = transfer.beneficiary
    hold = transfer.hold
    voucher = getattr(transfer, "voucher", None)
    due = sla_due_at(transfer)
    return {
        "id": transfer.pk,
        "reference": transfer.reference,
        "status": transfer.status,
        "customer": transfer.customer_id,
        "source_account": transfer.source_account_id,
        "beneficiary": {
            "id": beneficiary.pk,
            "name": beneficiary.name,
            "account_number": f"****{beneficiary.number_last4}",
            "bank_name": beneficiary.bank_name,
            "country": transfer.beneficiary_country,
        },
        "amount": format_amount(transfer.amount_minor, transfer.currency),
        "currency": transfer.currency,
        "purpose": transfer.purpose,
        "remittance_information": transfer.remittance_information,
        "requested_execution_date": transfer.requested_execution_date,
        "channel": transfer.channel,
        "maker": transfer.maker.username,
        "created_at": transfer.created_at,
        "submitted_at": transfer.submitted_at,
        "required_levels": list(transfer.required_levels),
        "waiting_levels": [str(level) for level in waiting_levels(transfer)]
        if transfer.status == TransferStatus.pending_approval
        else [],
        "sla_due_at": due,
        "policy_version": transfer.policy_version,
        "screening": transfer.screening,
        "status_reason": transfer.status_reason,
        "end_to_end_id": transfer.end_to_end_id,
        "hold": None
        if hold is None
        else {
            "id": hold.pk,
            "status": hold.status,
            "amount": format_amount(hold.amount_minor, hold.currency),
            "entry": hold.entry_id,
        },
        "return_entry": transfer.return_entry_id,
        "attachments": [attachment_view(a) for a in transfer.attachments.all()],
        "voucher_number": voucher.number_text if voucher else None,
        "voucher_id": voucher.pk if voucher else None,
        "approvals": [
            {
                "level": a.level,
                "approver": a.approver.username,
                "on_behalf_of": a.on_behalf_of.username if a.on_behalf_of else None,
                "comment": a.comment,
                "otp_verified": a.otp_verified,
                "approved_at": a.approved_at,
            }
            for a in transfer.approvals.select_related("approver", "on_behalf_of")
        ],
        "timeline": [
            {
                "event": s.event,
                "from_status": s.from_status,
                "to_status": s.to_status,
                "actor": s.actor.username if s.actor else None,
                "reason": s.reason,
                "at": s.at,
            }
            for s in transfer.steps.select_related("actor")
        ],
    }
