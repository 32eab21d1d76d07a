"""The console's notifications page: the outbox with each delivery attempt, filtered."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.notifications.services import notification_deliver, notify, webhook_endpoint_create
from fundguard.notifications.tests.conftest import PAYLOAD

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    """Signed in (one-time code verified where the role needs one), pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


@pytest.fixture
def delivered(customer, receiver):
    """One webhook refused with a 500 (to retry) and one e-mail sent."""
    server = receiver(500)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    with transaction.atomic():
        rows = notify(event="transfer.completed", payload=PAYLOAD, customer_id=customer.pk)
    for row in rows:
        notification_deliver(notification_id=row.pk)
    return rows


@pytest.mark.parametrize("role", ["operator", "auditor", "risk_officer"])
def test_the_delivery_log_lists_notifications_with_their_attempts(
    client, make_user, delivered, role
):
    _sign_in(client, make_user(role))

    page = client.get("/notifications/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "transfer.completed" in html
    assert "TR-2025-000041" in html
    assert "HTTP 500" in html
    assert "Failed, will retry" in html
    assert "Sent" in html
    assert 'href="/notifications/"' in html  # the navigation entry
    assert "li.si@example.cn" not in html


def test_the_filters_narrow_the_list(client, make_user, delivered):
    _sign_in(client, make_user("operator"))

    webhooks = client.get("/notifications/", {"channel": "webhook"}).content.decode()
    sent = client.get("/notifications/", {"status": "sent"}, headers={"HX-Request": "true"})

    assert "HTTP 500" in webhooks
    assert "E-mail" not in webhooks.split('id="notifications"')[1]
    assert "<html" not in sent.content.decode()  # htmx gets the table only
    assert "HTTP 500" not in sent.content.decode()
    assert "accepted by the e-mail backend" in sent.content.decode()


@pytest.mark.parametrize("role", ["approver_l1", "admin"])
def test_roles_without_the_permission_are_refused(client, make_user, role):
    _sign_in(client, make_user(role))

    page = client.get("/notifications/")

    assert page.status_code == 403
    assert 'href="/notifications/"' not in page.content.decode()
