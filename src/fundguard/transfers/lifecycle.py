"""A transfer's life as data: statuses, events, and what each allowed step does to the hold.

Pure, no ORM. The table follows "A transfer's life" in ``DESIGN.md``::

    draft -> submitted (hold placed) -> screening -> pending_approval -> approved
          -> executing (hold posted) -> completed | failed / returned (posting reversed)
    screening -> under_review -> pending_approval | rejected
    rejected / cancelled / expired before execution: hold voided (a draft has none to void)

"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from fundguard.core.errors import DomainError
from fundguard.transfers.errors import TransferError

REASON_MAX_CHARS = 1000
"""The longest reason a transition records."""


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
