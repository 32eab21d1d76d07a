"""The transfer lifecycle: the table as DESIGN.md draws it, and a hypothesis state machine."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from fundguard.core.errors import DomainError
from fundguard.transfers.lifecycle import (
    REASON_MAX_CHARS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    HoldAction,
    TransferEvent,
    TransferStatus,
    Transition,
    allowed_events,
    hold_actions,
    is_terminal,
    transition,
)

S = TransferStatus
E = TransferEvent
H = HoldAction

# The table, written out once more by hand from DESIGN.md ("A transfer's life").
EXPECTED = {
    (S.draft, E.submit): (S.submitted, H.place),
    (S.draft, E.cancel): (S.cancelled, H.none),
    (S.submitted, E.screening_start): (S.screening, H.none),
    (S.submitted, E.cancel): (S.cancelled, H.void),
    (S.submitted, E.expire): (S.expired, H.void),
    (S.screening, E.screening_clear): (S.pending_approval, H.none),
    (S.screening, E.screening_refer): (S.under_review, H.none),
    (S.screening, E.cancel): (S.cancelled, H.void),
    (S.under_review, E.review_clear): (S.pending_approval, H.none),
    (S.under_review, E.reject): (S.rejected, H.void),
    (S.under_review, E.cancel): (S.cancelled, H.void),
    (S.under_review, E.expire): (S.expired, H.void),
    (S.pending_approval, E.approvals_complete): (S.approved, H.none),
    (S.pending_approval, E.reject): (S.rejected, H.void),
    (S.pending_approval, E.cancel): (S.cancelled, H.void),
    (S.pending_approval, E.expire): (S.expired, H.void),
    (S.approved, E.execute): (S.executing, H.post),
    (S.approved, E.cancel): (S.cancelled, H.void),
    (S.approved, E.expire): (S.expired, H.void),
    (S.executing, E.bank_complete): (S.completed, H.none),
    (S.executing, E.bank_fail): (S.failed, H.reverse),
    (S.executing, E.bank_return): (S.returned, H.reverse),
}
RELEASED_ENDS = {S.rejected, S.cancelled, S.expired, S.failed, S.returned}
REASON = "beneficiary name does not match the account"


def _fire(status: TransferStatus, event: TransferEvent):
    return transition(status, event, reason=REASON)


def test_the_statuses_are_named_as_in_the_design():
    assert [s.value for s in TransferStatus] == [
        "draft",
        "submitted",
        "screening",
        "pending_approval",
        "under_review",
        "approved",
        "executing",
        "completed",
        "failed",
        "returned",
        "rejected",
        "cancelled",
        "expired",
    ]


def test_the_transition_table_is_the_one_drawn_in_the_design():
    table = {key: (t.target, t.hold_action) for key, t in TRANSITIONS.items()}

    assert table == EXPECTED


@pytest.mark.parametrize("status", list(TransferStatus))
@pytest.mark.parametrize("event", list(TransferEvent))
def test_every_pair_outside_the_table_is_refused(status, event):
    if (status, event) in EXPECTED:
        assert _fire(status, event).target == EXPECTED[(status, event)][0]
        return

    with pytest.raises(DomainError) as refused:
        _fire(status, event)

    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409
    assert refused.value.field == "status"
    assert f"is {status}: “{event}”" in refused.value.message


def test_terminal_statuses_are_the_six_ends_and_accept_no_event():
    assert {S.completed, *RELEASED_ENDS} == TERMINAL_STATUSES
    for status in TransferStatus:
        assert is_terminal(status) == (status in TERMINAL_STATUSES)
        assert (allowed_events(status) == frozenset()) == is_terminal(status)


@pytest.mark.parametrize("source", [S.pending_approval, S.under_review])
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_rejection_needs_a_reason(source, reason):
    with pytest.raises(DomainError) as refused:
        transition(source, E.reject, reason=reason)

    assert refused.value.code == "rejection_needs_reason"
    assert refused.value.field == "reason"


def test_a_reason_is_bounded():
    assert transition(S.pending_approval, E.reject, reason="x" * REASON_MAX_CHARS)

    with pytest.raises(DomainError) as refused:
        transition(S.pending_approval, E.reject, reason="x" * (REASON_MAX_CHARS + 1))

    assert refused.value.code == "reason_too_long"


def test_other_transitions_need_no_reason():
    assert transition(S.pending_approval, E.cancel).target == S.cancelled


def test_the_happy_path_places_then_posts_the_hold_once():
    events = [
        E.submit,
        E.screening_start,
        E.screening_clear,
        E.approvals_complete,
        E.execute,
        E.bank_complete,
    ]
    status, path = S.draft, []
    for event in events:
        step = transition(status, event)
        path.append(step)
        status = step.target

    assert status == S.completed
    assert hold_actions(path) == (H.place, H.post)


def test_a_referred_transfer_rejected_by_compliance_voids_its_hold():
    events = [E.submit, E.screening_start, E.screening_refer, E.reject]
    status, path = S.draft, []
    for event in events:
        step = transition(status, event, reason="sanctions hit confirmed")
        path.append(step)
        status = step.target

    assert status == S.rejected
    assert hold_actions(path) == (H.place, H.void)


def test_unknown_status_or_event_text_is_a_value_error():
    with pytest.raises(ValueError, match="on_hold"):
        transition("on_hold", E.cancel)  # type: ignore[arg-type]


def _every_path(status: TransferStatus = S.draft) -> list[list[Transition]]:
    """Every path from ``status`` to an end (the table has no cycles)."""
    if is_terminal(status):
        return [[]]
    return [
        [step, *rest]
        for event in sorted(allowed_events(status))
        for step in [TRANSITIONS[(status, event)]]
        for rest in _every_path(step.target)
    ]


def test_every_path_from_draft_resolves_the_hold_exactly_as_it_ends():
    paths = _every_path()

    ends = {path[-1].target for path in paths}
    assert ends == TERMINAL_STATUSES
    for path in paths:
        actions = hold_actions(path)
        end = path[-1].target
        if end == S.completed:
            assert actions == (H.place, H.post)
        elif path[0].event == E.cancel:
            assert actions == ()
        else:
            assert end in RELEASED_ENDS
            assert actions in {(H.place, H.void), (H.place, H.post, H.reverse)}


class TransferLifecycle(RuleBasedStateMachine):
    """Random event sequences from draft; the hold is tracked as the ledger would see it."""

    def __init__(self) -> None:
        super().__init__()
        self.status = S.draft
        self.actions: list[HoldAction] = []

    @rule(event=st.sampled_from(TransferEvent))
    def fire(self, event: TransferEvent) -> None:
        before = self.status
        if (before, event) not in TRANSITIONS:
            with pytest.raises(DomainError) as refused:
                _fire(before, event)
            assert refused.value.code == "transition_not_allowed"
            assert self.status == before
            return
        step = _fire(before, event)
        assert step.source == before
        self.status = step.target
        if step.hold_action is not H.none:
            self.actions.append(step.hold_action)

    @rule(data=st.data())
    def fire_an_allowed_event(self, data: st.DataObject) -> None:
        # Random events are mostly refused; this rule walks the table so every end is reached.
        events = sorted(allowed_events(self.status))
        if events:
            self.fire(data.draw(st.sampled_from(events)))

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        # Cancel and expire are allowed almost everywhere and would end most runs early; this
        # rule prefers a step to a status that is not an end, so executing and completed are
        # reached too.
        events = sorted(allowed_events(self.status))
        onward = [e for e in events if not is_terminal(TRANSITIONS[(self.status, e)].target)]
        if events:
            self.fire(data.draw(st.sampled_from(onward or events)))

    @invariant()
    def status_is_in_the_table(self) -> None:
        targets = {t.target for t in TRANSITIONS.values()}
        assert self.status == S.draft or self.status in targets

    @invariant()
    def the_hold_is_placed_and_resolved_at_most_once(self) -> None:
        count = self.actions.count
        assert count(H.place) <= 1
        assert count(H.void) + count(H.post) <= 1
        assert count(H.reverse) <= count(H.post)
        assert self.actions == [] or self.actions[0] == H.place

    @invariant()
    def terminal_statuses_accept_nothing(self) -> None:
        if is_terminal(self.status):
            assert allowed_events(self.status) == frozenset()
            for event in TransferEvent:
                with pytest.raises(DomainError):
                    _fire(self.status, event)

    @invariant()
    def an_end_that_gives_the_money_back_released_the_hold_once(self) -> None:
        if self.status in RELEASED_ENDS:
            placed = self.actions.count(H.place)
            released = self.actions.count(H.void) + self.actions.count(H.reverse)
            assert released == placed
            # Only a draft ends without a hold: cancelled before submission.
            assert placed == 1 or self.status == S.cancelled

    @invariant()
    def a_completed_transfer_posted_its_hold_once(self) -> None:
        if self.status == S.completed:
            assert self.actions == [H.place, H.post]


TransferLifecycle.TestCase.settings = settings(
    max_examples=200, stateful_step_count=15, deadline=None
)
test_transfer_lifecycle = TransferLifecycle.TestCase
