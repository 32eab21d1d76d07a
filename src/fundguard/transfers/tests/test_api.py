"""The published transfers API (issue 5 item 10), through the test client with bearer tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from fundguard.customers.models import Beneficiary
from fundguard.customers.services import beneficiary_add
from fundguard.customers.tests.conftest import card_number
from fundguard.payments.sandbox import sandbox_bank_process_due
from fundguard.transfers.models import Transfer
from fundguard.transfers.services import approver_limit_set
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any, headers: dict[str, str], key: str = "") -> Any:
    extra = dict(headers)
    if key:
        extra["Idempotency-Key"] = key
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=extra)


@pytest.fixture
def auth(bearer: Callable[[User], dict[str, str]]) -> Callable[[User], dict[str, str]]:
    return bearer


def body(world: World, amount: str = "30000.00", **extra: Any) -> dict[str, Any]:
    return {
        "source_account": world.account.pk,
        "beneficiary": payee(),
        "amount": amount,
        "currency": "CNY",
        "purpose": "货款",
        **extra,
    }


def test_request_approve_and_read_a_transfer(client: Client, world: World, auth: Any) -> None:
    maker = auth(world.operator)
    request = body(world)
    r = post(client, "/api/v1/transfers", request, maker, key="t-1")
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["status"] == "pending_approval"
    assert created["required_levels"] == ["l1"]
    assert created["beneficiary"]["account_number"].startswith("****")
    again = post(client, "/api/v1/transfers", request, maker, key="t-1")
    assert again.json()["id"] == created["id"]

    inbox = client.get("/api/v1/approvals/inbox", headers=auth(world.l1)).json()
    assert [t["id"] for t in inbox] == [created["id"]]
    r = post(
        client,
        f"/api/v1/transfers/{created['id']}/approve",
        {"comment": "ok", "otp": world.otp(world.l1)},
        auth(world.l1),
    )
    assert r.status_code == 200, r.content
    shown = client.get(f"/api/v1/transfers/{created['id']}", headers=auth(world.auditor)).json()
    assert shown["status"] == "executing"
    assert shown["approvals"][0]["level"] == "l1"
    assert shown["hold"]["status"] == "posted"
    assert shown["voucher_number"].startswith("记-")
    assert [s["event"] for s in shown["timeline"]][:2] == ["create", "submit"]
    listed = client.get("/api/v1/transfers?status=executing", headers=auth(world.auditor)).json()
    assert [t["id"] for t in listed] == [created["id"]]


def test_refusals_carry_stable_codes(client: Client, world: World, auth: Any) -> None:
    maker = auth(world.operator)
    r = post(client, "/api/v1/transfers", body(world), maker)
    assert r.status_code == 400
    assert r.json()["code"] == "idempotency_key_missing"
    r = post(client, "/api/v1/transfers", body(world, amount="1.001"), maker, key="t-2")
    assert r.status_code == 422
    assert r.json()["field"] == "amount"
    r = post(client, "/api/v1/transfers", body(world, amount="60000.00"), maker, key="t-3")
    assert r.json()["code"] == "beneficiary_cooling_off"
    assert r.json()["field"] == "beneficiary"
    created = post(client, "/api/v1/transfers", body(world), maker, key="t-4").json()
    r = post(client, f"/api/v1/transfers/{created['id']}/reject", {"reason": ""}, auth(world.l1))
    assert r.json()["code"] == "rejection_needs_reason"
    r = post(client, f"/api/v1/transfers/{created['id']}/approve", {}, maker)
    assert r.status_code == 403
    r = post(
        client, f"/api/v1/transfers/{created['id']}/approve", {"otp": "000000"}, auth(world.l1)
    )
    assert r.json()["code"] == "otp_invalid"
    r = post(client, f"/api/v1/transfers/{created['id']}/cancel", {"reason": "dup"}, maker)
    assert r.json()["status"] == "cancelled"
    assert Transfer.objects.count() == 1
    r = post(
        client,
        "/api/v1/transfers",
        {**body(world), "beneficiary": None, "beneficiary_id": 10**9},
        maker,
        key="t-5",
    )
    assert r.json()["code"] == "beneficiary_not_found"


def test_approve_several_at_once_each_checked(client: Client, world: World, auth: Any) -> None:
    maker = auth(world.operator)
    ids = [
        post(
            client, "/api/v1/transfers", body(world, amount="1000.00"), maker, key=f"b-{i}"
        ).json()["id"]
        for i in range(3)
    ]
    post(client, f"/api/v1/transfers/{ids[1]}/cancel", {}, maker)
    r = post(client, "/api/v1/approvals/approve-many", {"transfers": ids}, auth(world.l1))
    assert r.status_code == 200, r.content
    outcomes = {o["transfer"]: o for o in r.json()}
    assert outcomes[ids[0]]["status"] == "executing"
    assert outcomes[ids[1]]["code"] == "transition_not_allowed"
    assert outcomes[ids[2]]["status"] == "executing"


def test_a_batch_file_checked_then_submitted(client: Client, world: World, auth: Any) -> None:
    p = payee()
    content = (
        "source_account,amount,currency,purpose,beneficiary_name,account_number,bank_name,country\n"
        f"{world.account.pk},100.00,CNY,工资,{p['name']},{p['account_number']},{p['bank_name']},CN\n"
        f"{world.account.pk},1.234,CNY,工资,{p['name']},{p['account_number']},{p['bank_name']},CN\n"
    ).encode()
    maker = auth(world.operator)

    def upload(data: bytes, dry_run: bool) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            f"/api/v1/transfers/batches?dry_run={str(dry_run).lower()}",
            {"file": SimpleUploadedFile("pay.csv", data, content_type="text/csv")},
            headers=maker,
        )

    checked = upload(content, dry_run=True)
    assert checked.status_code == 200, checked.content
    assert checked.json()["problems"] == [
        {"row": 3, "field": "amount", "reason": checked.json()["problems"][0]["reason"]}
    ]
    fixed = content.replace(b",1.234,", b",1.23,")
    submitted = upload(fixed, dry_run=False)
    assert submitted.status_code == 201, submitted.content
    assert len(submitted.json()["transfers"]) == 2
    assert Transfer.objects.filter(channel="batch").count() == 2


def test_the_voucher_pdf_has_an_ascii_file_name_and_marks_copies(
    client: Client, world: World, auth: Any
) -> None:
    created = post(
        client, "/api/v1/transfers", body(world, amount="100.00"), auth(world.operator), key="v-1"
    ).json()
    post(client, f"/api/v1/transfers/{created['id']}/approve", {}, auth(world.l1))
    reader = auth(world.auditor)
    first = client.get(f"/api/v1/transfers/{created['id']}/voucher.pdf", headers=reader)
    second = client.get(f"/api/v1/transfers/{created['id']}/voucher.pdf", headers=reader)
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"].isascii()
    assert "-copy" not in first["Content-Disposition"]
    assert 'filename="voucher-' in second["Content-Disposition"]
    assert "-copy.pdf" in second["Content-Disposition"]


@pytest.mark.parametrize(
    ("amount", "levels"),
    [("30000.00", ["l1"]), ("300000.00", ["l1", "l2"]), ("600000.00", ["l1", "l2", "l3"])],
)
def test_a_journey_per_tier_through_the_api(
    client: Client, world: World, auth: Any, amount: str, levels: list[str]
) -> None:
    approver_limit_set(
        actor=world.admin,
        user_id=world.l1.pk,
        currency="CNY",
        single_minor=100_000_000,
        daily_minor=300_000_000,
    )
    saved = beneficiary_add(
        actor=world.operator,
        customer_id=world.customer_id,
        name="王五",
        bank_name="中国银行上海分行",
        account_number=card_number(),
        currency="CNY",
    )
    Beneficiary.objects.filter(pk=saved.pk).update(created_at=timezone.now() - timedelta(days=60))
    request = {**body(world, amount=amount), "beneficiary": None, "beneficiary_id": saved.pk}
    created = post(client, "/api/v1/transfers", request, auth(world.operator), key=f"tier-{amount}")
    assert created.status_code == 201, created.content
    assert created.json()["required_levels"] == levels
    approvers = {"l1": world.l1, "l2": world.l2, "l3": world.l3}
    for level in levels:
        approver = approvers[level]
        r = post(
            client,
            f"/api/v1/transfers/{created.json()['id']}/approve",
            {"comment": f"{level} ok", "otp": world.otp(approver)},
            auth(approver),
        )
        assert r.status_code == 200, r.content
    sandbox_bank_process_due()
    done = client.get(f"/api/v1/transfers/{created.json()['id']}", headers=auth(world.auditor))
    assert done.json()["status"] == "completed"
    assert [a["level"] for a in done.json()["approvals"]] == levels
    assert all(a["otp_verified"] for a in done.json()["approvals"])
