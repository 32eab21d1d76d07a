"""The transfers console: new transfer with live checks, the inbox, the transfer page, batch
upload, vouchers, and the approval policy pages. Same validation as the API; a refused form names
the field and writes nothing."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.customers.models import Beneficiary, Customer
from fundguard.customers.services import beneficiary_add
from fundguard.customers.tests.conftest import card_number
from fundguard.ledger.models import Hold
from fundguard.payments.sandbox import sandbox_bank_process_due
from fundguard.transfers.models import (
    ApprovalPolicyVersion,
    ApproverLimit,
    Delegation,
    Transfer,
    TransferApproval,
    TransferBatch,
    VoucherPrint,
)
from fundguard.transfers.services import NewBeneficiary, transfer_cancel, transfer_create
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db

TIER1 = 1_000_000  # 10,000.00
TIER2 = 10_000_000  # 100,000.00


def sign_in(client: Any, user: Any) -> Any:
    """Signed in (one-time code verified where the role needs one), pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def row_counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Transfer, TransferApproval, Beneficiary, Hold, TransferBatch)
    }


def saved_payee(world: World, *, aged: bool = True) -> Beneficiary:
    payee_row = beneficiary_add(
        actor=world.operator,
        customer_id=world.customer_id,
        name="王五",
        bank_name="中国银行上海分行",
        account_number=card_number(),
        currency="CNY",
    )
    if aged:  # past the cooling-off
        Beneficiary.objects.filter(pk=payee_row.pk).update(
            created_at=timezone.now() - timedelta(days=40)
        )
        payee_row.refresh_from_db()
    return payee_row


def make_transfer(world: World, amount_minor: int, **kwargs: Any) -> Transfer:
    if "beneficiary_id" not in kwargs:
        kwargs["new_beneficiary"] = NewBeneficiary(**payee())
    return transfer_create(
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=amount_minor,
        currency="CNY",
        purpose="货款",
        channel="console",
        **kwargs,
    )


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "customer": world.customer_id,
        "idempotency_key": "k-" + card_number()[-8:],
        "source_account": world.account.pk,
        "beneficiary": "",
        "beneficiary_name": "李四",
        "beneficiary_account_number": card_number(),
        "beneficiary_bank_name": "中国建设银行北京分行",
        "beneficiary_country": "CN",
        "amount": "10000.00",
        "currency": "CNY",
        "purpose": "货款",
        "remittance_information": "INV-2026-001",
        "requested_execution_date": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


# --- who may open which page ---------------------------------------------------------------

