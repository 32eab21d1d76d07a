"""A transfer of each approval tier through the console: the operator finds the customer and
submits it with the live checks showing the levels it needs; each approver signs in with their
one-time code and approves in the inbox with a fresh code; the sandbox bank completes it; the
voucher prints (the original, then a copy). One journey runs in Chinese, the others in English.
Nothing leaves the live server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from fundguard.core.otp import current_code, otp_device
from fundguard.customers.models import Beneficiary
from fundguard.customers.services import beneficiary_add
from fundguard.customers.tests.conftest import card_number
from fundguard.payments.sandbox import sandbox_bank_process_due
from fundguard.transfers.models import Transfer, TransferApproval, VoucherPrint
from fundguard.transfers.services import approver_limit_set
from fundguard.transfers.tests import conftest as transfers_conftest
from fundguard.transfers.tests.conftest import World

from .conftest import Journey
from .steps import EN, ZH, code_step, password_step

pytestmark = pytest.mark.browser

world = transfers_conftest.world  # the transfers tests' world, as a fixture here too

JOURNEY_TIMEOUT_MS = 30_000  # the pages run the whole approval and execution in one request


def fresh_code(user: Any) -> str:
    """A code the device has not accepted yet: signing in used the current one, and each code
    works once, so the approval takes the next time step's (within the device's tolerance)."""
    device = otp_device(user)
    assert device is not None
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    target = max(device.last_t + 1, totp.t() + device.drift)
    totp.time = device.t0 + target * device.step
    return f"{totp.token():0{device.digits}d}"


def aged_payee(world: World) -> Beneficiary:
    """A saved beneficiary past its cooling-off (large amounts may go to it)."""
    payee = beneficiary_add(
        actor=world.operator,
        customer_id=world.customer_id,
        name="王五",
        bank_name="中国银行上海分行",
        account_number=card_number(),
        currency="CNY",
    )
    Beneficiary.objects.filter(pk=payee.pk).update(created_at=timezone.now() - timedelta(days=40))
    return payee


def htmx_ready(page: Any) -> None:
    """htmx loads deferred: typing before it listens would send nothing."""
    page.wait_for_function("() => window.htmx !== undefined")


def sign_in(page: Any, journey: Journey, user: Any, words: dict[str, str]) -> None:
    page.goto(journey.url("/signin/"))
    password_step(page, user.username, words)
    if otp_device(user) is not None:
        code_step(page, current_code(user), words)
    expect(page.locator("form[action='/signout/']")).to_be_visible()


def sign_out(page: Any) -> None:
    page.locator("form[action='/signout/'] button").click()
    expect(page.locator("input[name=username]")).to_be_visible()


def operator_submits(
    page: Any,
    journey: Journey,
    world: World,
    amount: str,
    levels: str,
    payee: Any,
) -> Transfer:
    page.goto(journey.url("/transfers/"))
    page.locator("a[href='/transfers/new/']").first.click()
    htmx_ready(page)
    page.locator("input[name=search]").fill("张三")
    page.locator("input[name=search]").press("Enter")
    page.locator("#customer-matches a").first.click()
    htmx_ready(page)
    expect(page.locator("select[name=source_account]")).to_have_value(str(world.account.pk))
    if payee is None:
        page.locator("input[name=beneficiary_name]").fill("李四")
        page.locator("input[name=beneficiary_account_number]").fill(card_number())
        page.locator("input[name=beneficiary_bank_name]").fill("中国建设银行北京分行")
    else:
        page.locator("select[name=beneficiary]").select_option(str(payee.pk))
    page.locator("input[name=amount]").fill(amount)
    # the live checks follow the amount (htmx), before anything is saved
    expect(page.locator("#check-levels")).to_contain_text(levels)
    expect(page.locator("#check-balance")).to_contain_text("10000000.00 CNY")
    expect(page.locator("#check-kyc")).to_have_attribute("data-level", "ok")
    assert not Transfer.objects.exists()
    page.locator("input[name=purpose]").fill("货款")
    journey.screenshot(f"transfer-new-{amount}")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#status")).to_have_attribute("data-status", "pending_approval")
    transfer = Transfer.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(transfer.reference)
    expect(page.locator("#required-levels")).to_contain_text(levels)
    return transfer


def approver_approves(
    page: Any, journey: Journey, approver: Any, transfer: Transfer, words: dict[str, str]
) -> None:
    sign_in(page, journey, approver, words)
    page.goto(journey.url("/transfers/inbox/"))
    row = page.locator(f"tr[data-reference='{transfer.reference}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("****")
    row.locator(f"input[name='t{transfer.pk}-comment']").fill("ok")
    row.locator(f"input[name='t{transfer.pk}-otp']").fill(fresh_code(approver))
    journey.screenshot(f"inbox-{approver.username}")
    row.locator("form.approve button").click()
    expect(page.locator(".messages")).to_contain_text(transfer.reference)
    expect(page.locator(f"tr[data-reference='{transfer.reference}']")).to_have_count(0)
    sign_out(page)


def completes_and_prints(
    page: Any,
    journey: Journey,
    world: World,
    transfer: Transfer,
    words: dict[str, str],
) -> None:
    sign_in(page, journey, world.auditor, words)
    page.goto(journey.url(f"/transfers/{transfer.pk}/"))
    expect(page.locator("#status")).to_have_attribute("data-status", "executing")
    assert sandbox_bank_process_due() >= 1
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "completed")
    transfer.refresh_from_db()
    expect(page.locator("#voucher")).to_contain_text(transfer.voucher.number_text)
    expect(page.locator("#timeline")).to_contain_text("bank_complete")
    for is_copy in (False, True):
        with page.expect_download() as download:
            page.locator("#voucher button").click()
        name = download.value.suggested_filename
        assert name.endswith("-copy.pdf") is is_copy, name
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    assert list(VoucherPrint.objects.values_list("is_copy", flat=True)) == [False, True]
    journey.screenshot(f"transfer-completed-{transfer.pk}")


def _limits(world: World) -> None:
    """Room for a tier-3 amount in each approver's single-transfer limit."""
    for user in (world.l1, world.l2, world.l3):
        approver_limit_set(
            actor=world.admin,
            user_id=user.pk,
            currency="CNY",
            single_minor=100_000_000,
            daily_minor=300_000_000,
        )


