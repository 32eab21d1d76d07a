"""Registering and deactivating customers' webhook endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.permissions import require_permission
from fundguard.customers.errors import CustomerError
from fundguard.customers.models import Customer
from fundguard.notifications.conf import setting
from fundguard.notifications.endpoint_secrets import secret_generate, secret_seal
from fundguard.notifications.errors import NotificationError
from fundguard.notifications.events import CUSTOMER_EVENTS
from fundguard.notifications.models import WebhookEndpoint

MANAGE = "notifications.manage_webhooks"
URL_MAX_CHARS = 500


@dataclass(frozen=True)
class CreatedEndpoint:
    """The new endpoint and its signing secret, in clear text this once only."""

    endpoint: WebhookEndpoint
    secret: str


def webhook_url_clean(url: str, *, field: str = "url") -> str:
    """An absolute http(s) URL with a host, no credentials, no spaces; else refused."""
    text = (url or "").strip()
    refused = DomainError(NotificationError.webhook_url_invalid, field=field, label=field)
    if not text or len(text) > URL_MAX_CHARS or any(c.isspace() or ord(c) < 32 for c in text):
        raise refused
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (parses the port: raises ValueError when it is not a number)
    except ValueError:
        raise refused from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise refused
    if parts.username is not None or parts.password is not None:
        raise refused  # credentials would end up in the audit trail and the logs
    return text


def webhook_events_clean(events: Sequence[str] | None, *, field: str = "events") -> list[str]:
    """Known customer events, each once, sorted; empty means every customer event."""
    chosen: set[str] = set()
    for index, event in enumerate(events or []):
        if not isinstance(event, str) or event not in CUSTOMER_EVENTS:
            where = f"{field}[{index}]"
            raise DomainError(
                NotificationError.webhook_event_unknown, field=where, label=where, value=event
            )
        chosen.add(event)
    return sorted(chosen)


def webhook_endpoint_create(
    *, actor: Any, customer_id: int, url: str, events: Sequence[str] | None = None
) -> CreatedEndpoint:
    """Register an endpoint for a customer; the secret is returned now and never again."""
    if actor is not None:
        require_permission(actor, MANAGE)
    url = webhook_url_clean(url)
    events = webhook_events_clean(events)
    secret = secret_generate()
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        if customer is None:
            raise DomainError(CustomerError.customer_not_found, field="customer")
        if customer.is_erased:
            raise DomainError(CustomerError.personal_data_erased, field="customer")
        limit = int(setting("NOTIFICATIONS_MAX_ENDPOINTS_PER_CUSTOMER"))
        if customer.webhook_endpoints.filter(is_active=True).count() >= limit:
            raise DomainError(NotificationError.webhook_endpoints_too_many, limit=limit)
        endpoint = WebhookEndpoint.objects.create(
            customer=customer,
            url=url,
            events=events,
            secret_sealed=secret_seal(customer_id=customer.pk, secret=secret),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="webhook_endpoint.created",
            target=endpoint,
            changes={"customer": [None, customer.pk], "url": [None, url], "events": [None, events]},
        )
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


def webhook_endpoint_deactivate(*, actor: Any, endpoint_id: int) -> WebhookEndpoint:
    """Stop sending to an endpoint; notifications still queued for it are given up."""
    if actor is not None:
        require_permission(actor, MANAGE)
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:
            raise DomainError(NotificationError.webhook_endpoint_not_found, field="endpoint")
        if not endpoint.is_active:
            raise DomainError(NotificationError.webhook_endpoint_already_inactive)
        endpoint.is_active = False
        endpoint.deactivated_at = timezone.now()
        endpoint.save(update_fields=["is_active", "deactivated_at"])
        audit_record(
            actor=actor,
            action="webhook_endpoint.deactivated",
            target=endpoint,
            changes={"is_active": [True, False]},
        )
    return endpoint
