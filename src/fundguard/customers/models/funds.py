"""A customer's funds account: the link to the ledger liability account holding their money."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fundguard.customers.models.customers import Customer
from fundguard.ledger.models import Account


class CustomerFundsAccount(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="funds_accounts")
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "currency"], name="%(app_label)s_%(class)s_one_per_currency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.currency} -> {self.account_id}"
