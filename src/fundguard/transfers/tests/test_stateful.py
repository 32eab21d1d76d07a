"""A hypothesis state machine over the real transfer services and database: requests, approvals
level by level, rejections, cancellations and the bank's answers in any order. After every step
each transfer's hold matches its status, the customer's available balance is the deposit less
what is held or gone, and the ledger's own checks pass."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fundguard.core.errors import DomainError
from fundguard.ledger.checks import ledger_check
from fundguard.ledger.models import Hold
from fundguard.payments.sandbox import sandbox_bank_process_due
from fundguard.transfers.models import Transfer
from fundguard.transfers.services import (
    NewBeneficiary,
    approver_limit_set,
    transfer_approve,
    transfer_cancel,
    transfer_create,
    transfer_reject,
    waiting_levels,
)
from fundguard.transfers.tests.conftest import FUNDED_MINOR, World, payee, verified_customer

pytestmark = pytest.mark.django_db

REJECTED_BY_SANDBOX = "6222020000000000000"  # ends in 0000: the sandbox bank refuses it
HOLD_BY_STATUS = {
    "pending_approval": "pending",
    "under_review": "pending",
    "rejected": "voided",
    "cancelled": "voided",
    "executing": "posted",
    "completed": "posted",
    "failed": "posted",
}
MONEY_GONE = {"executing", "completed"}
MONEY_HELD = {"pending_approval", "under_review"}


class TransferMachine(RuleBasedStateMachine):
    world: World
    approvers: dict[str, list[User]]

    def __init__(self) -> None:
        super().__init__()
        # A customer of its own for each example, so that replaying an example meets the same
        # balances (hypothesis replays examples to shrink them).
        _, self.account = verified_customer(self.world.operator, self.world.risk)
        self.world.fund(FUNDED_MINOR, self.account)
        self.deposit = FUNDED_MINOR
        self.ids: list[int] = []

    def _open(self) -> list[Transfer]:
        return list(Transfer.objects.filter(pk__in=self.ids, status="pending_approval"))

    @rule(
        amount_minor=st.sampled_from([1_000, 3_000_000, 6_000_000, 60_000_000, 2_000_000_000]),
        refused_by_bank=st.booleans(),
    )
    def request(self, amount_minor: int, refused_by_bank: bool) -> None:
        before = Transfer.objects.count(), Hold.objects.count()
        refusal = ""
        try:
            transfer = transfer_create(
                actor=self.world.operator,
                source_account_id=self.account.pk,
                amount_minor=amount_minor,
                currency="CNY",
                purpose="货款",
                new_beneficiary=NewBeneficiary(
                    **payee(REJECTED_BY_SANDBOX if refused_by_bank else "")
                ),
            )
        except DomainError as exc:
            refusal = str(exc.code)
        if refusal:
            assert refusal == "insufficient_funds"
            assert (Transfer.objects.count(), Hold.objects.count()) == before
        else:
            self.ids.append(transfer.pk)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data())
    def approve_next_level(self, data: Any) -> None:
        transfer = data.draw(st.sampled_from(self._open()))
        level = waiting_levels(transfer)[0]
        approver = data.draw(st.sampled_from(self.approvers[level]))
        transfer_approve(actor=approver, transfer_id=transfer.pk)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data(), cancel=st.booleans())
    def refuse(self, data: Any, cancel: bool) -> None:
        transfer = data.draw(st.sampled_from(self._open()))
        if cancel:
            transfer_cancel(actor=self.world.operator, transfer_id=transfer.pk)
        else:
            transfer_reject(actor=self.world.l1, transfer_id=transfer.pk, reason="no")

    @rule()
    def bank_answers(self) -> None:
        sandbox_bank_process_due()

    @invariant()
    def holds_and_balances_follow_the_statuses(self) -> None:
        held = gone = 0
        for t in Transfer.objects.filter(pk__in=self.ids).select_related("hold"):
            assert t.hold is not None
            assert t.hold.status == HOLD_BY_STATUS[t.status], (t.status, t.hold.status)
            assert (t.return_entry_id is not None) == (t.status == "failed")
            held += t.amount_minor if t.status in MONEY_HELD else 0
            gone += t.amount_minor if t.status in MONEY_GONE else 0
        self.account.refresh_from_db()
        assert self.account.balance_minor == self.deposit - gone
        assert self.account.available_minor == self.deposit - gone - held
        assert not ledger_check()


def test_transfers_behave_under_any_sequence_of_steps(world: World, settings: Any) -> None:
    # This machine explores the workflow; limits, codes and cooling-off are tested apart.
    settings.TRANSFERS_OTP_THRESHOLD_MINOR = {"CNY": 10**15}
    settings.TRANSFERS_CUSTOMER_LIMITS = {}
    settings.TRANSFERS_COOLING_OFF_LARGE_MINOR = {}
    TransferMachine.world = world
    TransferMachine.approvers = {
        "l1": [world.l1, world.approver("approver_l1")],
        "l2": [world.l2],
        "l3": [world.l3],
    }
    for users in TransferMachine.approvers.values():
        for user in users:
            approver_limit_set(
                actor=world.admin,
                user_id=user.pk,
                currency="CNY",
                single_minor=10**12,
                daily_minor=10**13,
            )
    run_state_machine_as_test(
        TransferMachine,
        settings=hypothesis_settings(
            max_examples=8,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
