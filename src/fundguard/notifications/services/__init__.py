"""Every write of the notifications app. See each module; all are re-exported here.

Other apps call :func:`notify` inside their own transaction; nothing else here is theirs.
"""

from fundguard.notifications.services.delivery import (
    notification_deliver,
    notifications_deliver_due,
    retry_delay_seconds,
)
from fundguard.notifications.services.outbox import notify
from fundguard.notifications.services.webhooks import (
    CreatedEndpoint,
    webhook_endpoint_create,
    webhook_endpoint_deactivate,
)

__all__ = [
    "CreatedEndpoint",
    "notification_deliver",
    "notifications_deliver_due",
    "notify",
    "retry_delay_seconds",
    "webhook_endpoint_create",
    "webhook_endpoint_deactivate",
]
