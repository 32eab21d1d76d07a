"""The customer's own bank accounts and saved beneficiaries (收款人)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fundguard.customers.models.choices import AccountScheme, VerificationStatus
from fundguard.customers.models.customers import Customer


class _BankDetails(models.Model):
    bank_name = models.CharField(_("bank"), max_length=200)
    branch = models.CharField(_("branch"), max_length=200, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    scheme = models.CharField(max_length=12, choices=AccountScheme.choices)
    number_sealed = models.TextField()
    number_index = models.CharField(max_length=64, blank=True)
    # The blind-index key that made number_index (see `fundguard keys rotate --blind-index`).
    number_index_key_id = models.CharField(max_length=32, blank=True)
    number_last4 = models.CharField(max_length=4, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    verification_status = models.CharField(
        max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.unverified
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="%(app_label)s_%(class)s_currency_iso",
            ),
            models.CheckConstraint(
                condition=Q(scheme__in=AccountScheme.values),
                name="%(app_label)s_%(class)s_scheme_valid",
            ),
        ]


class BankAccount(_BankDetails):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bank_accounts")

    class Meta(_BankDetails.Meta):
        ordering = ["id"]
        indexes = [models.Index(fields=["number_index"], name="customers_bankacct_index_idx")]

    def __str__(self) -> str:
        return f"{self.bank_name} ****{self.number_last4}"


class Beneficiary(_BankDetails):
    """A saved payee. ``created_at`` starts its cooling-off period (see selectors)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="beneficiaries")
    name = models.CharField(_("name"), max_length=200)
    # Where the payee's bank branch is: Chinese banks' batch files ask for both (省份, 城市).
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)

    class Meta(_BankDetails.Meta):
        ordering = ["id"]
        indexes = [models.Index(fields=["number_index"], name="customers_benef_index_idx")]
        verbose_name_plural = "beneficiaries"

    def __str__(self) -> str:
        return f"{self.name} ****{self.number_last4}"