PAGES = {
    "list": "/transfers/",
    "new": "/transfers/new/",
    "batch": "/transfers/batch/",
    "inbox": "/transfers/inbox/",
    "vouchers": "/transfers/vouchers/",
    "policy": "/transfers/policy/",
    "delegations": "/transfers/delegations/",
    "detail": "/transfers/{id}/",
}
ALLOWED = {
    "operator": {"list", "new", "batch", "vouchers", "detail"},
    "approver_l1": {"list", "inbox", "vouchers", "delegations", "detail"},
    "approver_l2": {"list", "inbox", "vouchers", "delegations", "detail"},
    "approver_l3": {"list", "inbox", "vouchers", "delegations", "detail"},
    "risk_officer": {"list", "vouchers", "detail"},
    "auditor": {"list", "vouchers", "detail"},
    "admin": {"policy", "delegations"},
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_opens_only_its_pages(client: Any, world: World, role: str) -> None:
    transfer = make_transfer(world, TIER1)
    sign_in(client, world.make_user(role))
    for name, url in PAGES.items():
        response = client.get(url.format(id=transfer.pk))
        expected = 200 if name in ALLOWED[role] else 403
        assert response.status_code == expected, (role, name, response.status_code)


def test_the_navigation_shows_the_transfer_pages_by_role(client: Any, world: World) -> None:
    page = sign_in(client, world.l1).get("/").content.decode()
    assert 'href="/transfers/inbox/"' in page
    assert 'href="/transfers/policy/"' not in page
    client.logout()
    page = sign_in(client, world.admin).get("/").content.decode()
    assert 'href="/transfers/policy/"' in page
    assert 'href="/transfers/"' not in page


@pytest.mark.parametrize(
    "url", ["/transfers/1/approve/", "/transfers/1/reject/", "/transfers/inbox/approve-many/"]
)
def test_an_operator_cannot_post_an_approval(client: Any, world: World, url: str) -> None:
    make_transfer(world, TIER1)
    response = sign_in(client, world.operator).post(url, {"t1-otp": "123456"})
    assert response.status_code == 403
    assert not TransferApproval.objects.exists()


def test_signed_out_users_go_to_the_sign_in(client: Any, world: World) -> None:
    response = client.get("/transfers/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


# --- a new transfer -------------------------------------------------------------------------


def test_the_operator_finds_the_customer_then_gets_the_form(client: Any, world: World) -> None:
    sign_in(client, world.operator)
    page = client.get("/transfers/new/").content.decode()
    assert 'name="search"' in page
    found = client.post("/transfers/new/customers/", {"search": "张三"}, HTTP_HX_REQUEST="true")
    assert found.status_code == 200
    assert f"/transfers/new/?customer={world.customer_id}" in found.content.decode()
    assert "<html" not in found.content.decode()  # the results only
    form = client.get(f"/transfers/new/?customer={world.customer_id}").content.decode()
    assert world.account.code in form
    assert "available 10000000.00" in form


def test_the_operator_submits_a_tier_1_transfer_to_a_new_beneficiary(
    client: Any, world: World
) -> None:
    data = form_data(world)
    response = sign_in(client, world.operator).post("/transfers/new/", data)
    transfer = Transfer.objects.get()
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == f"/transfers/{transfer.pk}/"
    assert transfer.status == "pending_approval"
    assert transfer.required_levels == ["l1"]
    assert transfer.channel == "console"
    assert transfer.remittance_information == "INV-2026-001"
    page = client.get(response["Location"]).content.decode()
    assert transfer.reference in page
    assert "Pending approval" in page
    assert "****" + data["beneficiary_account_number"][-4:] in page
    assert data["beneficiary_account_number"] not in page


def test_posting_the_same_form_twice_makes_one_transfer(client: Any, world: World) -> None:
    data = form_data(world)
    sign_in(client, world.operator)
    first = client.post("/transfers/new/", data)
    second = client.post("/transfers/new/", data)
    assert first["Location"] == second["Location"]
    assert Transfer.objects.count() == 1


def test_a_draft_is_saved_then_submitted_from_its_page(client: Any, world: World) -> None:
    payee_row = saved_payee(world)
    data = form_data(world, beneficiary=payee_row.pk, action="draft", amount="60000")
    sign_in(client, world.operator)
    response = client.post("/transfers/new/", data)
    transfer = Transfer.objects.get()
    assert transfer.status == "draft"
    assert transfer.hold is None
    page = client.get(response["Location"]).content.decode()
    assert f"/transfers/{transfer.pk}/submit/" in page
    client.post(f"/transfers/{transfer.pk}/submit/")
    transfer.refresh_from_db()
    assert transfer.status == "pending_approval"
    assert transfer.required_levels == ["l1", "l2"]
    assert transfer.beneficiary_id == payee_row.pk


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"amount": "abc"}, "amount", ""),
        ({"amount": "0"}, "amount", "greater than zero"),
        ({"amount": "10.001"}, "amount", ""),
        ({"amount": "20000000.00", "beneficiary": "aged"}, "amount", ""),  # above the balance
        ({"purpose": ""}, "purpose", ""),
        ({"currency": "USD"}, "currency", ""),
        ({"requested_execution_date": "2000-01-01"}, "requested_execution_date", ""),
        ({"beneficiary_name": ""}, "beneficiary_name", ""),
        ({"beneficiary_account_number": "12"}, "beneficiary_account_number", ""),
        ({"beneficiary_country": "C1"}, "beneficiary_country", ""),
        ({"amount": "60000.00"}, "beneficiary", "added recently"),  # a new payee, large amount
        ({"beneficiary": "999999"}, "beneficiary", ""),
    ],
)
def test_a_refused_transfer_form_names_the_field_and_writes_nothing(
    client: Any, world: World, overrides: dict[str, Any], field: str, words: str
) -> None:
    if overrides.get("beneficiary") == "aged":
        overrides = {**overrides, "beneficiary": saved_payee(world).pk}
    before = row_counts()
    response = sign_in(client, world.operator).post(
        "/transfers/new/", form_data(world, **overrides)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert row_counts() == before
    page = response.content.decode()
    assert 'class="error"' in page
    assert 'id="check-list"' in page  # the checks are shown with the errors


def test_a_customer_without_verified_kyc_is_refused_at_the_top(client: Any, world: World) -> None:
    Customer.objects.filter(pk=world.customer_id).update(kyc_status="pending")
    before = row_counts()
    response = sign_in(client, world.operator).post("/transfers/new/", form_data(world))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert row_counts() == before


def _checks(client: Any, world: World, **overrides: Any) -> str:
    response = client.post(
        "/transfers/new/checks/", form_data(world, **overrides), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_live_checks_follow_the_amount(client: Any, world: World) -> None:
    sign_in(client, world.operator)
    page = _checks(client, world, amount="10000")
    assert "10000000.00 CNY" in page  # the available balance
    assert "L1 (policy version" in page
    assert "Verified" in page
    assert "one-time code" not in page
    page = _checks(client, world, amount="100000")
    assert "L1 + L2 (policy" in page
    assert "each approval needs a one-time code" in page
    assert "A new beneficiary is cooling off" in page
    page = _checks(client, world, amount="600000", beneficiary=saved_payee(world).pk)
    assert "L1 + L2 + L3" in page
    assert "past its cooling-off" in page
    page = _checks(client, world, amount="20000000")
    assert "less than the amount" in page
    page = _checks(client, world, amount="1.234")
    assert 'data-level="error"' in page
    young = saved_payee(world, aged=False)
    page = _checks(client, world, amount="100", beneficiary=young.pk)
    assert "Cooling off until" in page
    assert not Transfer.objects.exists()


def test_the_live_checks_show_a_kyc_problem(client: Any, world: World) -> None:
    Customer.objects.filter(pk=world.customer_id).update(kyc_status="pending")
    page = _checks(sign_in(client, world.operator), world)
    assert "the transfer will be refused" in page


# --- the approval inbox -----------------------------------------------------------------------


def test_the_inbox_lists_what_waits_for_the_level_most_overdue_first(
    client: Any, world: World
) -> None:
    newer = make_transfer(world, TIER1)
    older = make_transfer(world, TIER1)
    Transfer.objects.filter(pk=older.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=10)
    )
    page = sign_in(client, world.l1).get("/transfers/inbox/").content.decode()
    assert page.index(older.reference) < page.index(newer.reference)
    assert "overdue" in page
    assert "****" in page
    assert "\u2013 / L1" in page
    client.logout()
    page = sign_in(client, world.l2).get("/transfers/inbox/").content.decode()
    assert older.reference not in page  # L1 first


def test_an_approver_approves_with_their_code_and_the_transfer_executes(
    client: Any, world: World
) -> None:
    transfer = make_transfer(world, TIER1)
    sign_in(client, world.l1)
    response = client.post(
        f"/transfers/{transfer.pk}/approve/",
        {f"t{transfer.pk}-comment": "ok", f"t{transfer.pk}-otp": world.otp(world.l1)},
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "executing"
    approval = TransferApproval.objects.get()
    assert approval.otp_verified
    assert approval.comment == "ok"
    assert not client.get("/transfers/inbox/").context["rows"]


@pytest.mark.parametrize(
    ("otp", "words"), [("", "one-time code"), ("000000", "")], ids=["missing", "wrong"]
)
def test_an_approval_above_the_threshold_needs_a_right_code(
    client: Any, world: World, otp: str, words: str
) -> None:
    transfer = make_transfer(world, TIER1 * 6, beneficiary_id=saved_payee(world).pk)
    response = sign_in(client, world.l1).post(
        f"/transfers/{transfer.pk}/approve/", {f"t{transfer.pk}-otp": otp}
    )
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.transfer.pk == transfer.pk)
    assert "otp" in row.approve_form.errors
    assert words in " ".join(row.approve_form.errors["otp"])
    assert not TransferApproval.objects.exists()


def test_a_rejection_needs_a_reason_then_releases_the_hold(client: Any, world: World) -> None:
    transfer = make_transfer(world, TIER1)
    sign_in(client, world.l1)
    response = client.post(f"/transfers/{transfer.pk}/reject/", {f"t{transfer.pk}-reason": " "})
    row = next(r for r in response.context["rows"] if r.transfer.pk == transfer.pk)
    assert "reason" in row.reject_form.errors
    transfer.refresh_from_db()
    assert transfer.status == "pending_approval"
    client.post(f"/transfers/{transfer.pk}/reject/", {f"t{transfer.pk}-reason": "wrong payee"})
    transfer.refresh_from_db()
    assert transfer.status == "rejected"
    assert transfer.hold is not None
    assert transfer.hold.status == "voided"


def test_the_maker_cannot_approve_from_the_inbox(client: Any, world: World) -> None:
    """An approver who made a transfer (as a delegate, say) never sees it; a forced post is
    refused with the service's reason."""
    transfer = make_transfer(world, TIER1)
    Transfer.objects.filter(pk=transfer.pk).update(maker=world.l1)
    response = sign_in(client, world.l1).post(
        f"/transfers/{transfer.pk}/approve/", {f"t{transfer.pk}-otp": world.otp(world.l1)}
    )
    assert response.status_code == 200
    assert transfer.reference not in response.content.decode()
    assert not TransferApproval.objects.exists()


def test_approving_several_at_once_lists_each_outcome(client: Any, world: World) -> None:
    first = make_transfer(world, TIER1)
    second = make_transfer(world, TIER1)
    transfer_cancel(actor=world.operator, transfer_id=second.pk, reason="changed mind")
    response = sign_in(client, world.l1).post(
        "/transfers/inbox/approve-many/",
        {"transfers": [first.pk, second.pk], "comment": "batch", "otp": world.otp(world.l1)},
    )
    assert response.status_code == 200
    outcomes = {o["transfer_id"]: o for o in response.context["outcomes"]}
    assert not outcomes[first.pk]["is_refused"]
    assert outcomes[second.pk]["is_refused"]
    assert "cancelled" in outcomes[second.pk]["message"]
    first.refresh_from_db()
    assert first.status == "executing"
    page = response.content.decode()
    assert "Refused" in page
    assert first.reference in page


def test_approving_several_needs_a_selection(client: Any, world: World) -> None:
    make_transfer(world, TIER1)
    response = sign_in(client, world.l1).post("/transfers/inbox/approve-many/", {"otp": ""})
    assert response.status_code == 200
    assert "transfers" in response.context["many_form"].errors
    assert not TransferApproval.objects.exists()


# --- the transfer page ------------------------------------------------------------------------


def test_a_tier_2_transfer_executes_completes_and_its_voucher_prints(
    client: Any, world: World
) -> None:
    transfer = make_transfer(world, TIER2, beneficiary_id=saved_payee(world).pk)
    for approver in (world.l1, world.l2):
        sign_in(client, approver).post(
            f"/transfers/{transfer.pk}/approve/", {f"t{transfer.pk}-otp": world.otp(approver)}
        )
        client.logout()
    transfer.refresh_from_db()
    assert transfer.status == "executing"
    sandbox_bank_process_due()
    sign_in(client, world.auditor)
    page = client.get(f"/transfers/{transfer.pk}/").content.decode()
    assert "Completed" in page
    assert "L1 + L2" in page
    assert transfer.voucher.number_text in page
    assert f"/ledger/entries/{transfer.hold.entry_id}/" in page
    first = client.post(f"/transfers/vouchers/{transfer.voucher.pk}/print/")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert "copy" not in first["Content-Disposition"]
    again = client.post(f"/transfers/vouchers/{transfer.voucher.pk}/print/")
    assert "copy" in again["Content-Disposition"]
    assert list(VoucherPrint.objects.values_list("is_copy", flat=True)) == [False, True]
    vouchers = client.get("/transfers/vouchers/", {"period": transfer.voucher.period})
    assert transfer.voucher.number_text in vouchers.content.decode()
    assert "Print a copy" in vouchers.content.decode()
    other = client.get("/transfers/vouchers/", {"period": "2001-01"}).content.decode()
    assert transfer.voucher.number_text not in other


def test_the_maker_cancels_and_the_hold_is_released(client: Any, world: World) -> None:
    transfer = make_transfer(world, TIER1)
    sign_in(client, world.operator)
    assert (
        f"/transfers/{transfer.pk}/cancel/"
        in client.get(f"/transfers/{transfer.pk}/").content.decode()
    )
    client.post(f"/transfers/{transfer.pk}/cancel/", {"reason": "duplicate"})
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"
    assert transfer.hold.status == "voided"


def test_another_operator_sees_no_cancel_and_is_refused(client: Any, world: World) -> None:
    transfer = make_transfer(world, TIER1)
    sign_in(client, world.make_user("operator"))
    assert "/cancel/" not in client.get(f"/transfers/{transfer.pk}/").content.decode()
    response = client.post(f"/transfers/{transfer.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 200
    assert response.context["cancel_form"].errors
    transfer.refresh_from_db()
    assert transfer.status == "pending_approval"


def test_a_risk_officer_decides_a_transfer_under_review(
    client: Any, world: World, settings: Any
) -> None:
    Customer.objects.filter(pk=world.customer_id).update(risk_level="high")
    transfer = make_transfer(world, 60_000_000, beneficiary_id=saved_payee(world).pk)
    assert transfer.status == "under_review"
    sign_in(client, world.risk)
    page = client.get(f"/transfers/{transfer.pk}/").content.decode()
    assert "high_risk_customer" in page  # the screening hit
    assert f"/transfers/{transfer.pk}/review/" in page
    response = client.post(f"/transfers/{transfer.pk}/review/", {"decision": "reject"})
    assert "reason" in response.context["review_form"].errors
    transfer.refresh_from_db()
    assert transfer.status == "under_review"
    client.post(f"/transfers/{transfer.pk}/review/", {"decision": "clear", "reason": "known"})
    transfer.refresh_from_db()
    assert transfer.status == "pending_approval"


def test_the_list_filters_by_status_customer_and_date(client: Any, world: World) -> None:
    done = make_transfer(world, TIER1)
    waiting = make_transfer(world, TIER1)
    transfer_cancel(actor=world.operator, transfer_id=done.pk)
    sign_in(client, world.auditor)
    page = client.get("/transfers/", {"status": "cancelled"}).content.decode()
    assert done.reference in page
    assert waiting.reference not in page
    page = client.get("/transfers/", {"customer": "张三"}).content.decode()
    assert done.reference in page
    assert waiting.reference in page
    page = client.get("/transfers/", {"customer": "nobody"}).content.decode()
    assert waiting.reference not in page
    today = timezone.localdate().isoformat()
    page = client.get("/transfers/", {"date_from": today, "date_to": today}).content.decode()
    assert waiting.reference in page
    page = client.get("/transfers/", {"date_to": "2001-01-01"}).content.decode()
    assert waiting.reference not in page
    table = client.get("/transfers/", {"status": "cancelled"}, HTTP_HX_REQUEST="true")
    assert "<html" not in table.content.decode()


def test_the_list_pages(client: Any, world: World) -> None:
    for _ in range(3):
        make_transfer(world, 100)
    sign_in(client, world.auditor)
    from fundguard.transfers.views import _common

    old = _common.PAGE_SIZE
    try:
        import fundguard.transfers.views.requests as requests_views

        requests_views.PAGE_SIZE = 2
        page = client.get("/transfers/").content.decode()
        assert "Page 1 of 2" in page
        assert "page=2" in page
        assert "Page 2 of 2" in client.get("/transfers/", {"page": 2}).content.decode()
    finally:
        requests_views.PAGE_SIZE = old


# --- batch upload ---------------------------------------------------------------------------


def _csv(world: World, *rows: str) -> io.BytesIO:
    header = "source_account,amount,currency,purpose,beneficiary_name,account_number,bank_name"
    body = "\n".join([header, *rows]).encode("utf-8")
    upload = io.BytesIO(body)
    upload.name = "batch.csv"
    return upload


def test_a_batch_is_checked_then_submitted_all_or_nothing(client: Any, world: World) -> None:
    good = f"{world.account.pk},100.00,CNY,货款,李四,{card_number()},中国建设银行"
    bad = f"{world.account.pk},abc,CNY,货款,王五,{card_number()},中国银行"
    sign_in(client, world.operator)
    before = row_counts()
    response = client.post(
        "/transfers/batch/", {"file": _csv(world, good, bad), "action": "submit"}
    )
    assert response.status_code == 200
    problems = response.context["report"].problems
    assert [(p.row, p.field) for p in problems] == [(3, "amount")]
    assert "nothing was submitted" in response.content.decode()
    assert row_counts() == before
    second = f"{world.account.pk},200.00,CNY,货款,王五,{card_number()},中国银行"
    response = client.post(
        "/transfers/batch/", {"file": _csv(world, good, second), "action": "check"}
    )
    assert "All 2 rows are valid" in response.content.decode()
    assert row_counts() == before
    response = client.post(
        "/transfers/batch/", {"file": _csv(world, good, second), "action": "submit"}
    )
    assert response.status_code == 302
    assert Transfer.objects.filter(channel="batch").count() == 2


def test_an_unreadable_batch_file_is_named(client: Any, world: World) -> None:
    upload = io.BytesIO(b"\x00\x01 not a table")
    upload.name = "batch.pdf"
    response = sign_in(client, world.operator).post(
        "/transfers/batch/", {"file": upload, "action": "check"}
    )
    assert "file" in response.context["form"].errors


# --- the approval policy, limits and delegations -----------------------------------------------


def test_a_policy_is_drafted_by_one_administrator_and_activated_by_another(
    client: Any, world: World
) -> None:
    sign_in(client, world.admin)
    page = client.get("/transfers/policy/").content.decode()
    assert "&quot;up_to_minor&quot;: 5000000" in page  # the policy in force, to start from
    document = {
        "tiers": {
            "CNY": [
                {"up_to_minor": 1_000_000, "levels": ["l1"]},
                {"up_to_minor": None, "levels": ["l1", "l2"]},
            ]
        },
        "risk_addons": {
            "high_risk_customer": ["l1", "l2"],
            "new_beneficiary_large_amount": ["l1", "l2"],
            "screening_extra_level": ["l1", "l2"],
        },
    }
    response = client.post(
        "/transfers/policy/draft/", {"document": json.dumps(document), "note": "smaller L1"}
    )
    assert response.status_code == 302
    draft = ApprovalPolicyVersion.objects.get(status="draft")
    page = client.get("/transfers/policy/").content.decode()
    assert "Another administrator activates it." in page
    response = client.post("/transfers/policy/activate/", {"version": draft.version})
    assert response.context["activate_error"]
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.logout()
    sign_in(client, world.make_user("admin"))
    client.post("/transfers/policy/activate/", {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == "active"
    assert "≤ 10000.00: L1" in client.get("/transfers/policy/").content.decode()


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("{not json", "Not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"tiers": {"CNY": [{"up_to_minor": 100, "levels": ["l1"]}]}}', "upper bound"),
        ('{"tiers": {"CNY": [{"up_to_minor": null, "levels": ["l9"]}]}}', "not valid"),
    ],
)
def test_a_bad_policy_draft_is_refused_on_the_document(
    client: Any, world: World, document: str, words: str
) -> None:
    before = ApprovalPolicyVersion.objects.count()
    response = sign_in(client, world.admin).post("/transfers/policy/draft/", {"document": document})
    assert response.status_code == 200
    errors = response.context["draft_form"].errors
    assert words in " ".join(errors["document"]), errors
    assert ApprovalPolicyVersion.objects.count() == before


def test_approver_limits_are_set_and_refused_by_field(client: Any, world: World) -> None:
    sign_in(client, world.admin)
    user = world.approver("approver_l1")
    response = client.post(
        "/transfers/policy/limits/",
        {"user": user.pk, "currency": "CNY", "single_limit": "1000", "daily_limit": "500"},
    )
    assert "daily_limit" in response.context["limit_form"].errors
    response = client.post(
        "/transfers/policy/limits/",
        {"user": user.pk, "currency": "CNY", "single_limit": "1.001", "daily_limit": "500"},
    )
    assert "single_limit" in response.context["limit_form"].errors
    client.post(
        "/transfers/policy/limits/",
        {"user": user.pk, "currency": "CNY", "single_limit": "1000", "daily_limit": "5000"},
    )
    limit = ApproverLimit.objects.get(user=user, currency="CNY")
    assert (limit.limit_single_minor, limit.limit_daily_minor) == (100_000, 500_000)


def test_an_approver_grants_and_revokes_their_own_delegation(client: Any, world: World) -> None:
    other = world.approver("approver_l1")
    sign_in(client, world.l1)
    now = timezone.localtime()
    window = {
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    # another's level is not theirs to give
    response = client.post(
        "/transfers/delegations/",
        {"delegator": world.l2.pk, "delegate": other.pk, "reason": "leave", **window},
    )
    assert "delegator" in response.context["form"].errors
    response = client.post(
        "/transfers/delegations/",
        {"delegator": world.l1.pk, "delegate": other.pk, "reason": "", **window},
    )
    assert response.context["form"].errors  # a reason is needed
    assert not Delegation.objects.exists()
    response = client.post(
        "/transfers/delegations/",
        {"delegator": world.l1.pk, "delegate": other.pk, "reason": "annual leave", **window},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    page = client.get("/transfers/delegations/").content.decode()
    assert "annual leave" in page
    assert "In force" in page
    client.post("/transfers/delegations/revoke/", {"delegation": delegation.pk})
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_an_administrator_grants_a_delegation_for_anyone(client: Any, world: World) -> None:
    sign_in(client, world.admin)
    now = timezone.localtime()
    response = client.post(
        "/transfers/delegations/",
        {
            "delegator": world.l2.pk,
            "delegate": world.l3.pk,
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "too long",
        },
    )
    assert "ends_at" in response.context["form"].errors
    assert "90 days" in " ".join(response.context["form"].errors["ends_at"])
    assert not Delegation.objects.exists()


def test_the_dashboard_counts_what_waits_for_the_approver(client: Any, world: World) -> None:
    make_transfer(world, TIER1)
    sign_in(client, world.l1)
    figures = {str(f.label): f.value for f in client.get("/").context["figures"]}
    assert figures["Approvals waiting for you"] == 1
    assert figures["Transfers pending approval"] == 1
    assert figures["Transfers executing"] == 0
    client.logout()
    figures = {str(f.label): f.value for f in sign_in(client, world.l2).get("/").context["figures"]}
    assert figures["Approvals waiting for you"] == 0  # L1 first
