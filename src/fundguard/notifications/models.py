"""Webhook endpoints, the outbox of notifications and the log of their delivery attempts.

A notification is written in the transaction of the change it tells about (``services.notify``)
and delivered by a task only after that transaction commits. Rows change only through
``services``; every attempt, successful or not, leaves a :class:`DeliveryAttempt`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    email = "email", _("E-mail")
    webhook = "webhook", _("Webhook")


class NotificationStatus(models.TextChoices):
    pending = "pending", _("Pending")
    sent = "sent", _("Sent")
    failed = "failed", _("Failed, will retry")
    dead = "dead", _("Given up")


# Statuses a worker may still claim for an attempt.
DELIVERABLE_STATUSES = (NotificationStatus.pending, NotificationStatus.failed)


class AttemptOutcome(models.TextChoices):
    delivered = "delivered", _("Delivered")
    refused = "refused", _("Refused by the receiver")
    unreachable = "unreachable", _("Receiver unreachable")
    undeliverable = "undeliverable", _("Undeliverable")


class WebhookEndpoint(models.Model):
    """A customer's URL that receives signed POSTs of its transfers' events.

    The signing secret is sealed under the customer's data key (as their personal fields are):
    it is shown once, at creation, and erasing the customer makes it unreadable for good.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.CharField(_("URL"), max_length=500)
    secret_sealed = models.TextField()
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="%(app_label)s_%(class)s_url_http",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, deactivated_at__isnull=True)
                | Q(is_active=False, deactivated_at__isnull=False),
                name="%(app_label)s_%(class)s_deactivated_when_inactive",
            ),
        ]
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return f"#{self.pk} {self.url}"


class Notification(models.Model):
    """One message to one recipient: a customer's e-mail, a webhook endpoint or a staff user.

    ``payload`` is what the calling app gave ``notify``; it carries no unmasked personal data
    (the e-mail address is looked up, and decrypted, only when the message is sent).
    """

    event = models.CharField(_("event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=NotificationStatus.choices,
        default=NotificationStatus.pending,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        default_permissions = ()
        permissions = [
            ("manage_webhooks", "Register and deactivate customers' webhook endpoints"),
            ("view_deliveries", "Read notifications and their delivery log"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values),
                name="%(app_label)s_%(class)s_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                # A webhook goes to an endpoint of a customer; an e-mail to a customer or to a
                # staff user, never both.
                condition=Q(
                    channel=Channel.webhook,
                    endpoint__isnull=False,
                    customer__isnull=False,
                    staff_user__isnull=True,
                )
                | Q(
                    channel=Channel.email,
                    endpoint__isnull=True,
                    customer__isnull=False,
                    staff_user__isnull=True,
                )
                | Q(
                    channel=Channel.email,
                    endpoint__isnull=True,
                    customer__isnull=True,
                    staff_user__isnull=False,
                ),
                name="%(app_label)s_%(class)s_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.sent, sent_at__isnull=False)
                | (~Q(status=NotificationStatus.sent) & Q(sent_at__isnull=True)),
                name="%(app_label)s_%(class)s_sent_at_when_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notifications_due_idx"),
        ]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} ({self.channel}, {self.status})"

    @property
    def recipient_label(self) -> str:
        """Who it goes to, without personal data: ``customer #7``, ``endpoint #3``, ``user #2``."""
        if self.endpoint_id is not None:
            return f"endpoint #{self.endpoint_id}"
        if self.staff_user_id is not None:
            return f"user #{self.staff_user_id}"
        return f"customer #{self.customer_id}"


class DeliveryAttempt(models.Model):
    """One try at sending a notification: when, how long, and what the receiver answered."""

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="delivery_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    outcome = models.CharField(_("outcome"), max_length=13, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["notification_id", "number"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "number"],
                name="%(app_label)s_%(class)s_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=AttemptOutcome.values),
                name="%(app_label)s_%(class)s_outcome_valid",
            ),
        ]
        verbose_name = _("delivery attempt")

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.number} {self.outcome}"
