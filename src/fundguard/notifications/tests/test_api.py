"""The webhooks and delivery-log API: who may call what, the secret shown once, bad input."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from fundguard.audit.models import AuditRecord
from fundguard.core.roles import Role
from fundguard.notifications.models import WebhookEndpoint
from fundguard.notifications.services import notify, webhook_endpoint_create
from fundguard.notifications.tests.conftest import PAYLOAD, make_customer

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.cn/fundguard"


def _post(client, path, body, headers):
    return client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "en", **headers},
    )


def _get(client, path, headers):
    return client.get(path, headers={"Accept-Language": "en", **headers})


@pytest.fixture
def as_role(make_user, bearer):
    return lambda role: bearer(make_user(role))


def _create(client, customer, headers, **body):
    return _post(client, f"/api/v1/customers/{customer.pk}/webhooks", {"url": URL, **body}, headers)


# Each action and the roles that may take it; every other role gets 403.
MATRIX = {
    "create": ({Role.operator, Role.integration}, 201),
    "list": ({Role.operator, Role.integration, Role.auditor, Role.risk_officer}, 200),
    "deactivate": ({Role.operator, Role.integration}, 200),
    "log": ({Role.operator, Role.auditor, Role.risk_officer}, 200),
}


def _call(action, client, customer, headers):
    if action == "create":
        return _create(client, customer, headers)
    if action == "list":
        return _get(client, f"/api/v1/customers/{customer.pk}/webhooks", headers)
    if action == "deactivate":
        endpoint = webhook_endpoint_create(actor=None, customer_id=customer.pk, url=URL).endpoint
        return _post(client, f"/api/v1/webhooks/{endpoint.pk}/deactivate", {}, headers)
    return _get(client, "/api/v1/notifications", headers)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_may_call_exactly_its_endpoints(client, customer, as_role, role, action):
    allowed, status = MATRIX[action]
    headers = as_role(role)
    endpoints_before = WebhookEndpoint.objects.filter(is_active=True).count()

    response = _call(action, client, customer, headers)

    if role in allowed:
        assert response.status_code == status, response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied"
        assert AuditRecord.objects.filter(action="auth.permission_denied").exists()
        expected = endpoints_before + (1 if action == "deactivate" else 0)
        assert WebhookEndpoint.objects.filter(is_active=True).count() == expected


def test_without_a_token_every_endpoint_answers_401(client, customer):
    for action in MATRIX:
        assert _call(action, client, customer, {}).status_code == 401


def test_the_secret_is_shown_once_and_stored_sealed(client, customer, as_role):
    headers = as_role(Role.integration)

    created = _create(client, customer, headers, events=["transfer.completed"])

    assert created.status_code == 201
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("whsec_")
    assert len(secret) > 40
    assert body["url"] == URL
    assert body["events"] == ["transfer.completed"]
    assert body["is_active"] is True
    listed = _get(client, f"/api/v1/customers/{customer.pk}/webhooks", headers)
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()] == [body["id"]]
    assert "secret" not in listed.json()[0]
    assert secret not in listed.content.decode()
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert secret not in endpoint.secret_sealed
    record = AuditRecord.objects.get(action="webhook_endpoint.created")
    assert record.object_id == str(endpoint.pk)
    assert secret not in json.dumps(record.changes)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"url": "ftp://hooks.example.cn/x"}, "webhook_url_invalid", "url"),
        ({"url": "hooks.example.cn/x"}, "webhook_url_invalid", "url"),
        ({"url": "https://"}, "webhook_url_invalid", "url"),
        ({"url": "https://user:pw@hooks.example.cn/"}, "webhook_url_invalid", "url"),
        ({"url": "https://hooks.example.cn:99999/"}, "webhook_url_invalid", "url"),
        ({"url": "https://hooks.example.cn/a b"}, "webhook_url_invalid", "url"),
        ({"url": "https://h.example.cn/" + "x" * 500}, "webhook_url_invalid", "url"),
        ({"url": URL, "events": ["approval.waiting"]}, "webhook_event_unknown", "events[0]"),
        (
            {"url": URL, "events": ["transfer.completed", "nope"]},
            "webhook_event_unknown",
            "events[1]",
        ),
        ({"events": []}, "invalid_input", "url"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    client, customer, as_role, body, code, field
):
    headers = as_role(Role.operator)
    audit_before = AuditRecord.objects.count()

    response = _post(client, f"/api/v1/customers/{customer.pk}/webhooks", body, headers)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert WebhookEndpoint.objects.count() == 0
    assert AuditRecord.objects.count() == audit_before


def test_an_unknown_customer_or_endpoint_is_404(client, customer, as_role):
    headers = as_role(Role.operator)

    missing_customer = _create(client, type(customer)(pk=customer.pk + 99), headers)
    missing_endpoint = _post(client, "/api/v1/webhooks/999999/deactivate", {}, headers)
    listing = _get(client, f"/api/v1/customers/{customer.pk + 99}/webhooks", headers)

    assert missing_customer.json()["code"] == "customer_not_found"
    assert missing_endpoint.json()["code"] == "webhook_endpoint_not_found"
    assert listing.json()["code"] == "customer_not_found"
    assert {r.status_code for r in (missing_customer, missing_endpoint, listing)} == {404}


def test_deactivating_twice_is_refused(client, customer, as_role):
    headers = as_role(Role.operator)
    endpoint_id = _create(client, customer, headers).json()["id"]

    first = _post(client, f"/api/v1/webhooks/{endpoint_id}/deactivate", {}, headers)
    second = _post(client, f"/api/v1/webhooks/{endpoint_id}/deactivate", {}, headers)

    assert first.status_code == 200
    assert first.json()["is_active"] is False
    assert first.json()["deactivated_at"] is not None
    assert second.status_code == 409
    assert second.json()["code"] == "webhook_endpoint_already_inactive"
    assert AuditRecord.objects.filter(action="webhook_endpoint.deactivated").count() == 1


def test_the_active_endpoints_per_customer_are_limited(client, customer, as_role, settings):
    settings.NOTIFICATIONS_MAX_ENDPOINTS_PER_CUSTOMER = 2
    headers = as_role(Role.operator)

    statuses = [_create(client, customer, headers).status_code for _ in range(3)]

    assert statuses == [201, 201, 409]


def test_the_delivery_log_filters_by_customer_status_and_channel(client, customer, as_role):
    other = make_customer()
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=URL)
    with transaction.atomic():
        notify(event="transfer.completed", payload=PAYLOAD, customer_id=customer.pk)
        notify(event="transfer.completed", payload=PAYLOAD, customer_id=other.pk)
    headers = as_role(Role.auditor)
    log = "/api/v1/notifications"

    everything = _get(client, log, headers).json()
    webhooks = _get(client, f"{log}?customer={customer.pk}&channel=webhook", headers)
    others = _get(client, f"{log}?customer={other.pk}", headers).json()
    sent = _get(client, f"{log}?status=sent", headers).json()
    bad = _get(client, f"{log}?status=lost", headers)

    assert everything["count"] == 3
    assert [r["channel"] for r in others["results"]] == ["email"]
    (row,) = webhooks.json()["results"]
    assert row["event"] == "transfer.completed"
    assert row["status"] == "pending"
    assert row["recipient"].startswith("endpoint #")
    assert row["payload"] == PAYLOAD
    assert row["delivery_attempts"] == []
    assert sent == {"count": 0, "results": []}
    assert (bad.status_code, bad.json()["field"]) == (422, "status")
