"""The published API, through Django's test client with bearer tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fundguard.ledger.models import JournalEntry

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"


def post(client: Client, path: str, body: Any, headers: dict[str, str], key: str | None = None):
    extra = dict(headers)
    if key is not None:
        extra["Idempotency-Key"] = key
    return client.post(
        BASE + path, data=json.dumps(body), content_type="application/json", headers=extra
    )


@pytest.fixture
def integration(make_user, bearer):
    return bearer(make_user("integration"))


@pytest.fixture
def accounts(client, integration):
    ids = {}
    for code, kind in (("BANK", "asset"), ("ALICE", "liability"), ("BOB", "liability")):
        r = post(
            client,
            "/accounts",
            {"code": code, "name": code.title(), "kind": kind, "currency": "CNY"},
            integration,
        )
        assert r.status_code == 201, r.content
        ids[code] = r.json()["id"]
    r = post(
        client,
        "/entries",
        {
            "memo": "funding",
            "lines": [
                {"account": ids["BANK"], "debit": "100.00"},
                {"account": ids["ALICE"], "credit": "100.00"},
            ],
        },
        integration,
        key="fund-1",
    )
    assert r.status_code == 201, r.content
    return ids


def transfer(ids, amount: str, memo: str = "pay") -> dict[str, Any]:
    return {
        "memo": memo,
        "lines": [
            {"account": ids["ALICE"], "debit": amount},
            {"account": ids["BOB"], "credit": amount},
        ],
    }


def test_an_account_shows_its_balances_as_decimal_strings(client, integration, accounts):
    r = client.get(f"{BASE}/accounts/{accounts['ALICE']}", headers=integration)
    assert r.status_code == 200
    body = r.json()
    assert body["currency"] == "CNY"
    assert (body["balance"], body["available"]) == ("100.00", "100.00")
    assert (body["debits_pending"], body["credits_pending"]) == ("0.00", "0.00")


def test_an_entry_posts_and_a_replay_returns_the_same_id(client, integration, accounts):
    first = post(client, "/entries", transfer(accounts, "12.34"), integration, key="k-1")
    again = post(client, "/entries", transfer(accounts, "12.34"), integration, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert JournalEntry.objects.filter(idempotency_key="k-1").count() == 1
    alice = client.get(f"{BASE}/accounts/{accounts['ALICE']}", headers=integration).json()
    assert alice["balance"] == "87.66"


def test_a_key_reused_with_another_payload_is_refused(client, integration, accounts):
    post(client, "/entries", transfer(accounts, "1.00"), integration, key="k-2")
    r = post(client, "/entries", transfer(accounts, "2.00"), integration, key="k-2")
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"


def test_a_missing_idempotency_key_is_a_400(client, integration, accounts):
    r = post(client, "/entries", transfer(accounts, "1.00"), integration)
    assert r.status_code == 400
    assert r.json()["code"] == "idempotency_key_missing"


def test_an_overdraft_is_refused_with_insufficient_funds(client, integration, accounts):
    r = post(client, "/entries", transfer(accounts, "100.01"), integration, key="k-3")
    assert r.status_code == 409
    assert r.json()["code"] == "insufficient_funds"
    assert r.json()["field"] == "lines[0].debit"


def test_too_many_decimals_name_the_line(client, integration, accounts):
    r = post(client, "/entries", transfer(accounts, "1.001"), integration, key="k-4")
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("amount_too_precise", "lines[0].debit")


def test_a_number_instead_of_a_decimal_string_is_refused(client, integration, accounts):
    body = transfer(accounts, "1.00")
    body["lines"][0]["debit"] = 1.0
    r = post(client, "/entries", body, integration, key="k-5")
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input"


def test_a_reversal_through_the_api_links_both_entries(client, integration, accounts):
    entry = post(client, "/entries", transfer(accounts, "5.00"), integration, key="k-6").json()
    r = post(client, f"/entries/{entry['id']}/reverse", {}, integration, key="k-7")
    assert r.status_code == 201
    assert r.json()["reverses"] == entry["id"]
    again = post(client, f"/entries/{entry['id']}/reverse", {}, integration, key="k-8")
    assert again.json()["code"] == "entry_already_reversed"
    shown = client.get(f"{BASE}/entries/{entry['id']}", headers=integration).json()
    assert shown["reversed_by"] == r.json()["id"]


def test_a_hold_is_placed_posted_in_part_and_not_twice(client, integration, accounts):
    body = {
        "debit_account": accounts["ALICE"],
        "credit_account": accounts["BOB"],
        "amount": "30.00",
    }
    hold = post(client, "/holds", body, integration, key="h-1").json()
    alice = client.get(f"{BASE}/accounts/{accounts['ALICE']}", headers=integration).json()
    assert (alice["available"], alice["debits_pending"]) == ("70.00", "30.00")
    r = post(client, f"/holds/{hold['id']}/post", {"amount": "10.00"}, integration, key="h-2")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["posted_amount"]) == ("posted", "10.00")
    again = post(client, f"/holds/{hold['id']}/void", {}, integration, key="h-3")
    assert (again.status_code, again.json()["code"]) == (409, "hold_already_resolved")
    alice = client.get(f"{BASE}/accounts/{accounts['ALICE']}", headers=integration).json()
    assert (alice["balance"], alice["available"]) == ("90.00", "90.00")


def test_posting_more_than_the_hold_is_refused(client, integration, accounts):
    body = {"debit_account": accounts["ALICE"], "credit_account": accounts["BOB"], "amount": "3"}
    hold = post(client, "/holds", body, integration, key="h-4").json()
    r = post(client, f"/holds/{hold['id']}/post", {"amount": "3.01"}, integration, key="h-5")
    assert (r.status_code, r.json()["code"]) == (422, "hold_amount_exceeded")
    r = post(client, f"/holds/{hold['id']}/void", None, integration, key="h-6")
    assert r.json()["status"] == "voided"


def test_the_trial_balance_lists_each_currency(client, integration, accounts):
    r = client.get(f"{BASE}/trial-balance", headers=integration)
    assert r.json() == {
        "currencies": [{"currency": "CNY", "debits": "100.00", "credits": "100.00"}]
    }


def test_auditors_read_but_may_not_post(client, make_user, bearer, accounts):
    auditor = bearer(make_user("auditor"))
    assert client.get(f"{BASE}/accounts/{accounts['ALICE']}", headers=auditor).status_code == 200
    r = post(client, "/entries", transfer(accounts, "1.00"), auditor, key="a-1")
    assert (r.status_code, r.json()["code"]) == (403, "permission_denied")


def test_administrators_never_move_money(client, make_user, bearer, accounts):
    admin = bearer(make_user("admin"))
    r = post(client, "/entries", transfer(accounts, "1.00"), admin, key="a-2")
    assert r.status_code == 403
    assert client.get(f"{BASE}/trial-balance", headers=admin).status_code == 403


def test_an_unknown_account_is_a_404_naming_the_line(client, integration, accounts):
    body = transfer(accounts, "1.00")
    body["lines"][1]["account"] = 999_999
    r = post(client, "/entries", body, integration, key="k-9")
    assert (r.status_code, r.json()["field"]) == (404, "lines[1].account")
