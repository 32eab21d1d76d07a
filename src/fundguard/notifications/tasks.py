"""Background work of the notifications app, run by ``fundguard worker``."""

from __future__ import annotations

from django_tasks import task

from fundguard.notifications.services import notification_deliver as _notification_deliver
from fundguard.notifications.services import (
    notifications_deliver_due as _notifications_deliver_due,
)


@task()
def notification_deliver(notification_id: int) -> str:
    """One attempt at one notification (enqueued on commit, and again for each retry)."""
    notification = _notification_deliver(notification_id=notification_id)
    return notification.status if notification is not None else "not_due"


@task()
def notifications_deliver_due() -> int:
    """Attempt every notification that is due; the sweep behind the per-notification tasks."""
    return _notifications_deliver_due()
