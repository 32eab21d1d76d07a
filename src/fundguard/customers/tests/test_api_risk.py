"""Risk, class, credit and ownership endpoints; checks of the key configuration."""

from __future__ import annotations

import json

import pytest
from django.core.checks import run_checks

from fundguard.customers.models import BankAccount, Beneficiary
from fundguard.customers.services import bank_account_add, bank_details_verify
from fundguard.customers.tests.conftest import card_number, resident_id, row_counts, uscc_number

pytestmark = pytest.mark.django_db

BASE = "/api/v1/customers"


def _call(client, method, path, body, headers):
    return getattr(client, method)(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "en", **headers},
    )


@pytest.fixture
def customer_id(client, operator, bearer):
    body = {
        "kind": "person",
        "name": "陈一",
        "id_type": "cn_resident_id",
        "id_number": resident_id(),
        "country": "CN",
    }
    return _call(client, "post", BASE, body, bearer(operator)).json()["id"]


def test_a_rating_override_and_its_approval_through_the_api(client, customer_id, make_user, bearer):
    first, second = bearer(make_user("risk_officer")), bearer(make_user("risk_officer"))

    rated = _call(
        client,
        "post",
        f"{BASE}/{customer_id}/risk-ratings",
        {"products_channels_score": 3, "adverse_history_score": 3},
        first,
    )
    out_of_range = _call(
        client, "post", f"{BASE}/{customer_id}/risk-ratings", {"adverse_history_score": 4}, first
    )
    proposed = _call(
        client,
        "post",
        f"{BASE}/{customer_id}/risk-overrides",
        {"level": "low", "reason": "long-standing salary customer"},
        first,
    )
    rating_id = proposed.json()["id"]
    own = _call(client, "post", f"{BASE}/risk-ratings/{rating_id}/approve", {}, first)
    approved = _call(client, "post", f"{BASE}/risk-ratings/{rating_id}/approve", {}, second)
    twice = _call(client, "post", f"{BASE}/risk-ratings/{rating_id}/approve", {}, second)

    assert rated.status_code == 201
    assert rated.json()["factors"]["adverse_history"] == 3
    assert out_of_range.status_code == 422
    assert out_of_range.json()["field"] == "adverse_history_score"
    assert proposed.json()["override_status"] == "pending"
    assert own.status_code == 403
    assert own.json()["code"] == "risk_override_approver_is_proposer"
    assert approved.status_code == 200
    assert approved.json()["level_in_force"] == "low"
    assert twice.status_code == 409
    detail = client.get(f"{BASE}/{customer_id}", headers=second).json()
    assert detail["risk_level"] == "low"
    assert len(detail["risk_ratings"]) == 3


def test_class_and_credit_profile_through_the_api(client, customer_id, risk_officer, bearer):
    headers = bearer(risk_officer)

    classed = _call(
        client,
        "post",
        f"{BASE}/{customer_id}/class",
        {"value_class": "B", "category": "important"},
        headers,
    )
    wrong_class = _call(
        client, "post", f"{BASE}/{customer_id}/class", {"value_class": "D"}, headers
    )
    credit = _call(
        client,
        "put",
        f"{BASE}/{customer_id}/credit-profile",
        {
            "score": 680,
            "grade": "BBB",
            "limit": "100000.00",
            "limit_currency": "CNY",
            "overdue_count": 1,
            "overdue_amount": "250.00",
            "external_report_reference": "PBOC-2026-0042",
        },
        headers,
    )

    assert (classed.json()["value_class"], classed.json()["category"]) == ("B", "important")
    assert wrong_class.status_code == 422
    assert credit.status_code == 200, credit.content
    assert credit.json()["limit"] == "100000.00"
    assert credit.json()["overdue_amount_minor"] == 25000


def test_owners_of_an_organization_through_the_api(client, operator, bearer):
    headers = bearer(operator)
    org = _call(
        client,
        "post",
        BASE,
        {
            "kind": "organization",
            "name": "广州示例有限公司",
            "id_type": "cn_uscc",
            "id_number": uscc_number(),
            "country": "CN",
        },
        headers,
    ).json()
    number = resident_id()

    owner = _call(
        client,
        "post",
        f"{BASE}/{org['id']}/beneficial-owners",
        {"name": "黄二", "share_bp": 5100, "id_type": "cn_resident_id", "id_number": number},
        headers,
    )
    too_much = _call(
        client,
        "post",
        f"{BASE}/{org['id']}/beneficial-owners",
        {"name": "林三", "share_bp": 5000},
        headers,
    )

    assert owner.status_code == 201
    assert owner.json()["id_number_masked"] == "****" + number[-4:]
    assert number not in owner.content.decode()
    assert too_much.json()["code"] == "shares_exceed_whole"


def test_owners_are_refused_for_persons(client, customer_id, operator, bearer):
    headers = bearer(operator)
    before = row_counts()

    response = _call(
        client,
        "post",
        f"{BASE}/{customer_id}/beneficial-owners",
        {"name": "x", "share_bp": 100},
        headers,
    )

    assert response.json()["code"] == "owners_only_for_organizations"
    assert row_counts() == before


def test_a_bank_account_and_a_beneficiary_can_be_verified(customer_id, operator):
    account = bank_account_add(
        actor=operator,
        customer_id=customer_id,
        bank_name="招商银行",
        account_number=card_number("621483", 16),
        currency="CNY",
    )

    verified = bank_details_verify(
        actor=operator, model=BankAccount, object_id=account.pk, status="verified"
    )

    assert verified.verification_status == "verified"
    assert BankAccount.objects.get(pk=account.pk).verification_status == "verified"
    assert not Beneficiary.objects.exists()


def test_a_malformed_base64_document_is_a_422(client, customer_id, operator, bearer):
    response = _call(
        client,
        "post",
        f"{BASE}/{customer_id}/documents",
        {
            "kind": "other",
            "filename": "a.pdf",
            "content_type": "application/pdf",
            "content_base64": "%%%not base64",
        },
        bearer(operator),
    )

    assert (response.status_code, response.json()["field"]) == (422, "content_base64")


def test_patching_the_expected_volume_re_rates(client, customer_id, operator, bearer):
    response = _call(
        client,
        "patch",
        f"{BASE}/{customer_id}",
        {"expected_monthly_volume": "9000000.00", "expected_volume_currency": "CNY"},
        bearer(operator),
    )

    assert response.status_code == 200, response.content
    assert response.json()["expected_monthly_volume"] == "9000000.00"
    detail = client.get(f"{BASE}/{customer_id}", headers=bearer(operator)).json()
    assert detail["risk_ratings"][0]["factors"]["expected_volume"] == 3


def test_malformed_keys_are_reported_by_the_system_checks(settings):
    settings.FUNDGUARD_DATA_KEYS = "k1:abc"
    settings.FUNDGUARD_BLIND_INDEX_KEY = "short"

    ids = {message.id for message in run_checks()}

    assert {"customers.E001", "customers.E002"} <= ids
