"""A transfer's life as data: statuses, events, and what each allowed step does to the hold.

Pure, no ORM. The table follows "A transfer's life" in ``DESIGN.md``::

    draft -> submitted (hold placed) -> screening -> pending_approval -> approved
          -> executing (hold posted) -> completed | failed / returned (posting reversed)
    screening -> under_review -> pending_approval | rejected
    rejected / cancelled / expired before execution: hold voided (a draft has none to void)

The transfer codes (:class:`TransferError`) are declared here once, for this module and
:mod:`fundguard.transfers.policy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import DomainError, register_errors

REASON_MAX_CHARS = 1000
"""The longest reason a transition records."""


class TransferError(StrEnum):
    transition_not_allowed = "transition_not_allowed"
    rejection_needs_reason = "rejection_needs_reason"
    reason_too_long = "reason_too_long"
    transfer_amount_not_positive = "transfer_amount_not_positive"
    currency_not_in_approval_policy = "currency_not_in_approval_policy"
    risk_addon_unknown = "risk_addon_unknown"
    approval_policy_invalid = "approval_policy_invalid"
    approver_is_maker = "approver_is_maker"
    level_already_approved_by_user = "level_already_approved_by_user"
    approvals_already_complete = "approvals_already_complete"
    approval_level_not_required = "approval_level_not_required"
    approval_out_of_order = "approval_out_of_order"
    approval_limit_exceeded = "approval_limit_exceeded"
    approval_daily_limit_exceeded = "approval_daily_limit_exceeded"
    otp_required = "otp_required"


register_errors(
    {
        TransferError.transition_not_allowed: (
            409,
            _("The transfer is %(status)s: “%(event)s” is not allowed now."),
        ),
        TransferError.rejection_needs_reason: (422, _("Give a reason for the rejection.")),
        TransferError.reason_too_long: (
            422,
            _("The reason is longer than %(max_chars)s characters."),
        ),
        TransferError.transfer_amount_not_positive: (
            422,
            _("The amount of a transfer must be greater than zero."),
        ),
        TransferError.currency_not_in_approval_policy: (
            422,
            _("The approval policy (version %(version)s) has no tiers for %(currency)s."),
        ),
        TransferError.risk_addon_unknown: (
            422,
            _("The approval policy (version %(version)s) has no risk add-on “%(addon)s”."),
        ),
        TransferError.approval_policy_invalid: (
            422,
            _("The approval policy is not valid: %(detail)s"),
        ),
        TransferError.approver_is_maker: (
            403,
            _("You started this transfer; someone else must approve it."),
        ),
        TransferError.level_already_approved_by_user: (
            403,
            _("You already approved this transfer at level %(level)s; one person approves once."),
        ),
        TransferError.approvals_already_complete: (
            409,
            _("This transfer already has every approval it needs."),
        ),
        TransferError.approval_level_not_required: (
            403,
            _("This transfer needs no approval at level %(level)s."),
        ),
        TransferError.approval_out_of_order: (
            409,
            _("This transfer waits for a level %(expected)s approval, not level %(level)s."),
        ),
        TransferError.approval_limit_exceeded: (
            403,
            _("The amount exceeds your single-transfer approval limit."),
        ),
        TransferError.approval_daily_limit_exceeded: (
            403,
            _("This approval would exceed your daily approval limit."),
        ),
        TransferError.otp_required: (
            403,
            _("Approving this amount needs a fresh one-time code."),
        ),
    }
)


class TransferStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    screening = "screening"
    pending_approval = "pending_approval"
    under_review = "under_review"
    approved = "approved"
    executing = "executing"
    completed = "completed"
    failed = "failed"
    returned = "returned"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"


class TransferEvent(StrEnum):
    submit = "submit"
    screening_start = "screening_start"
    screening_clear = "screening_clear"
    screening_refer = "screening_refer"
    review_clear = "review_clear"
    approvals_complete = "approvals_complete"
    reject = "reject"
    cancel = "cancel"
    expire = "expire"
    execute = "execute"
    bank_complete = "bank_complete"
    bank_fail = "bank_fail"
    bank_return = "bank_return"


class HoldAction(StrEnum):
    """What a transition does to the transfer's ledger hold."""

    none = "none"
    place = "place"
    void = "void"
    post = "post"
    reverse = "reverse"  # the posted entry is reversed: the money goes back to the customer