@pytest.mark.parametrize(
    ("language", "amount", "levels", "saved_payee"),
    [
        ("zh-hans", "30000.00", "L1", False),
        ("en", "80000.00", "L1 + L2", True),
        ("en", "600000.00", "L1 + L2 + L3", True),
    ],
    ids=["tier-1-chinese", "tier-2", "tier-3"],
)
def test_a_transfer_of_each_tier_is_approved_level_by_level_and_its_voucher_prints(
    journey: Journey,
    world: World,
    language: str,
    amount: str,
    levels: str,
    saved_payee: bool,
) -> None:
    # given the world of the transfers tests, with room in the approvers' limits
    _limits(world)
    payee = aged_payee(world) if saved_payee else None
    page = journey.page
    page.set_default_timeout(JOURNEY_TIMEOUT_MS)
    words = ZH if language == "zh-hans" else EN
    page.goto(journey.url("/signin/"))
    page.locator(f"button[name=language][value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    # when the operator submits the transfer
    sign_in(page, journey, world.operator, words)
    transfer = operator_submits(page, journey, world, amount, levels, payee)
    sign_out(page)

    # and each level's approver approves it in the inbox with a fresh one-time code
    approvers = {"L1": world.l1, "L2": world.l2, "L3": world.l3}
    for level in levels.split(" + "):
        approver_approves(page, journey, approvers[level], transfer, words)

    # then every level is recorded once, by the right person, with the code checked
    approvals = list(TransferApproval.objects.filter(transfer=transfer).order_by("id"))
    assert [a.level.upper() for a in approvals] == levels.split(" + ")
    assert [a.approver_id for a in approvals] == [approvers[x].pk for x in levels.split(" + ")]
    assert all(a.otp_verified for a in approvals)

    # and the sandbox bank completes it, and the voucher prints: the original, then a copy
    completes_and_prints(page, journey, world, transfer, words)
    expect(page.locator("html")).to_have_attribute("lang", language)
    journey.assert_offline_and_csp_clean()


def test_a_rejection_in_the_inbox_needs_a_reason(journey: Journey, world: World) -> None:
    # given a submitted tier-1 transfer
    from fundguard.transfers.services import NewBeneficiary, transfer_create
    from fundguard.transfers.tests.conftest import payee

    transfer = transfer_create(
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=100_000,
        currency="CNY",
        purpose="货款",
        new_beneficiary=NewBeneficiary(**payee()),
        channel="console",
    )
    page = journey.page
    page.set_default_timeout(JOURNEY_TIMEOUT_MS)
    page.goto(journey.url("/signin/"))
    page.get_by_role("button", name="English").click()

    # when L1 rejects it without a reason
    sign_in(page, journey, world.l1, EN)
    page.goto(journey.url("/transfers/inbox/"))
    row = page.locator(f"tr[data-reference='{transfer.reference}']")
    row.locator("form.reject button").click()

    # then the reason field says why, and the transfer still waits
    reason = page.locator(f".field:has(input[name='t{transfer.pk}-reason']) .error")
    expect(reason).to_contain_text("reason")
    transfer.refresh_from_db()
    assert transfer.status == "pending_approval"

    # when they give one, the transfer is rejected and its hold released
    row = page.locator(f"tr[data-reference='{transfer.reference}']")
    row.locator(f"input[name='t{transfer.pk}-reason']").fill("wrong payee")
    row.locator("form.reject button").click()
    expect(page.locator(".messages")).to_contain_text(transfer.reference)
    transfer.refresh_from_db()
    assert transfer.status == "rejected"
    page.goto(journey.url(f"/transfers/{transfer.pk}/"))
    expect(page.locator("#status-reason")).to_contain_text("wrong payee")
    journey.assert_offline_and_csp_clean()
