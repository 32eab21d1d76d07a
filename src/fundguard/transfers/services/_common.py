"""Steps every transfer service shares: the locked row, applying a lifecycle step to the row and
its ledger hold, the timeline, the audit record and the notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.money import format_amount
from fundguard.core.roles import Role
from fundguard.ledger.models import Hold
from fundguard.ledger.services import entry_reverse, hold_post, hold_void
from fundguard.notifications.services import notify
from fundguard.transfers.errors import TransferError
from fundguard.transfers.lifecycle import HoldAction, TransferEvent, TransferStatus, transition
from fundguard.transfers.models import Transfer, TransferStep
from fundguard.transfers.policy import ApprovalLevel

LEVEL_ROLES: dict[ApprovalLevel, Role] = {
    ApprovalLevel.l1: Role.approver_l1,
    ApprovalLevel.l2: Role.approver_l2,
    ApprovalLevel.l3: Role.approver_l3,
}

# What the customer hears, by the step taken: once per transfer for "submitted", when
# screening ends (a compliance clearance later is not a second submission).
CUSTOMER_EVENTS: dict[TransferEvent, str] = {
    TransferEvent.screening_clear: "transfer.submitted",
    TransferEvent.screening_refer: "transfer.submitted",
    TransferEvent.approvals_complete: "transfer.approved",
    TransferEvent.reject: "transfer.rejected",
    TransferEvent.cancel: "transfer.cancelled",
    TransferEvent.expire: "transfer.expired",
    TransferEvent.bank_complete: "transfer.completed",
    TransferEvent.bank_fail: "transfer.failed",
    TransferEvent.bank_return: "transfer.returned",
}


def transfer_locked(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(pk=transfer_id).first()
    if transfer is None:
        raise DomainError(TransferError.transfer_not_found, field="transfer")
    return transfer


def step_record(
    transfer: Transfer,
    *,
    event: str,
    actor: Any,
    reason: str = "",
    from_status: str = "",
    to_status: str = "",
    now: datetime | None = None,
) -> TransferStep:
    return TransferStep.objects.create(
        transfer=transfer,
        event=event,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        at=now or timezone.now(),
    )


def transfer_payload(transfer: Transfer) -> dict[str, Any]:
    """What a notification carries: no personal data, amounts as decimal strings."""
    return {
        "transfer_id": transfer.pk,
        "reference": transfer.reference,
        "status": transfer.status,
        "amount": format_amount(transfer.amount_minor, transfer.currency),
        "currency": transfer.currency,
        "reason": transfer.status_reason,
    }


def _hold_apply(transfer: Transfer, action: HoldAction, *, memo: str) -> None:
    """Void, post, or reverse the posting of the hold placed at submission."""
    hold_id = transfer.hold_id
    if hold_id is None:
        raise AssertionError(f"{transfer.reference} has no hold to {action}")
    if action is HoldAction.void:
        hold_void(actor=None, hold_id=hold_id)
    elif action is HoldAction.post:
        hold_post(actor=None, hold_id=hold_id)
    elif action is HoldAction.reverse:
        entry_id = Hold.objects.values_list("entry_id", flat=True).get(pk=hold_id)
        if entry_id is None:
            raise AssertionError(f"{transfer.reference}: the hold was never posted")
        transfer.return_entry = entry_reverse(actor=None, entry_id=entry_id, memo=memo)


def step_apply(
    transfer: Transfer,
    event: TransferEvent,
    *,
    actor: Any,
    reason: str = "",
    now: datetime | None = None,
) -> TransferStatus:
    """Take one lifecycle step on a locked transfer, with what it does to the hold.

    Placing the hold is the submission's business (it needs the checks); the other hold actions
    happen here: void, post in full, or reverse the posting (the money goes back).
    """
    now = now or timezone.now()
    step = transition(TransferStatus(transfer.status), event, reason=reason)
    if step.hold_action is not HoldAction.none:
        _hold_apply(transfer, step.hold_action, memo=f"{transfer.reference} {event}")
    before = transfer.status
    transfer.status = step.target
    transfer.status_changed_at = now
    if reason:
        transfer.status_reason = reason
    transfer.save(update_fields=["status", "status_changed_at", "status_reason", "return_entry"])
    step_record(
        transfer,
        event=event,
        actor=actor,
        reason=reason,
        from_status=before,
        to_status=step.target,
        now=now,
    )
    changes: dict[str, list[Any]] = {"status": [before, str(step.target)]}
    if reason:
        changes["reason"] = [None, reason]
    audit_record(actor=actor, action=f"transfer.{event}", target=transfer, changes=changes)
    customer_event = CUSTOMER_EVENTS.get(TransferEvent(event))
    if customer_event:
        notify(
            event=customer_event,
            payload=transfer_payload(transfer),
            customer_id=transfer.customer_id,
        )
    return step.target


def approvers_of(level: ApprovalLevel) -> list[int]:
    """The active users who approve at ``level`` (for "approval waiting" notices)."""
    users = get_user_model().objects.filter(is_active=True, groups__name=LEVEL_ROLES[level])
    return list(users.values_list("pk", flat=True))


def staff_notify(event: str, transfer: Transfer, levels: Iterable[ApprovalLevel]) -> None:
    staff = sorted({uid for level in levels for uid in approvers_of(level)})
    if staff:
        notify(event=event, payload=transfer_payload(transfer), staff_user_ids=staff)
