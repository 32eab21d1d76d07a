"""Deciding on transfers: approve (level by level, under every separation-of-duties rule and
limit), reject, clear or reject after compliance review, and the SLA reminders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import format_amount
from fundguard.core.otp import otp_verify
from fundguard.core.permissions import require_permission
from fundguard.core.roles import role_of
from fundguard.transfers.conf import per_currency, setting
from fundguard.transfers.errors import TransferError
from fundguard.transfers.lifecycle import TransferEvent, TransferStatus
from fundguard.transfers.models import ApproverLimit, Delegation, Transfer, TransferApproval
from fundguard.transfers.policy import (
    Approval,
    ApprovalLevel,
    ApproverLimits,
    Beneficiary,
    TransferFacts,
    approval_binding_hash,
    approval_check,
    levels_outstanding,
)
from fundguard.transfers.services._common import (
    LEVEL_ROLES,
    staff_notify,
    step_apply,
    step_record,
    transfer_locked,
)
from fundguard.transfers.services.execution import transfer_execute

ROLE_LEVELS = {role: level for level, role in LEVEL_ROLES.items()}


def transfer_facts(transfer: Transfer) -> TransferFacts:
    """What approvals are bound to (the beneficiary by its saved row and masked number)."""
    b = transfer.beneficiary
    return TransferFacts(
        maker_id=transfer.maker_id,
        amount_minor=transfer.amount_minor,
        currency=transfer.currency,
        beneficiary=Beneficiary(
            name=b.name,
            account_number=f"{b.pk}:{b.number_index}",
            bank_name=b.bank_name,
            country=transfer.beneficiary_country,
            bank_code=b.bic,
        ),
        source_account_id=transfer.source_account_id,
        execution_date=transfer.requested_execution_date,
        purpose=transfer.purpose,
    )


def _approvals(transfer: Transfer) -> list[Approval]:
    return [
        Approval(
            approver_id=a.approver_id, level=ApprovalLevel(a.level), binding_hash=a.binding_hash
        )
        for a in transfer.approvals.all()
    ]


def waiting_levels(transfer: Transfer) -> tuple[ApprovalLevel, ...]:
    required = tuple(ApprovalLevel(level) for level in transfer.required_levels)
    return levels_outstanding(required, _approvals(transfer), transfer_facts(transfer))


@dataclass(frozen=True, slots=True)
class Capacity:
    """A level the actor may approve at: their own, or a delegator's (``on_behalf_of``)."""

    level: ApprovalLevel
    limit_owner: Any
    on_behalf_of: Any = None


def approval_capacities(actor: Any, now: datetime) -> list[Capacity]:
    capacities = []
    role = role_of(actor)
    own = ROLE_LEVELS.get(role) if role else None
    if own is not None:
        capacities.append(Capacity(level=own, limit_owner=actor))
    delegations = Delegation.objects.filter(
        delegate=actor, starts_at__lte=now, ends_at__gt=now, revoked_at__isnull=True
    ).select_related("delegator")
    for d in delegations:
        delegator_role = role_of(d.delegator)
        level = ROLE_LEVELS.get(delegator_role) if delegator_role else None
        if level is not None and d.delegator.is_active:
            capacities.append(
                Capacity(level=level, limit_owner=d.delegator, on_behalf_of=d.delegator)
            )
    return capacities


def _capacity_for(actor: Any, transfer: Transfer, now: datetime) -> Capacity:
    """The actor's capacity for the level waiting next (or their first one, for the error)."""
    capacities = approval_capacities(actor, now)
    if not capacities:
        raise DomainError(TransferError.not_an_approver, field="transfer")
    waiting = waiting_levels(transfer)
    for capacity in capacities:
        if waiting and capacity.level == waiting[0]:
            return capacity
    return capacities[0]


