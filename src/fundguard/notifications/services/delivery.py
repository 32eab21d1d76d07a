"""Delivering what the outbox holds: claim, send, record, and schedule the retry.

Two workers may be handed the same notification (a retry task and the sweep, say). Each first
claims it with one conditional UPDATE, which only one can win: it moves ``next_attempt_at`` a
lease ahead and counts the attempt. The send happens outside any transaction, holding no lock;
the result is then recorded, and the notification is marked sent, failed (with its next attempt
``base * 2^(n-1)`` seconds ahead, capped) or dead.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fundguard.notifications.conf import setting
from fundguard.notifications.models import (
    DELIVERABLE_STATUSES,
    AttemptOutcome,
    DeliveryAttempt,
    Notification,
    NotificationStatus,
)
from fundguard.notifications.senders import SendResult, send

DUE_BATCH_MAX = 100


def retry_delay_seconds(attempt: int) -> int:
    """The wait after failed attempt number ``attempt`` (1-based): 30, 60, 120, ... capped."""
    base = int(setting("NOTIFICATIONS_BACKOFF_BASE_SECONDS"))
    cap = int(setting("NOTIFICATIONS_BACKOFF_MAX_SECONDS"))
    return int(min(cap, base * 2 ** (attempt - 1)))


def deliveries_enqueue(ids: Iterable[int], *, run_after: datetime | None = None) -> None:
    """Queue one delivery task per notification (the worker runs them)."""
    # Imported here: the task module imports this one.
    from fundguard.notifications.tasks import notification_deliver as deliver_task

    task = deliver_task.using(run_after=run_after) if run_after is not None else deliver_task
    for notification_id in ids:
        task.enqueue(notification_id)


def notification_deliver(
    *, notification_id: int, now: datetime | None = None
) -> Notification | None:
    """Make one attempt at a notification that is due; None if it is not due or not ours."""
    now = now or timezone.now()
    attempt = _claim(notification_id, now)
    if attempt is None:
        return None
    notification = Notification.objects.select_related("customer", "endpoint", "staff_user").get(
        pk=notification_id
    )
    started = time.monotonic()
    result = send(notification)
    duration_ms = int((time.monotonic() - started) * 1000)
    _record(notification, attempt=attempt, result=result, now=now, duration_ms=duration_ms)
    notification.refresh_from_db()
    return notification


def notifications_deliver_due(*, now: datetime | None = None, limit: int = DUE_BATCH_MAX) -> int:
    """Attempt every notification due at ``now`` (oldest first, at most ``limit``); how many.

    The safety net beside the per-notification tasks: it also sends what was written while
    the task queue could not be reached.
    """
    now = now or timezone.now()
    due = (
        Notification.objects.filter(status__in=DELIVERABLE_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    attempted = 0
    for notification_id in list(due):
        if notification_deliver(notification_id=notification_id, now=now) is not None:
            attempted += 1
    return attempted


def _claim(notification_id: int, now: datetime) -> int | None:
    """Take the notification for one attempt; its attempt number, or None if another has it."""
    lease = timedelta(seconds=int(setting("NOTIFICATIONS_CLAIM_LEASE_SECONDS")))
    claimed = Notification.objects.filter(
        pk=notification_id, status__in=DELIVERABLE_STATUSES, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + lease)
    if claimed != 1:
        return None
    return int(Notification.objects.values_list("attempts", flat=True).get(pk=notification_id))


def _record(
    notification: Notification,
    *,
    attempt: int,
    result: SendResult,
    now: datetime,
    duration_ms: int,
) -> None:
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            notification=notification,
            number=attempt,
            attempted_at=now,
            duration_ms=duration_ms,
            outcome=result.outcome,
            http_status=result.http_status,
            detail=result.detail,
        )
        retry_at: datetime | None = None
        if result.outcome == AttemptOutcome.delivered:
            changes = {"status": NotificationStatus.sent, "sent_at": now}
        elif result.outcome == AttemptOutcome.undeliverable or attempt >= int(
            setting("NOTIFICATIONS_MAX_ATTEMPTS")
        ):
            changes = {"status": NotificationStatus.dead}
        else:
            retry_at = now + timedelta(seconds=retry_delay_seconds(attempt))
            changes = {"status": NotificationStatus.failed, "next_attempt_at": retry_at}
        # Only while the claim is still ours: had the lease run out and another worker taken
        # the notification, its result decides.
        still_ours = Notification.objects.filter(pk=notification.pk, attempts=attempt).update(
            **changes
        )
        if still_ours and retry_at is not None:
            ids = [notification.pk]
            transaction.on_commit(lambda: deliveries_enqueue(ids, run_after=retry_at), robust=True)
