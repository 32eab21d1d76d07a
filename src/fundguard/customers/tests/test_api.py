"""The published API contract, masking in every response, and refusals that write nothing."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fundguard.audit.models import AuditRecord
from fundguard.customers.models import Customer, IdentityDocument
from fundguard.customers.tests.conftest import card_number, resident_id, row_counts, uscc_number
from fundguard.ledger.models import Account

pytestmark = pytest.mark.django_db

BASE = "/api/v1/customers"
PDF = b"%PDF-1.4\nscan of the licence"


@pytest.fixture
def operator_headers(operator, bearer):
    return bearer(operator)


@pytest.fixture
def officer_headers(risk_officer, bearer):
    return bearer(risk_officer)


@pytest.fixture
def auditor_headers(make_user, bearer):
    return bearer(make_user("auditor"))


def _post(client, path, body, headers):
    return client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "en", **headers},
    )


def _person(**overrides):
    body = {
        "kind": "person",
        "name": "张三",
        "name_latin": "ZHANG San",
        "id_type": "cn_resident_id",
        "id_number": resident_id("19900307", "110105", "123"),
        "country": "CN",
        "phone": "13800138000",
        "email": "zhang.san@example.cn",
        "address": "上海市浦东新区世纪大道100号",
        "expected_monthly_volume": "200000.00",
        "expected_volume_currency": "CNY",
        "purposes": ["salary", "trade"],
    }
    body.update(overrides)
    return body


def test_create_returns_201_with_id_and_the_masked_number_never_the_full_one(
    client, operator_headers
):
    body = _person()

    response = _post(client, BASE, body, operator_headers)

    assert response.status_code == 201, response.content
    data = response.json()
    assert isinstance(data["id"], int)
    assert data["id_number_masked"] == "****" + body["id_number"][-4:]
    assert data["phone_masked"] == "****8000"
    assert data["expected_monthly_volume"] == "200000.00"
    text = response.content.decode()
    for secret in (body["id_number"], "13800138000", "zhang.san", "世纪大道"):
        assert secret not in text


def test_an_organization_can_be_created_with_its_uscc(client, operator_headers):
    response = _post(
        client,
        BASE,
        {
            "kind": "organization",
            "name": "深圳示例贸易有限公司",
            "id_type": "cn_uscc",
            "id_number": uscc_number(),
            "country": "CN",
        },
        operator_headers,
    )

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "organization"


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"id_number": "110105199003071230"}, "id_number", "checksum"),
        ({"id_number": resident_id("19900230", "110105", "123")}, "id_number", "birth date"),
        ({"id_number": "1101051990030712"}, "id_number", "length"),
        ({"country": "ZZ"}, "country", None),
        ({"phone": "12345"}, "phone", None),
        ({"kind": "robot"}, "kind", None),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_why_and_saves_nothing(
    client, operator_headers, overrides, field, reason
):
    before = row_counts()

    response = _post(client, BASE, _person(**overrides), operator_headers)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    if reason:
        assert reason in response.json()["message"]
    assert row_counts() == before


def test_search_by_id_number_uses_the_blind_index(client, operator_headers, auditor_headers):
    number = resident_id()
    created = _post(client, BASE, _person(id_number=number), operator_headers).json()
    _post(client, BASE, _person(id_number=resident_id(), name="李四"), operator_headers)

    by_number = client.get(BASE, {"search": number}, headers=auditor_headers).json()
    by_name = client.get(BASE, {"search": "李"}, headers=auditor_headers).json()

    assert [c["id"] for c in by_number["results"]] == [created["id"]]
    assert by_number["count"] == 1
    assert [c["name"] for c in by_name["results"]] == ["李四"]


def test_patch_changes_fields_and_answers_masked(client, operator_headers):
    created = _post(client, BASE, _person(), operator_headers).json()

    response = client.patch(
        f"{BASE}/{created['id']}",
        data=json.dumps({"email": "new.address@example.com", "occupation": "engineer"}),
        content_type="application/json",
        headers=operator_headers,
    )

    assert response.status_code == 200, response.content
    assert response.json()["email_masked"] == "****.com"
    assert response.json()["occupation"] == "engineer"
    assert "new.address" not in response.content.decode()


def test_kyc_review_by_a_risk_officer(client, operator_headers, officer_headers):
    created = _post(client, BASE, _person(), operator_headers).json()

    response = _post(
        client,
        f"{BASE}/{created['id']}/kyc-reviews",
        {"outcome": "verified", "notes": "original ID seen"},
        officer_headers,
    )

    assert response.status_code == 201, response.content
    assert response.json()["kyc_status"] == "verified"
    assert response.json()["next_review_on"]
    wrong = _post(
        client, f"{BASE}/{created['id']}/kyc-reviews", {"outcome": "maybe"}, officer_headers
    )
    assert wrong.status_code == 422


def test_opening_a_funds_account_answers_201_with_the_ledger_account_id(client, operator_headers):
    created = _post(client, BASE, _person(), operator_headers).json()

    response = _post(
        client, f"{BASE}/{created['id']}/accounts", {"currency": "CNY"}, operator_headers
    )

    assert response.status_code == 201, response.content
    account = Account.objects.get(pk=response.json()["id"])
    assert (account.kind, account.currency) == ("liability", "CNY")
    assert response.json()["balance"] == "0.00"
    listed = client.get(f"{BASE}/{created['id']}/accounts", headers=operator_headers).json()
    assert [a["id"] for a in listed] == [account.pk]


def test_unknown_customer_is_a_404(client, operator_headers):
    response = client.get(f"{BASE}/999999", headers=operator_headers)

    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"


def test_a_document_upload_is_json_with_base64_content(client, operator_headers):
    created = _post(client, BASE, _person(), operator_headers).json()

    response = _post(
        client,
        f"{BASE}/{created['id']}/documents",
        {
            "kind": "business_licence",
            "filename": "licence.pdf",
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(PDF).decode(),
            "expires_on": "2030-12-31",
        },
        operator_headers,
    )
    bad = _post(
        client,
        f"{BASE}/{created['id']}/documents",
        {
            "kind": "other",
            "filename": "x.html",
            "content_type": "text/html",
            "content_base64": base64.b64encode(b"<html>").decode(),
        },
        operator_headers,
    )

    assert response.status_code == 201, response.content
    assert response.json()["size_bytes"] == len(PDF)
    assert bad.status_code == 422
    assert bad.json()["code"] == "document_type_not_allowed"


def test_every_response_is_masked_for_a_role_without_reveal(
    client, operator_headers, auditor_headers, caplog
):
    caplog.set_level(logging.DEBUG)
    number = resident_id()
    iban = "GB29NWBK60161331926819"
    card = card_number()
    secrets = [number, "13800138000", "zhang.san@example.cn", "世纪大道", iban, card]
    created = _post(client, BASE, _person(id_number=number), operator_headers)
    customer_id = created.json()["id"]
    path = f"{BASE}/{customer_id}"
    responses = [
        created,
        _post(
            client,
            f"{path}/bank-accounts",
            {"bank_name": "NatWest", "account_number": iban, "bic": "NWBKGB2L", "currency": "GBP"},
            operator_headers,
        ),
        _post(
            client,
            f"{path}/beneficiaries",
            {"name": "李四", "bank_name": "中国银行", "account_number": card, "currency": "CNY"},
            operator_headers,
        ),
        _post(
            client,
            f"{path}/identity-documents",
            {"id_type": "passport", "id_number": "E98765432"},
            operator_headers,
        ),
        _post(client, f"{path}/accounts", {"currency": "CNY"}, operator_headers),
    ]
    secrets.append("E98765432")
    for url in (
        BASE,
        f"{BASE}?search={number}",
        path,
        f"{path}/bank-accounts",
        f"{path}/beneficiaries",
        f"{path}/documents",
        f"{path}/accounts",
    ):
        responses.append(client.get(url, headers=auditor_headers))
    responses.append(_post(client, f"{path}/reveal", {"field": "id_number"}, auditor_headers))

    assert [r.status_code for r in responses[:5]] == [201] * 5
    assert all(r.status_code == 200 for r in responses[5:-1])
    assert responses[-1].status_code == 403
    for response in responses:
        text = response.content.decode()
        leaked = [s for s in secrets if s in text]
        assert leaked == [], (response.request["PATH_INFO"], leaked)
    assert [s for s in secrets if s in caplog.text] == []  # nor in any log line
    detail = responses[7].json()
    assert detail["bank_accounts"][0]["account_number_masked"] == "****6819"
    assert detail["identity_documents"][1]["number_masked"] == "****5432"


def test_a_reveal_gives_the_clear_value_and_the_auditor_sees_who_revealed_what(
    client, operator_headers, officer_headers, auditor_headers, risk_officer
):
    number = resident_id()
    customer_id = _post(client, BASE, _person(id_number=number), operator_headers).json()["id"]

    response = _post(
        client, f"{BASE}/{customer_id}/reveal", {"field": "id_number"}, officer_headers
    )

    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": number}
    records = client.get(
        "/api/v1/audit/records",
        {"action": "customer.field_revealed", "object_id": str(customer_id)},
        headers=auditor_headers,
    ).json()["results"]
    assert len(records) == 1
    assert records[0]["actor_username"] == risk_officer.username
    assert records[0]["changes"]["field"] == [None, "id_number"]
    assert number not in json.dumps(records)


def test_a_refused_reveal_writes_only_the_denial(client, operator_headers, auditor_headers):
    customer_id = _post(client, BASE, _person(), operator_headers).json()["id"]
    before = row_counts()

    response = _post(client, f"{BASE}/{customer_id}/reveal", {"field": "phone"}, auditor_headers)

    assert response.status_code == 403
    after = row_counts()
    assert after.pop("audit.AuditRecord") == before.pop("audit.AuditRecord") + 1
    assert after == before
    denial = AuditRecord.objects.order_by("-seq").first()
    assert denial.action == "auth.permission_denied"
    assert denial.object_id == "customers.reveal_personal_data"


def test_without_a_token_the_customers_api_is_a_401(client):
    assert client.get(BASE).status_code == 401
    assert _post(client, BASE, _person(), {}).status_code == 401
    assert Customer.objects.count() == 0
    assert IdentityDocument.objects.count() == 0


def test_the_list_runs_a_fixed_number_of_queries(client, operator_headers, auditor_headers):
    for _ in range(3):
        _post(client, BASE, _person(id_number=resident_id()), operator_headers)
    client.get(BASE, headers=auditor_headers)  # warm the permission caches

    with CaptureQueriesContext(connection) as three:
        client.get(BASE, headers=auditor_headers)
    for _ in range(5):
        _post(client, BASE, _person(id_number=resident_id()), operator_headers)
    with CaptureQueriesContext(connection) as eight:
        response = client.get(BASE, headers=auditor_headers)

    assert response.json()["count"] == 8
    assert len(eight.captured_queries) == len(three.captured_queries) <= 8
