"""Reading webhook endpoints and the delivery log."""

from __future__ import annotations

from django.db.models import QuerySet

from fundguard.core.errors import CoreError, DomainError
from fundguard.customers.errors import CustomerError
from fundguard.customers.models import Customer
from fundguard.notifications.models import (
    Channel,
    Notification,
    NotificationStatus,
    WebhookEndpoint,
)


def webhook_endpoint_list(customer_id: int) -> QuerySet[WebhookEndpoint]:
    """A customer's endpoints, active or not, oldest first."""
    if not Customer.objects.filter(pk=customer_id).exists():
        raise DomainError(CustomerError.customer_not_found, field="customer")
    return WebhookEndpoint.objects.filter(customer_id=customer_id).order_by("pk")


def notification_list(
    *, customer_id: int | None = None, status: str = "", channel: str = ""
) -> QuerySet[Notification]:
    """Notifications, newest first, with their delivery attempts; unknown filters refused."""
    if status and status not in NotificationStatus.values:
        raise DomainError(CoreError.invalid_input, field="status")
    if channel and channel not in Channel.values:
        raise DomainError(CoreError.invalid_input, field="channel")
    notifications = Notification.objects.order_by("-pk").prefetch_related("delivery_attempts")
    if customer_id is not None:
        notifications = notifications.filter(customer_id=customer_id)
    if status:
        notifications = notifications.filter(status=status)
    if channel:
        notifications = notifications.filter(channel=channel)
    return notifications