@dataclass(frozen=True, slots=True)
class Transition:
    source: TransferStatus
    event: TransferEvent
    target: TransferStatus
    hold_action: HoldAction
    needs_reason: bool = False


S = TransferStatus
E = TransferEvent
H = HoldAction

_TABLE: tuple[Transition, ...] = (
    Transition(S.draft, E.submit, S.submitted, H.place),
    Transition(S.draft, E.cancel, S.cancelled, H.none),
    Transition(S.submitted, E.screening_start, S.screening, H.none),
    Transition(S.submitted, E.cancel, S.cancelled, H.void),
    Transition(S.submitted, E.expire, S.expired, H.void),
    Transition(S.screening, E.screening_clear, S.pending_approval, H.none),
    Transition(S.screening, E.screening_refer, S.under_review, H.none),
    Transition(S.screening, E.cancel, S.cancelled, H.void),
    Transition(S.under_review, E.review_clear, S.pending_approval, H.none),
    Transition(S.under_review, E.reject, S.rejected, H.void, needs_reason=True),
    Transition(S.under_review, E.cancel, S.cancelled, H.void),
    Transition(S.under_review, E.expire, S.expired, H.void),
    Transition(S.pending_approval, E.approvals_complete, S.approved, H.none),
    Transition(S.pending_approval, E.reject, S.rejected, H.void, needs_reason=True),
    Transition(S.pending_approval, E.cancel, S.cancelled, H.void),
    Transition(S.pending_approval, E.expire, S.expired, H.void),
    Transition(S.approved, E.execute, S.executing, H.post),
    Transition(S.approved, E.cancel, S.cancelled, H.void),
    Transition(S.approved, E.expire, S.expired, H.void),
    Transition(S.executing, E.bank_complete, S.completed, H.none),
    Transition(S.executing, E.bank_fail, S.failed, H.reverse),
    Transition(S.executing, E.bank_return, S.returned, H.reverse),
)

TRANSITIONS: Mapping[tuple[TransferStatus, TransferEvent], Transition] = MappingProxyType(
    {(t.source, t.event): t for t in _TABLE}
)
"""Every allowed step, keyed by (status, event); anything else is refused."""

TERMINAL_STATUSES: frozenset[TransferStatus] = frozenset(S) - {t.source for t in _TABLE}
"""Statuses no event leaves: completed, failed, returned, rejected, cancelled, expired."""

del S, E, H


def transition(status: TransferStatus, event: TransferEvent, *, reason: str = "") -> Transition:
    """The step ``event`` takes from ``status``; refused with ``transition_not_allowed``.

    A rejection needs a non-blank ``reason`` (``rejection_needs_reason``).
    """
    step = TRANSITIONS.get((TransferStatus(status), TransferEvent(event)))
    if step is None:
        raise DomainError(
            TransferError.transition_not_allowed, field="status", status=status, event=event
        )
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(TransferError.reason_too_long, field="reason", max_chars=REASON_MAX_CHARS)
    if step.needs_reason and not reason.strip():
        raise DomainError(TransferError.rejection_needs_reason, field="reason")
    return step


def allowed_events(status: TransferStatus) -> frozenset[TransferEvent]:
    """The events ``status`` accepts (none for a terminal status)."""
    return frozenset(event for (source, event) in TRANSITIONS if source == status)


def is_terminal(status: TransferStatus) -> bool:
    return status in TERMINAL_STATUSES


def hold_actions(path: Iterable[Transition]) -> tuple[HoldAction, ...]:
    """The hold actions a path took, in order, leaving out ``none``."""
    return tuple(step.hold_action for step in path if step.hold_action is not HoldAction.none)
