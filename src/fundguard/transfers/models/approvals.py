"""The approval policy versions, approver limits, delegations, and the approvals given."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fundguard.transfers.models.transfers import Transfer
from fundguard.transfers.policy import LEVEL_ORDER

LEVEL_CHOICES = [(level.value, level.value.upper()) for level in LEVEL_ORDER]


class PolicyStatus(models.TextChoices):
    draft = "draft", _("Draft")
    active = "active", _("Active")
    retired = "retired", _("Retired")


class ApprovalPolicyVersion(models.Model):
    """One version of the approval policy: drafted by one administrator, activated by another.

    ``document`` holds the tiers and risk add-ons as :func:`policy_from_document` reads them.
    Exactly one version is active; activating one retires the one before.
    """

    version = models.PositiveIntegerField(unique=True)
    document = models.JSONField()
    status = models.CharField(max_length=8, choices=PolicyStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    drafted_at = models.DateTimeField()
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="active"),
                name="transfers_policy_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"approval policy v{self.version} ({self.status})"


class ApproverLimit(models.Model):
    """An approver's single-transfer and daily limits in one currency.

    The service locks this row while it sums the day's approvals, so two approvals by the same
    person cannot both squeeze under the daily limit.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    limit_single_minor = models.BigIntegerField()
    limit_daily_minor = models.BigIntegerField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "currency"], name="transfers_limit_unique"),
            models.CheckConstraint(
                condition=Q(limit_single_minor__gte=0)
                & Q(limit_daily_minor__gte=F("limit_single_minor")),
                name="transfers_limit_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.currency} limits"


class Delegation(models.Model):
    """For a time, ``delegate`` approves at ``delegator``'s level and within their limits."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="transfers_delegation_window"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=F("delegate")), name="transfers_delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator_id} -> {self.delegate_id}"


class TransferApproval(models.Model):
    """One approval, bound to the hash of the transfer as approved. Append-only.

    The unique constraints are the last line behind the service's checks: one approval per level
    and one per person, for each version of the transfer.
    """

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="approvals")
    level = models.CharField(max_length=2, choices=LEVEL_CHOICES)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    binding_hash = models.CharField(max_length=64)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    comment = models.CharField(max_length=1000, blank=True)
    otp_verified = models.BooleanField(default=False)
    policy_version = models.PositiveIntegerField()
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "level", "binding_hash"],
                name="transfers_approval_one_per_level",
            ),
            models.UniqueConstraint(
                fields=["transfer", "approver", "binding_hash"],
                name="transfers_approval_one_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["approver", "approved_at"], name="transfers_approver_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.level} by {self.approver_id}"
