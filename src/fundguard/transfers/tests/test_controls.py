"""Vouchers and their copies, the approval policy's four eyes, SLA escalation and expiry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.ledger.models import Hold
from fundguard.notifications.models import Notification
from fundguard.transfers.models import Transfer, TransferStep, VoucherPrint
from fundguard.transfers.policy import DEFAULT_APPROVAL_POLICY, policy_to_document
from fundguard.transfers.services import (
    NewBeneficiary,
    approval_policy_activate,
    approval_policy_draft,
    approvals_sla_check,
    transfer_approve,
    transfer_create,
    transfers_expire_due,
    voucher_print,
)
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db


def request(world: World, amount_minor: int) -> Transfer:
    return transfer_create(
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=amount_minor,
        currency="CNY",
        purpose="货款",
        new_beneficiary=NewBeneficiary(**payee()),
    )


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_voucher_prints_the_capitals_and_every_reprint_is_a_copy(world: World) -> None:
    t = request(world, 140_950)  # 1,409.50: the PBOC's worked example
    transfer_approve(actor=world.l1, transfer_id=t.pk)
    voucher = Transfer.objects.get(pk=t.pk).voucher
    assert voucher.number_text.startswith("记-")
    _, first, first_is_copy = voucher_print(actor=world.auditor, voucher_id=voucher.pk)
    _, second, second_is_copy = voucher_print(actor=world.l1, voucher_id=voucher.pk)
    assert (first_is_copy, second_is_copy) == (False, True)
    assert "人民币壹仟肆佰零玖元伍角" in text_of(first)
    assert "副本" not in text_of(first)
    assert "副本" in text_of(second)
    assert VoucherPrint.objects.filter(voucher=voucher).count() == 2
    with pytest.raises(DomainError) as denied:
        voucher_print(actor=world.admin, voucher_id=voucher.pk)
    assert denied.value.code == "permission_denied"


def test_vouchers_are_numbered_in_sequence_within_the_period(world: World) -> None:
    numbers = []
    for _ in range(3):
        t = request(world, 10_000)
        transfer_approve(actor=world.l1, transfer_id=t.pk)
        numbers.append(Transfer.objects.get(pk=t.pk).voucher.number)
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_a_policy_version_takes_effect_only_when_another_admin_activates_it(
    world: World,
) -> None:
    stricter = policy_to_document(DEFAULT_APPROVAL_POLICY)
    stricter["tiers"]["CNY"][0]["levels"] = ["l1", "l2"]  # type: ignore[index]
    draft = approval_policy_draft(actor=world.admin, document=stricter, note="four eyes always")
    assert request(world, 10_000).required_levels == ["l1"]
    with pytest.raises(DomainError) as own:
        approval_policy_activate(actor=world.admin, version=draft.version)
    assert own.value.code == "policy_activated_by_drafter"
    second_admin = world.make_user("admin")
    approval_policy_activate(actor=second_admin, version=draft.version)
    t = request(world, 10_000)
    assert t.required_levels == ["l1", "l2"]
    assert t.policy_version == draft.version
    assert AuditRecord.objects.filter(action="transfers.policy_activated").count() == 1
    with pytest.raises(DomainError) as operator:
        approval_policy_draft(actor=world.operator, document=stricter)
    assert operator.value.code == "permission_denied"


def test_an_unsafe_policy_is_refused_at_drafting(world: World) -> None:
    broken = policy_to_document(DEFAULT_APPROVAL_POLICY)
    broken["tiers"]["CNY"][1]["levels"] = ["l2"]  # type: ignore[index]  # drops L1 above 50,000
    with pytest.raises(DomainError) as refused:
        approval_policy_draft(actor=world.admin, document=broken)
    assert refused.value.code == "approval_policy_invalid"


def test_a_late_level_is_escalated_once(world: World) -> None:
    t = request(world, 10_000)
    later = timezone.now() + timedelta(hours=5)  # L1's SLA is 4 hours
    assert approvals_sla_check(now=later) == 1
    assert approvals_sla_check(now=later) == 0
    assert TransferStep.objects.filter(transfer=t, event="sla_breached_l1").count() == 1
    told = Notification.objects.filter(event="approval.sla_breached")
    assert {n.staff_user_id for n in told} >= {world.l1.pk, world.l2.pk}


def test_a_transfer_long_past_its_date_expires_and_releases_its_hold(world: World) -> None:
    t = request(world, 10_000)
    assert transfers_expire_due(now=timezone.now() + timedelta(days=3)) == 0
    assert transfers_expire_due(now=timezone.now() + timedelta(days=9)) == 1
    t.refresh_from_db()
    assert t.status == "expired"
    assert Hold.objects.get(pk=t.hold_id).status == "voided"
