"""KYC reviews, risk ratings (with factor scores and overrides), credit profiles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fundguard.customers.models.choices import KycOutcome, OverrideStatus, RiskLevel
from fundguard.customers.models.customers import Customer
from fundguard.customers.models.documents import CustomerDocument


class KycReview(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="kyc_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=KycOutcome.choices)
    findings = models.TextField(blank=True)
    reviewed_on = models.DateField()
    next_review_on = models.DateField(null=True, blank=True)
    documents = models.ManyToManyField(CustomerDocument, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=KycOutcome.values),
                name="%(app_label)s_%(class)s_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.outcome} {self.reviewed_on}"


class RiskRating(models.Model):
    """One rating: the factor scores, the computed level and, optionally, a manual override.

    The level in force is ``override_level`` once a second person approved it, else
    ``computed_level``. A new rating supersedes the previous ones (history is kept).
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="risk_ratings")
    factors = models.JSONField()
    total_score = models.PositiveSmallIntegerField()
    computed_level = models.CharField(max_length=6, choices=RiskLevel.choices)
    override_level = models.CharField(max_length=6, choices=RiskLevel.choices, blank=True)
    override_reason = models.TextField(blank=True)
    override_status = models.CharField(
        max_length=8, choices=OverrideStatus.choices, default=OverrideStatus.none
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_status=OverrideStatus.none)
                | (~Q(override_level="") & ~Q(override_reason="")),
                name="%(app_label)s_%(class)s_override_has_level_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(override_status=OverrideStatus.approved)
                | Q(approved_by__isnull=False),
                name="%(app_label)s_%(class)s_approved_override_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("rated_by")),
                name="%(app_label)s_%(class)s_approver_is_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.level_in_force}"

    @property
    def level_in_force(self) -> str:
        if self.override_status == OverrideStatus.approved:
            return self.override_level
        return self.computed_level


class CreditProfile(models.Model):
    """Entered by hand for now; the scoring model comes with the risk app."""

    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, related_name="credit_profile"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    grade = models.CharField(max_length=8, blank=True)
    limit_minor = models.BigIntegerField(null=True, blank=True)
    limit_currency = models.CharField(max_length=3, blank=True)
    overdue_count = models.PositiveIntegerField(default=0)
    overdue_amount_minor = models.BigIntegerField(default=0)
    external_report_reference = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_minor__isnull=True)
                | (Q(limit_minor__gte=0) & Q(limit_currency__regex=r"^[A-Z]{3}$")),
                name="%(app_label)s_%(class)s_limit_with_currency",
            ),
            models.CheckConstraint(
                condition=Q(overdue_amount_minor__gte=0),
                name="%(app_label)s_%(class)s_overdue_amount_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.grade}"
