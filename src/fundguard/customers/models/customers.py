"""Customers, their data keys and their beneficial owners.

Personal fields are stored sealed (``*_sealed``: AES-GCM under the customer's data key, see
``fundguard.customers.vault``), with the last four characters (``*_last4``) kept for masking
and, where exact search is needed, an HMAC blind index (``*_index``). Names stay in clear text
so that they can be searched; erasure overwrites them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fundguard.customers.models.choices import (
    CustomerCategory,
    CustomerKind,
    Gender,
    IdType,
    KycStatus,
    RiskLevel,
    ValueClass,
)

ERASED_NAME = "[erased]"


class Customer(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=CustomerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_latin = models.CharField(_("name in Latin script"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    country = models.CharField(_("country of residence"), max_length=2)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    is_pep = models.BooleanField(_("politically exposed person"), default=False)
    expected_monthly_volume_minor = models.BigIntegerField(null=True, blank=True)
    expected_volume_currency = models.CharField(max_length=3, blank=True)
    purposes = models.JSONField(_("declared purposes"), default=list, blank=True)
    source_of_funds = models.CharField(_("source of funds"), max_length=500, blank=True)

    kyc_status = models.CharField(
        _("KYC status"), max_length=8, choices=KycStatus.choices, default=KycStatus.pending
    )
    kyc_verified_at = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=6, choices=RiskLevel.choices, default=RiskLevel.medium
    )
    value_class = models.CharField(
        _("class"), max_length=1, choices=ValueClass.choices, default=ValueClass.c
    )
    category = models.CharField(
        _("category"),
        max_length=10,
        choices=CustomerCategory.choices,
        default=CustomerCategory.general,
    )

    phone_sealed = models.TextField(blank=True)
    phone_last4 = models.CharField(max_length=4, blank=True)
    email_sealed = models.TextField(blank=True)
    email_last4 = models.CharField(max_length=4, blank=True)
    address_sealed = models.TextField(blank=True)
    address_last4 = models.CharField(max_length=4, blank=True)

    legal_representative_name = models.CharField(max_length=200, blank=True)
    legal_representative_id_type = models.CharField(
        max_length=24, choices=IdType.choices, blank=True
    )
    legal_representative_id_sealed = models.TextField(blank=True)
    legal_representative_id_last4 = models.CharField(max_length=4, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        default_permissions = ()
        permissions = [
            ("view_customers", "Read customer files (personal data masked)"),
            ("manage_customers", "Register and edit customers, accounts, documents"),
            ("review_kyc", "Record KYC reviews"),
            ("rate_risk", "Rate customer risk, propose overrides, set class and credit"),
            ("approve_risk_override", "Approve another person's risk override"),
            ("reveal_personal_data", "Reveal a masked personal field (audited)"),
            ("export_personal_data", "Export a customer's personal data (access request)"),
            ("erase_personal_data", "Erase a customer's personal data"),
            ("import_customers", "Import customers from CSV or XLSX"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CustomerKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kyc_status__in=KycStatus.values),
                name="%(app_label)s_%(class)s_kyc_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values),
                name="%(app_label)s_%(class)s_risk_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="%(app_label)s_%(class)s_country_iso",
            ),
            models.CheckConstraint(
                condition=Q(expected_monthly_volume_minor__isnull=True)
                | (
                    Q(expected_monthly_volume_minor__gte=0)
                    & Q(expected_volume_currency__regex=r"^[A-Z]{3}$")
                ),
                name="%(app_label)s_%(class)s_expected_volume_with_currency",
            ),
        ]
        indexes = [
            models.Index(fields=["name"], name="customers_customer_name_idx"),
            models.Index(fields=["next_review_on"], name="customers_customer_review_idx"),
        ]
        verbose_name = _("customer")

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_organization(self) -> bool:
        return self.kind == CustomerKind.organization


class CustomerDataKey(models.Model):
    """A customer's data key, stored only wrapped by a master key. Erasure empties ``wrapped``."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="data_key")
    key_id = models.CharField(max_length=32, unique=True)
    master_key_id = models.CharField(max_length=32, blank=True)
    wrapped = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)
    # When the customer got this (fresh) data key in a re-key (`keys rotate --data-keys`).
    rekeyed_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=(Q(destroyed_at__isnull=True) & ~Q(wrapped=""))
                | (Q(destroyed_at__isnull=False) & Q(wrapped="")),
                name="%(app_label)s_%(class)s_wrapped_until_destroyed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.master_key_id or 'destroyed'})"


class BeneficialOwner(models.Model):
    """An owner of an organization, with a share in basis points (10000 = 100 %)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="beneficial_owners"
    )
    name = models.CharField(max_length=200)
    name_latin = models.CharField(max_length=200, blank=True)
    nationality = models.CharField(max_length=2, blank=True)
    share_bp = models.PositiveIntegerField()
    id_type = models.CharField(max_length=24, choices=IdType.choices, blank=True)
    id_sealed = models.TextField(blank=True)
    id_last4 = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(share_bp__gte=1) & Q(share_bp__lte=10000),
                name="%(app_label)s_%(class)s_share_bp_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.share_bp / 100:.2f}%"
