"""A transfer request, the batch it may come from, and its timeline of steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fundguard.customers.models import Beneficiary, Customer
from fundguard.ledger.models import Account, Hold, JournalEntry
from fundguard.transfers.lifecycle import TransferStatus


class Channel(models.TextChoices):
    console = "console", _("Console")
    api = "api", _("API")
    batch = "batch", _("Batch")


STATUS_CHOICES = [(s.value, s.value) for s in TransferStatus]


class TransferBatch(models.Model):
    """An uploaded CSV/XLSX of transfers, submitted all or nothing."""

    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.file_name})"


class Transfer(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="transfers")
    source_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="+")
    beneficiary_country = models.CharField(max_length=2)
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    purpose = models.CharField(_("purpose"), max_length=140)
    remittance_information = models.CharField(_("remittance information"), max_length=140)
    requested_execution_date = models.DateField(_("requested execution date"))
    channel = models.CharField(max_length=8, choices=Channel.choices)
    batch = models.ForeignKey(
        TransferBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The clearing account of the company bank account that pays it out (the hold's other side).
    clearing_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hold = models.OneToOneField(
        Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    required_levels = models.JSONField(default=list)
    screening = models.JSONField(default=dict)
    end_to_end_id = models.CharField(max_length=35, blank=True)
    status_reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="transfers_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TransferStatus]),
                name="transfers_transfer_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="transfers_status_idx"),
            models.Index(fields=["customer", "submitted_at"], name="transfers_customer_day_idx"),
        ]
        permissions = [
            ("view_transfers", "View transfers, their approvals and timeline"),
            ("make_transfers", "Start, submit and cancel transfers"),
            ("approve_transfers", "Approve or reject transfers"),
            ("review_transfers", "Clear or reject transfers held for compliance review"),
            ("view_vouchers", "View and print vouchers"),
        ]

    def __str__(self) -> str:
        return self.reference


class TransferStep(models.Model):
    """One step of a transfer's timeline: a status change or a note (append-only)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="steps")
    event = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.event}"


class TransferAttachment(models.Model):
    """A supporting document (invoice, contract) of a transfer, sealed with the customer's data
    key like their other documents (a key rotation re-seals it in place). Never deleted; it
    counts on the voucher (附单据 N 张)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="attachments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    filename_sealed = models.TextField()
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content_sealed = models.TextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.transfer_id} attachment {self.pk}"
