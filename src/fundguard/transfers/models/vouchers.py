"""记账凭证: one per executed transfer, numbered per period (month)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fundguard.transfers.models.transfers import Transfer


class VoucherSequence(models.Model):
    """The last number given in a period; locked while the next one is taken."""

    period = models.CharField(max_length=7, unique=True)  # 2026-11
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.period}: {self.last_number}"


class Voucher(models.Model):
    """What the printed voucher shows, frozen when the transfer executed. Append-only."""

    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="voucher")
    period = models.CharField(max_length=7)
    number = models.PositiveIntegerField()
    voucher_date = models.DateField()
    summary = models.CharField(max_length=60)
    lines = models.JSONField()  # [{"account_code", "account_name", "debit_minor", "credit_minor"}]
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    attachment_count = models.PositiveSmallIntegerField(default=0)
    preparer = models.CharField(max_length=60)
    reviewer = models.CharField(max_length=60, blank=True)
    approver = models.CharField(max_length=60, blank=True)
    cashier = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="transfers_voucher_number")
        ]

    def __str__(self) -> str:
        return self.number_text

    @property
    def number_text(self) -> str:
        return f"记-{self.period}-{self.number:04d}"


class VoucherPrint(models.Model):
    """Each time a voucher is printed; every print after the first is a copy. Append-only."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="prints")
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    printed_at = models.DateTimeField()
    is_copy = models.BooleanField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["voucher"], condition=models.Q(is_copy=False), name="transfers_one_original"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id} printed at {self.printed_at}"
