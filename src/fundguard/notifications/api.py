"""``/api/v1``: customers' webhook endpoints and the notifications' delivery log.

The signing secret is in the answer to ``POST /customers/{id}/webhooks`` only; it is stored
sealed and never shown again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from fundguard.core.permissions import require_permission
from fundguard.notifications import selectors, services
from fundguard.notifications.models import DeliveryAttempt, Notification, WebhookEndpoint

router = Router(tags=["notifications"])

MANAGE = "notifications.manage_webhooks"
VIEW = "notifications.view_deliveries"
MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000


class WebhookIn(Schema):
    url: str
    events: list[str] = []


class WebhookOut(Schema):
    id: int
    customer: int
    url: str
    events: list[str]
    is_active: bool
    created_by: str | None
    created_at: datetime
    deactivated_at: datetime | None


class WebhookCreatedOut(WebhookOut):
    secret: str


class AttemptOut(Schema):
    number: int
    attempted_at: datetime
    duration_ms: int
    outcome: str
    http_status: int | None
    detail: str


class NotificationOut(Schema):
    id: int
    event: str
    channel: str
    recipient: str
    customer: int | None
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    payload: dict[str, Any]
    delivery_attempts: list[AttemptOut]


class NotificationPageOut(Schema):
    count: int
    results: list[NotificationOut]


class NotificationFilters(Schema):
    customer: int | None = None
    status: str = ""
    channel: str = ""
    limit: int = 50
    offset: int = 0


def _endpoint_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "customer": endpoint.customer_id,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
        "created_by": endpoint.created_by.username if endpoint.created_by else None,
        "created_at": endpoint.created_at,
        "deactivated_at": endpoint.deactivated_at,
    }


def _attempt_out(attempt: DeliveryAttempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "attempted_at": attempt.attempted_at,
        "duration_ms": attempt.duration_ms,
        "outcome": attempt.outcome,
        "http_status": attempt.http_status,
        "detail": attempt.detail,
    }


def _notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "event": notification.event,
        "channel": notification.channel,
        "recipient": notification.recipient_label,
        "customer": notification.customer_id,
        "status": notification.status,
        "attempts": notification.attempts,
        "next_attempt_at": notification.next_attempt_at,
        "created_at": notification.created_at,
        "sent_at": notification.sent_at,
        "payload": notification.payload,
        "delivery_attempts": [_attempt_out(a) for a in notification.delivery_attempts.all()],
    }


@router.post(
    "/customers/{int:customer_id}/webhooks",
    response={201: WebhookCreatedOut},
    summary="Register a webhook endpoint (the secret is shown once)",
)
def webhook_create(
    request: HttpRequest, customer_id: int, payload: WebhookIn
) -> tuple[int, dict[str, Any]]:
    created = services.webhook_endpoint_create(
        actor=request.user, customer_id=customer_id, url=payload.url, events=payload.events
    )
    return 201, {**_endpoint_out(created.endpoint), "secret": created.secret}


@router.get(
    "/customers/{int:customer_id}/webhooks",
    response=list[WebhookOut],
    summary="A customer's webhook endpoints",
)
def webhook_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    if not request.user.has_perm(MANAGE):
        require_permission(request.user, VIEW)
    endpoints = selectors.webhook_endpoint_list(customer_id).select_related("created_by")
    return [_endpoint_out(e) for e in endpoints]


@router.post(
    "/webhooks/{int:endpoint_id}/deactivate",
    response=WebhookOut,
    summary="Deactivate a webhook endpoint",
)
def webhook_deactivate(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    endpoint = services.webhook_endpoint_deactivate(actor=request.user, endpoint_id=endpoint_id)
    return _endpoint_out(endpoint)


@router.get(
    "/notifications",
    response=NotificationPageOut,
    summary="Notifications and their delivery log",
)
def notification_search(
    request: HttpRequest, filters: Query[NotificationFilters]
) -> dict[str, Any]:
    require_permission(request.user, VIEW)
    notifications = selectors.notification_list(
        customer_id=filters.customer, status=filters.status, channel=filters.channel
    )
    limit = max(1, min(filters.limit, MAX_PAGE_SIZE))
    offset = min(max(0, filters.offset), MAX_OFFSET)
    page = notifications[offset : offset + limit]
    return {"count": notifications.count(), "results": [_notification_out(n) for n in page]}
