"""Webhooks to a real HTTP server: signed, retried with backoff, logged, given up, claimed once."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from fundguard.customers.services import customer_erase
from fundguard.notifications.models import (
    AttemptOutcome,
    Channel,
    Notification,
    NotificationStatus,
)
from fundguard.notifications.services import (
    notification_deliver,
    notifications_deliver_due,
    notify,
    retry_delay_seconds,
    webhook_endpoint_create,
    webhook_endpoint_deactivate,
)
from fundguard.notifications.tests.conftest import PAYLOAD, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(db):
    """Without an e-mail address: only the webhooks are queued."""
    return make_customer(email="")


def _queue(customer, event="transfer.submitted"):
    with transaction.atomic():
        rows = notify(event=event, payload=PAYLOAD, customer_id=customer.pk)
    return [n for n in rows if n.channel == Channel.webhook]


def test_a_webhook_is_posted_signed_with_the_documented_body_and_headers(customer, receiver):
    server = receiver(200)
    created = webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (notification,) = _queue(customer)

    assert notifications_deliver_due() >= 1

    (received,) = server.requests
    assert received.signature_valid(created.secret)
    assert not received.signature_valid(created.secret + "x")
    assert received.headers["X-FundGuard-Event"] == "transfer.submitted"
    assert received.headers["X-FundGuard-Delivery"] == str(notification.pk)
    assert received.headers["Content-Type"].startswith("application/json")
    document = received.document
    assert document["id"] == notification.pk
    assert document["event"] == "transfer.submitted"
    assert document["data"] == PAYLOAD
    assert document["created_at"] == notification.created_at.isoformat()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.sent
    assert notification.sent_at is not None
    (attempt,) = notification.delivery_attempts.all()
    assert (attempt.number, attempt.outcome, attempt.http_status) == (
        1,
        AttemptOutcome.delivered,
        200,
    )


def test_a_failing_receiver_is_retried_with_backoff_until_it_succeeds(customer, receiver):
    server = receiver(500, 503, 200)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (notification,) = _queue(customer)
    t0 = timezone.now()

    notification_deliver(notification_id=notification.pk, now=t0)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.failed
    assert notification.next_attempt_at == t0 + timedelta(seconds=30)

    assert notifications_deliver_due(now=t0 + timedelta(seconds=29)) == 0  # not yet due
    notifications_deliver_due(now=t0 + timedelta(seconds=30))
    notification.refresh_from_db()
    assert notification.next_attempt_at == t0 + timedelta(seconds=30 + 60)

    notifications_deliver_due(now=t0 + timedelta(seconds=90))

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.sent
    assert notification.attempts == 3
    fields = ("number", "outcome", "http_status", "attempted_at")
    log = list(notification.delivery_attempts.values_list(*fields))
    assert log == [
        (1, AttemptOutcome.refused, 500, t0),
        (2, AttemptOutcome.refused, 503, t0 + timedelta(seconds=30)),
        (3, AttemptOutcome.delivered, 200, t0 + timedelta(seconds=90)),
    ]
    assert len(server.requests) == 3
    # Each attempt is the same delivery: same id and body, freshly signed.
    assert {r.headers["X-FundGuard-Delivery"] for r in server.requests} == {str(notification.pk)}
    assert len({r.body for r in server.requests}) == 1


def test_a_notification_is_dead_after_the_last_attempt(customer, receiver, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    server = receiver(500)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (notification,) = _queue(customer)
    now = timezone.now()

    for _ in range(5):
        notifications_deliver_due(now=now)
        now += timedelta(hours=2)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.dead
    assert notification.attempts == 3
    assert notification.delivery_attempts.count() == 3
    assert len(server.requests) == 3


def test_backoff_doubles_from_thirty_seconds_and_is_capped():
    assert [retry_delay_seconds(n) for n in range(1, 5)] == [30, 60, 120, 240]
    assert retry_delay_seconds(20) == 3600


def _unused_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"  # closed again: nothing listens there


def test_an_unreachable_receiver_is_logged_and_retried(customer):
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=_unused_port_url())
    (notification,) = _queue(customer)

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.failed
    attempt = notification.delivery_attempts.get()
    assert attempt.outcome == AttemptOutcome.unreachable
    assert attempt.http_status is None
    assert attempt.detail


def test_a_redirect_is_not_followed_and_counts_as_a_failure(customer, receiver):
    server = receiver(302)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (notification,) = _queue(customer)

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.failed
    assert notification.delivery_attempts.get().http_status == 302
    assert len(server.requests) == 1


def test_a_deactivated_endpoint_gets_nothing_more(customer, receiver):
    server = receiver(200)
    created = webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (queued,) = _queue(customer)

    webhook_endpoint_deactivate(actor=None, endpoint_id=created.endpoint.pk)
    notification_deliver(notification_id=queued.pk)

    queued.refresh_from_db()
    assert queued.status == NotificationStatus.dead
    assert queued.delivery_attempts.get().outcome == AttemptOutcome.undeliverable
    assert _queue(customer) == []  # and new events are not queued for it
    assert server.requests == []


def test_an_erased_customer_gets_no_webhook_and_it_is_recorded(customer, receiver):
    server = receiver(200)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (queued,) = _queue(customer)

    customer_erase(actor=None, customer_id=customer.pk, reason="data subject request")
    notifications_deliver_due()

    queued.refresh_from_db()
    assert queued.status == NotificationStatus.dead
    assert "personal_data_erased" in queued.delivery_attempts.get().detail
    assert server.requests == []


def test_only_endpoints_subscribed_to_the_event_get_it(customer, receiver):
    server = receiver(200)
    webhook_endpoint_create(
        actor=None, customer_id=customer.pk, url=server.url, events=["transfer.completed"]
    )

    assert _queue(customer, "transfer.submitted") == []
    assert len(_queue(customer, "transfer.completed")) == 1


def test_a_sent_notification_is_not_sent_again(customer, receiver):
    server = receiver(200)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (queued,) = _queue(customer)

    notification_deliver(notification_id=queued.pk)
    again = notification_deliver(notification_id=queued.pk, now=timezone.now() + timedelta(days=1))

    assert again is None
    assert len(server.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_notification_post_it_once(customer, receiver):
    server = receiver(200)
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)
    (queued,) = _queue(customer)
    start = threading.Barrier(2)
    results: list[object] = []

    def worker() -> None:
        start.wait()
        try:
            results.append(notification_deliver(notification_id=queued.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(server.requests) == 1
    assert sorted(r is None for r in results) == [False, True]
    assert Notification.objects.get(pk=queued.pk).delivery_attempts.count() == 1
