"""Writing notifications to the outbox, inside the transaction of the change they tell about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fundguard.core.errors import DomainError
from fundguard.customers.errors import CustomerError
from fundguard.customers.models import Customer
from fundguard.notifications.conf import setting
from fundguard.notifications.events import CUSTOMER_EVENTS, EVENTS
from fundguard.notifications.models import Channel, Notification, WebhookEndpoint
from fundguard.notifications.payloads import payload_check
from fundguard.notifications.services.delivery import deliveries_enqueue

MAX_STAFF_RECIPIENTS = 100


def notify(
    *,
    event: str,
    payload: dict[str, Any],
    customer_id: int | None = None,
    staff_user_ids: Iterable[int] = (),
) -> list[Notification]:
    """Queue ``event`` for a customer and/or staff users; delivered only once the caller commits.

    Must run inside the caller's transaction: the rows are written there, so a rollback leaves
    none, and delivery is enqueued by ``transaction.on_commit``. Writes one e-mail to the
    customer if they have an e-mail address, one webhook per active endpoint of theirs
    subscribed to ``event``, and one e-mail per active staff user with an address.
    An unknown event or a payload that is not plain, float-free JSON is a ``ValueError``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the transaction of the change it tells about")
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    if customer_id is not None and event not in CUSTOMER_EVENTS:
        raise ValueError(f"{event!r} is a staff event; it is not sent to customers")
    payload_check(payload)
    staff_ids = sorted(set(staff_user_ids))
    if len(staff_ids) > MAX_STAFF_RECIPIENTS:
        raise ValueError(f"at most {MAX_STAFF_RECIPIENTS} staff recipients per notification")
    now = timezone.now()
    rows: list[Notification] = []
    base = {"event": event, "payload": payload, "next_attempt_at": now}
    if customer_id is not None:
        customer = Customer.objects.filter(pk=customer_id).only("pk", "country", "email_sealed")
        found = customer.first()
        if found is None:
            raise DomainError(CustomerError.customer_not_found, field="customer")
        rows += _customer_rows(found, base)
    rows += _staff_rows(staff_ids, base)
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
    return rows


def _customer_language(customer: Customer) -> str:
    by_country: dict[str, str] = setting("NOTIFICATIONS_CUSTOMER_LANGUAGE_BY_COUNTRY")
    default: str = setting("NOTIFICATIONS_CUSTOMER_DEFAULT_LANGUAGE")
    return by_country.get(customer.country, default)


def _customer_rows(customer: Customer, base: dict[str, Any]) -> list[Notification]:
    language = _customer_language(customer)
    rows = []
    if customer.email_sealed:
        rows.append(
            Notification(channel=Channel.email, customer=customer, language=language, **base)
        )
    endpoints = WebhookEndpoint.objects.filter(customer=customer, is_active=True).order_by("pk")
    for endpoint in endpoints.only("pk", "events"):
        if not endpoint.events or base["event"] in endpoint.events:
            rows.append(
                Notification(
                    channel=Channel.webhook,
                    customer=customer,
                    endpoint=endpoint,
                    language=language,
                    **base,
                )
            )
    return rows


def _staff_rows(staff_ids: list[int], base: dict[str, Any]) -> list[Notification]:
    if not staff_ids:
        return []
    users = (
        get_user_model()
        .objects.filter(pk__in=staff_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    return [
        Notification(
            channel=Channel.email, staff_user=user, language=settings.LANGUAGE_CODE, **base
        )
        for user in users.only("pk")
    ]
