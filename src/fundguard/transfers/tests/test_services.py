"""The transfer workflow through its services: checks at submission, the hold, the approval
levels and who may give them, execution, the bank's answer, and what is left on refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fundguard.core.errors import DomainError
from fundguard.customers.models import Beneficiary, Customer
from fundguard.ledger.models import Account, Hold
from fundguard.notifications.models import Notification
from fundguard.payments.models import PaymentOrder
from fundguard.payments.sandbox import sandbox_bank_process_due
from fundguard.transfers.models import Transfer, TransferApproval, Voucher
from fundguard.transfers.services import (
    NewBeneficiary,
    approver_limit_set,
    delegation_grant,
    transfer_approve,
    transfer_cancel,
    transfer_create,
    transfer_reject,
    transfer_review_decide,
)
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db


def available(account: Account) -> int:
    account.refresh_from_db()
    return account.available_minor


def request(world: World, amount_minor: int, **kwargs: Any) -> Transfer:
    if "beneficiary_id" not in kwargs and "new_beneficiary" not in kwargs:
        kwargs["new_beneficiary"] = NewBeneficiary(**payee())
    return transfer_create(
        actor=kwargs.pop("actor", world.operator),
        source_account_id=kwargs.pop("source_account_id", world.account.pk),
        amount_minor=amount_minor,
        currency=kwargs.pop("currency", "CNY"),
        purpose=kwargs.pop("purpose", "货款"),
        **kwargs,
    )


def seasoned_beneficiary(world: World) -> Beneficiary:
    """A payee saved long enough ago to be past cooling-off and no longer "new"."""
    t = request(world, 100)
    Beneficiary.objects.filter(pk=t.beneficiary_id).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    return Beneficiary.objects.get(pk=t.beneficiary_id)


def refused(code: str, fn: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        fn(**kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_tier_one_transfer_holds_the_money_and_one_approval_executes_it(world: World) -> None:
    before = available(world.account)
    t = request(world, 3_000_000)  # 30,000.00: L1 only
    assert t.status == "pending_approval"
    assert t.required_levels == ["l1"]
    assert available(world.account) == before - 3_000_000
    assert Hold.objects.get(pk=t.hold_id).status == "pending"

    transfer_approve(actor=world.l1, transfer_id=t.pk, comment="ok")

    t.refresh_from_db()
    assert t.status == "executing"
    assert Hold.objects.get(pk=t.hold_id).status == "posted"
    world.account.refresh_from_db()
    assert world.account.balance_minor == before - 3_000_000
    order = PaymentOrder.objects.get(end_to_end_id=t.end_to_end_id)
    assert order.amount_minor == 3_000_000
    voucher = Voucher.objects.get(transfer=t)
    assert voucher.amount_minor == 3_000_000
    assert [line["debit_minor"] for line in voucher.lines] == [3_000_000, 0]


@pytest.mark.parametrize(
    ("amount_minor", "levels"),
    [
        (5_000_000, ["l1"]),
        (5_000_001, ["l1", "l2"]),
        (50_000_000, ["l1", "l2"]),
        (50_000_001, ["l1", "l2", "l3"]),
    ],
)
def test_the_amount_tier_decides_the_levels(
    world: World, amount_minor: int, levels: list[str]
) -> None:
    beneficiary = seasoned_beneficiary(world)
    t = request(world, amount_minor, beneficiary_id=beneficiary.pk)
    assert t.required_levels[: len(levels)] == levels


def test_every_level_in_order_with_codes_then_the_sandbox_bank_completes(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    t = request(world, 60_000_000, beneficiary_id=beneficiary.pk)  # 600,000.00: L1+L2+L3
    assert t.required_levels == ["l1", "l2", "l3"]
    for early in (world.l2, world.l3):
        refused(
            "approval_out_of_order",
            transfer_approve,
            actor=early,
            transfer_id=t.pk,
            otp=world.otp(early),
        )
    # L1's single limit is 100,000.00: an L1 with a higher limit signs this one.
    senior_l1 = world.approver("approver_l1")
    approver_limit_set(
        actor=world.admin,
        user_id=senior_l1.pk,
        currency="CNY",
        single_minor=100_000_000,
        daily_minor=100_000_000,
    )
    refused("otp_required", transfer_approve, actor=senior_l1, transfer_id=t.pk)
    for approver in (senior_l1, world.l2, world.l3):
        transfer_approve(actor=approver, transfer_id=t.pk, otp=world.otp(approver))
    t.refresh_from_db()
    assert t.status == "executing"
    assert sandbox_bank_process_due() >= 1
    t.refresh_from_db()
    assert t.status == "completed"
    assert [s.event for s in t.steps.all()][-1] == "bank_complete"


def test_a_bank_rejection_returns_the_money_with_the_reason(world: World) -> None:
    before = available(world.account)
    t = request(world, 1_000_000, new_beneficiary=NewBeneficiary(**payee("6222020000000000000")))
    transfer_approve(actor=world.l1, transfer_id=t.pk)
    sandbox_bank_process_due()
    t.refresh_from_db()
    assert t.status == "failed"
    assert t.status_reason
    assert t.return_entry_id is not None
    assert available(world.account) == before


def test_the_limits_of_approvers_and_the_one_time_code(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    t = request(world, 15_000_000, beneficiary_id=beneficiary.pk)  # above L1's 100,000.00
    refused(
        "approval_limit_exceeded",
        transfer_approve,
        actor=world.l1,
        transfer_id=t.pk,
        otp=world.otp(world.l1),
    )
    small = request(world, 6_000_000, beneficiary_id=beneficiary.pk)  # above the code threshold
    refused("otp_required", transfer_approve, actor=world.l1, transfer_id=small.pk)
    code = world.otp(world.l1)
    transfer_approve(actor=world.l1, transfer_id=small.pk, otp=code)
    other = request(world, 6_000_000, beneficiary_id=beneficiary.pk)
    refused("otp_invalid", transfer_approve, actor=world.l1, transfer_id=other.pk, otp=code)


def test_daily_limit_of_an_approver(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    ids = [request(world, 4_000_000, beneficiary_id=beneficiary.pk).pk for _ in range(8)]
    for transfer_id in ids[:7]:  # 7 x 40,000.00 = 280,000.00 <= 300,000.00
        transfer_approve(actor=world.l1, transfer_id=transfer_id)
    refused("approval_daily_limit_exceeded", transfer_approve, actor=world.l1, transfer_id=ids[7])


def test_one_person_one_level_even_with_a_delegation(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    t = request(world, 6_000_000, beneficiary_id=beneficiary.pk)  # L1 + L2
    delegation_grant(
        actor=world.l2,
        delegator_id=world.l2.pk,
        delegate_id=world.l1.pk,
        starts_at=timezone.now() - timedelta(minutes=1),
        ends_at=timezone.now() + timedelta(days=1),
        reason="on leave",
    )
    transfer_approve(actor=world.l1, transfer_id=t.pk, otp=world.otp(world.l1))
    refused("level_already_approved_by_user", transfer_approve, actor=world.l1, transfer_id=t.pk)
    assert TransferApproval.objects.filter(transfer=t).count() == 1


def test_a_delegate_approves_at_the_delegators_level(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    t = request(world, 6_000_000, beneficiary_id=beneficiary.pk)
    transfer_approve(actor=world.l1, transfer_id=t.pk, otp=world.otp(world.l1))
    other_l1 = world.approver("approver_l1")
    refused("approval_out_of_order", transfer_approve, actor=other_l1, transfer_id=t.pk)
    delegation_grant(
        actor=world.admin,
        delegator_id=world.l2.pk,
        delegate_id=other_l1.pk,
        starts_at=timezone.now() - timedelta(minutes=1),
        ends_at=timezone.now() + timedelta(days=1),
        reason="holiday cover",
    )
    transfer_approve(actor=other_l1, transfer_id=t.pk, otp=world.otp(other_l1))
    approval = TransferApproval.objects.get(transfer=t, level="l2")
    assert approval.approver == other_l1
    assert approval.on_behalf_of == world.l2


def test_who_may_do_what(world: World) -> None:
    t = request(world, 1_000_000)
    for user in (world.l1, world.risk, world.auditor, world.admin):
        refused(
            "permission_denied",
            transfer_create,
            actor=user,
            source_account_id=world.account.pk,
            amount_minor=100,
            currency="CNY",
            purpose="x",
            new_beneficiary=NewBeneficiary(**payee()),
        )
    for user in (world.operator, world.risk, world.auditor, world.admin):
        refused("permission_denied", transfer_approve, actor=user, transfer_id=t.pk)
    other_operator = world.make_user("operator")
    refused("not_transfer_maker", transfer_cancel, actor=other_operator, transfer_id=t.pk)
    refused("rejection_needs_reason", transfer_reject, actor=world.l1, transfer_id=t.pk, reason=" ")
    refused("not_an_approver", transfer_reject, actor=world.l3, transfer_id=t.pk, reason="no")


def test_reject_and_cancel_release_the_hold(world: World) -> None:
    before = available(world.account)
    rejected = request(world, 1_000_000)
    cancelled = request(world, 2_000_000)
    transfer_reject(actor=world.l1, transfer_id=rejected.pk, reason="purpose unclear")
    transfer_cancel(actor=world.operator, transfer_id=cancelled.pk, reason="duplicate")
    assert available(world.account) == before
    for t, status in ((rejected, "rejected"), (cancelled, "cancelled")):
        t.refresh_from_db()
        assert t.status == status
        assert Hold.objects.get(pk=t.hold_id).status == "voided"
    refused("transition_not_allowed", transfer_approve, actor=world.l1, transfer_id=rejected.pk)


def test_a_refused_submission_leaves_nothing(world: World, settings: Any) -> None:
    settings.TRANSFERS_CUSTOMER_LIMITS = {}  # let the ledger's own check speak
    beneficiary = seasoned_beneficiary(world)
    counts = (
        Transfer.objects.count(),
        Beneficiary.objects.count(),
        Hold.objects.count(),
        Notification.objects.count(),
    )
    refused(
        "insufficient_funds",
        request,
        world=world,
        amount_minor=2_000_000_000,
        beneficiary_id=beneficiary.pk,
    )
    refused("beneficiary_cooling_off", request, world=world, amount_minor=5_000_001)
    refused("transfer_currency_mismatch", request, world=world, amount_minor=100, currency="USD")
    refused("purpose_required", request, world=world, amount_minor=100, purpose=" ")
    refused(
        "beneficiary_required",
        transfer_create,
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=100,
        currency="CNY",
        purpose="x",
    )
    error = refused(
        "account_number_invalid",
        request,
        world=world,
        amount_minor=100,
        new_beneficiary=NewBeneficiary(**payee("6222021234567890123")),
    )
    assert error.field == "beneficiary.account_number"
    assert (
        Transfer.objects.count(),
        Beneficiary.objects.count(),
        Hold.objects.count(),
        Notification.objects.count(),
    ) == counts


def test_kyc_must_be_verified_and_current(world: World) -> None:
    Customer.objects.filter(pk=world.customer_id).update(kyc_status="pending")
    refused("kyc_not_verified", request, world=world, amount_minor=100)
    Customer.objects.filter(pk=world.customer_id).update(
        kyc_status="verified", next_review_on=timezone.localdate() - timedelta(days=1)
    )
    refused("kyc_review_overdue", request, world=world, amount_minor=100)


def test_customer_daily_limit(world: World, settings: Any) -> None:
    settings.TRANSFERS_CUSTOMER_LIMITS = {"CNY": {"daily": 2_500_000, "monthly": 10**12}}
    request(world, 1_000_000)
    request(world, 1_000_000)
    refused("customer_daily_limit_exceeded", request, world=world, amount_minor=1_000_000)


def test_idempotent_creation(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    first = request(world, 100_000, beneficiary_id=beneficiary.pk, idempotency_key="k-1")
    again = request(world, 100_000, beneficiary_id=beneficiary.pk, idempotency_key="k-1")
    assert again.pk == first.pk
    refused(
        "idempotency_key_reused",
        request,
        world=world,
        amount_minor=100_001,
        beneficiary_id=beneficiary.pk,
        idempotency_key="k-1",
    )
    assert Transfer.objects.filter(amount_minor__in=[100_000, 100_001]).count() == 1


def test_screening_adds_levels_and_sends_risky_large_transfers_to_review(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    Customer.objects.filter(pk=world.customer_id).update(risk_level="high")
    small = request(world, 1_000_000, beneficiary_id=beneficiary.pk)
    assert small.required_levels == ["l1", "l2"]
    assert small.screening["hits"][0]["rule"] == "high_risk_customer"
    large = request(world, 50_000_000, beneficiary_id=beneficiary.pk)  # PBOC: 500,000.00
    assert large.status == "under_review"
    refused("transition_not_allowed", transfer_approve, actor=world.l1, transfer_id=large.pk)
    transfer_review_decide(actor=world.risk, transfer_id=large.pk, clear=True, reason="source ok")
    large.refresh_from_db()
    assert large.status == "pending_approval"


def test_customer_hears_of_each_status_and_approvers_of_waiting_work(world: World) -> None:
    t = request(world, 1_000_000)
    transfer_approve(actor=world.l1, transfer_id=t.pk)
    sandbox_bank_process_due()
    events = list(
        Notification.objects.filter(payload__transfer_id=t.pk)
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert "transfer.submitted" in events
    assert "approval.waiting" in events
    assert "transfer.approved" in events
    assert events[-1] == "transfer.completed"


def test_approvers_do_not_decide_what_waits_for_compliance(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    Customer.objects.filter(pk=world.customer_id).update(risk_level="high")
    held = request(world, 50_000_000, beneficiary_id=beneficiary.pk)
    assert held.status == "under_review"
    refused(
        "transition_not_allowed", transfer_reject, actor=world.l1, transfer_id=held.pk, reason="no"
    )
    transfer_review_decide(actor=world.risk, transfer_id=held.pk, clear=False, reason="adverse")
    held.refresh_from_db()
    assert held.status == "rejected"


def test_the_customer_hears_submitted_once_even_after_a_compliance_review(world: World) -> None:
    beneficiary = seasoned_beneficiary(world)
    Customer.objects.filter(pk=world.customer_id).update(risk_level="high")
    held = request(world, 50_000_000, beneficiary_id=beneficiary.pk)
    transfer_review_decide(actor=world.risk, transfer_id=held.pk, clear=True, reason="ok")
    submitted = Notification.objects.filter(
        payload__transfer_id=held.pk, event="transfer.submitted", channel="email"
    )
    assert submitted.count() == 1
