"""Approvals under concurrent approvers on PostgreSQL: separate processes, one database.

The set-up is committed (``transaction=True``); the approvers are forked and released together.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.ledger.processes import run_together

from fundguard.core.errors import DomainError
from fundguard.customers.models import Beneficiary
from fundguard.transfers.models import TransferApproval
from fundguard.transfers.services import NewBeneficiary, transfer_approve, transfer_create
from fundguard.transfers.tests.conftest import World, payee

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _approve(user: Any, transfer_id: int, otp: str = "") -> str:
    try:
        transfer_approve(actor=user, transfer_id=transfer_id, otp=otp)
    except DomainError as exc:
        return str(exc.code)
    return "approved"


def _transfers(world: World, count: int, amount_minor: int) -> list[int]:
    setup = transfer_create(  # saves the payee; it is then aged past its cooling-off
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=100,
        currency="CNY",
        purpose="货款",
        new_beneficiary=NewBeneficiary(**payee()),
    )
    Beneficiary.objects.filter(pk=setup.beneficiary_id).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    ids = []
    for _ in range(count):
        ids.append(
            transfer_create(
                actor=world.operator,
                source_account_id=world.account.pk,
                amount_minor=amount_minor,
                currency="CNY",
                purpose="货款",
                beneficiary_id=setup.beneficiary_id,
            ).pk
        )
    return ids


def test_six_approvers_racing_on_one_level_record_exactly_one_approval(world: World) -> None:
    (transfer_id,) = _transfers(world, 1, 6_000_000)  # L1 + L2 and a code: the racers are L1
    racers = [world.l1] + [world.approver("approver_l1") for _ in range(5)]
    outcomes = run_together(_approve, [(user, transfer_id, world.otp(user)) for user in racers])
    assert outcomes.count("approved") == 1, outcomes
    assert TransferApproval.objects.filter(transfer_id=transfer_id).count() == 1


def test_one_approver_on_ten_transfers_at_once_stays_within_the_daily_limit(world: World) -> None:
    ids = _transfers(world, 10, 4_000_000)  # 40,000.00 each; L1's daily limit is 300,000.00
    outcomes = run_together(_approve, [(world.l1, transfer_id) for transfer_id in ids])
    assert outcomes.count("approved") == 7, outcomes
    assert set(outcomes) == {"approved", "approval_daily_limit_exceeded"}
    approved = TransferApproval.objects.filter(approver=world.l1)
    assert sum(a.amount_minor for a in approved) == 28_000_000