def _used_today(limit_owner: Any, currency: str, now: datetime) -> int:
    local = timezone.localtime(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = TransferApproval.objects.filter(
        Q(approver=limit_owner, on_behalf_of__isnull=True) | Q(on_behalf_of=limit_owner),
        currency=currency,
        approved_at__gte=day_start,
    )
    return int(rows.aggregate(total=Sum("amount_minor"))["total"] or 0)


def _otp_use(actor: Any, otp: str) -> None:
    """Spend a one-time code (each works once); a wrong or spent one is refused."""
    if otp_verify(actor, otp) is None:
        raise DomainError(TransferError.otp_invalid, field="otp")


def transfer_approve(
    *, actor: Any, transfer_id: int, comment: str = "", otp: str = "", now: datetime | None = None
) -> Transfer:
    """Give the approval of the level waiting next; the last one executes the transfer.

    The one-time code is spent inside the approval's transaction, after every other check: a
    refused approval leaves the code unspent.
    """
    require_permission(actor, "transfers.approve_transfers")
    return _approve(actor, transfer_id, (comment or "").strip()[:1000], otp, False, now)


def _approve(
    actor: Any,
    transfer_id: int,
    comment: str,
    otp: str,
    otp_spent: bool,
    now: datetime | None,
) -> Transfer:
    """``otp_spent``: the code was already checked for this action (approving several)."""
    otp_verified = otp_spent or bool(otp)

    def once() -> Transfer:
        moment = now or timezone.now()
        with service_atomic():
            transfer = transfer_locked(transfer_id)
            if transfer.status != TransferStatus.pending_approval:
                raise DomainError(
                    TransferError.transition_not_allowed,
                    field="status",
                    status=transfer.status,
                    event="approve",
                )
            capacity = _capacity_for(actor, transfer, moment)
            if capacity.on_behalf_of is not None and capacity.on_behalf_of.pk == transfer.maker_id:
                raise DomainError(TransferError.approver_is_maker)
            limit = (
                ApproverLimit.objects.select_for_update()
                .filter(user=capacity.limit_owner, currency=transfer.currency)
                .first()
            )
            if limit is None:
                raise DomainError(
                    TransferError.no_approver_limit, field="currency", currency=transfer.currency
                )
            facts = transfer_facts(transfer)
            threshold = per_currency("TRANSFERS_OTP_THRESHOLD_MINOR", transfer.currency)
            level = approval_check(
                transfer_facts=facts,
                required_levels=tuple(ApprovalLevel(x) for x in transfer.required_levels),
                approvals_so_far=_approvals(transfer),
                approver_id=actor.pk,
                approver_level=capacity.level,
                approver_limits=ApproverLimits(
                    limit_single_minor=limit.limit_single_minor,
                    limit_daily_minor=limit.limit_daily_minor,
                    used_today_minor=_used_today(capacity.limit_owner, transfer.currency, moment),
                ),
                otp_verified=otp_verified,
                otp_threshold_minor=0 if threshold is None else threshold,
            )
            if otp and not otp_spent:
                _otp_use(actor, otp)
            TransferApproval.objects.create(
                transfer=transfer,
                level=level,
                approver=actor,
                on_behalf_of=capacity.on_behalf_of,
                binding_hash=approval_binding_hash(facts),
                amount_minor=transfer.amount_minor,
                currency=transfer.currency,
                comment=comment,
                otp_verified=otp_verified,
                policy_version=transfer.policy_version or 0,
                approved_at=moment,
            )
            step_record(transfer, event=f"approve_{level}", actor=actor, reason=comment, now=moment)
            audit_record(
                actor=actor,
                action="transfer.approve",
                target=transfer,
                changes={
                    "level": [None, str(level)],
                    "amount": [None, format_amount(transfer.amount_minor, transfer.currency)],
                    "on_behalf_of": [
                        None,
                        capacity.on_behalf_of.username if capacity.on_behalf_of else None,
                    ],
                    "otp_verified": [None, otp_verified],
                },
            )
            waiting = waiting_levels(transfer)
            if waiting:
                staff_notify("approval.waiting", transfer, waiting[:1])
                return transfer
            step_apply(transfer, TransferEvent.approvals_complete, actor=actor, now=moment)
            transfer_execute(transfer, actor=actor, now=moment)
            return transfer

    return retrying(once)


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    transfer_id: int
    status: str
    code: str = ""
    message: str = ""


def transfers_approve_many(
    *, actor: Any, transfer_ids: Iterable[int], comment: str = "", otp: str = ""
) -> list[BulkOutcome]:
    """Approve several transfers, each in its own transaction under every check; a refusal of
    one does not stop the rest. The one-time code is checked once for the whole action."""
    require_permission(actor, "transfers.approve_transfers")
    if otp:
        _otp_use(actor, otp)
    comment = (comment or "").strip()[:1000]
    outcomes = []
    for transfer_id in dict.fromkeys(transfer_ids):
        try:
            transfer = _approve(actor, transfer_id, comment, "", bool(otp), None)
        except DomainError as exc:
            outcomes.append(BulkOutcome(transfer_id, "refused", str(exc.code), exc.message))
        else:
            outcomes.append(BulkOutcome(transfer_id, transfer.status))
    return outcomes


def transfer_reject(
    *, actor: Any, transfer_id: int, reason: str, now: datetime | None = None
) -> Transfer:
    """An approver of a level the transfer needs refuses it, with a reason; the hold is voided."""
    require_permission(actor, "transfers.approve_transfers")

    def once() -> Transfer:
        moment = now or timezone.now()
        with service_atomic():
            transfer = transfer_locked(transfer_id)
            if transfer.status != TransferStatus.pending_approval:
                # A transfer under compliance review is compliance's to decide, not approvers'.
                raise DomainError(
                    TransferError.transition_not_allowed,
                    field="status",
                    status=transfer.status,
                    event=TransferEvent.reject,
                )
            if transfer.maker_id == actor.pk:
                raise DomainError(TransferError.approver_is_maker)
            required = set(transfer.required_levels)
            if not any(c.level in required for c in approval_capacities(actor, moment)):
                raise DomainError(TransferError.not_an_approver, field="transfer")
            step_apply(transfer, TransferEvent.reject, actor=actor, reason=reason, now=moment)
            return transfer

    return retrying(once)


def transfer_review_decide(
    *, actor: Any, transfer_id: int, clear: bool, reason: str, now: datetime | None = None
) -> Transfer:
    """Compliance clears a transfer held for review (it goes on to approval) or rejects it."""
    require_permission(actor, "transfers.review_transfers")

    def once() -> Transfer:
        moment = now or timezone.now()
        with service_atomic():
            transfer = transfer_locked(transfer_id)
            event = TransferEvent.review_clear if clear else TransferEvent.reject
            step_apply(transfer, event, actor=actor, reason=reason, now=moment)
            if clear:
                staff_notify("approval.waiting", transfer, waiting_levels(transfer)[:1])
            return transfer

    return retrying(once)


def sla_due_at(transfer: Transfer) -> datetime | None:
    """When the level waiting next is due: its SLA hours after the previous approval, or after
    the transfer reached approval (None: nothing waits)."""
    waiting = waiting_levels(transfer)
    if transfer.status != TransferStatus.pending_approval or not waiting:
        return None
    last = transfer.approvals.order_by("-approved_at").first()
    since = last.approved_at if last else transfer.status_changed_at or transfer.created_at
    hours = int(setting("TRANSFERS_APPROVAL_SLA_HOURS").get(waiting[0], 24))
    return since + timedelta(hours=hours)


def approvals_sla_check(*, now: datetime | None = None) -> int:
    """Remind the approvers of a level that waited past its SLA, and tell the level above
    (escalation). Each level of a transfer is escalated once; returns how many were."""
    now = now or timezone.now()
    breached = 0
    pending = Transfer.objects.filter(status=TransferStatus.pending_approval).order_by("id")
    for transfer in pending:
        due = sla_due_at(transfer)
        if due is None or now < due:
            continue
        level = waiting_levels(transfer)[0]
        event = f"sla_breached_{level}"
        with service_atomic():
            locked = transfer_locked(transfer.pk)
            if (
                locked.status != TransferStatus.pending_approval
                or locked.steps.filter(event=event).exists()
            ):
                continue
            step_record(
                locked,
                event=event,
                actor=None,
                reason=f"due {timezone.localtime(due):%Y-%m-%d %H:%M}",
                now=now,
            )
            audit_record(
                actor=None,
                action="transfer.sla_breached",
                target=locked,
                changes={"level": [None, str(level)]},
            )
            above = [lv for lv in LEVEL_ROLES if lv > level][:1]
            staff_notify("approval.sla_breached", locked, [level, *above])
            breached += 1
    return breached
