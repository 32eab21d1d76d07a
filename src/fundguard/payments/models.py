"""The company's bank accounts, the payment orders handed to them, the files that carry the
orders to the bank, and the bank's status reports (pain.002) on them.

Amounts are integers in the currency's minor unit. Every rule the database can hold is a named
constraint (``payments_<model>_<rule>``); rows change only through ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

END_TO_END_ID_MAX_CHARS = 35
MESSAGE_ID_MAX_CHARS = 35
CREDITOR_NAME_MAX_CHARS = 140
REMITTANCE_MAX_CHARS = 140
STATUS_REASON_MAX_CHARS = 500


class Rail(models.TextChoices):
    pain001_09 = "pain001_09", _("ISO 20022 pain.001.001.09 file")
    pain001_03 = "pain001_03", _("ISO 20022 pain.001.001.03 file")
    cn_bank_batch = "cn_bank_batch", _("ICBC batch payment file (XLSX)")
    sandbox = "sandbox", _("Sandbox bank")


# Rails whose orders travel in a file an operator builds and an approver releases.
FILE_RAILS = frozenset({Rail.pain001_09, Rail.pain001_03, Rail.cn_bank_batch})


class OrderStatus(models.TextChoices):
    queued = "queued", _("Queued")
    in_file = "in_file", _("In a payment file")
    sent = "sent", _("Sent to the bank")
    accepted = "accepted", _("Accepted, awaiting the bank statement")
    settled = "settled", _("Settled")
    rejected = "rejected", _("Rejected")


FINAL_ORDER_STATUSES = frozenset({OrderStatus.settled, OrderStatus.rejected})


class FileStatus(models.TextChoices):
    built = "built", _("Built, awaiting release")
    released = "released", _("Released for the bank")
    sent = "sent", _("The bank has reported on it")


class CompanyBankAccount(models.Model):
    """An account of the company at a bank, from which customers' payments leave.

    Its ``clearing_account`` is the ledger liability ("payments in transit") that an executed
    transfer credits until the bank statement shows the money gone.
    """

    name = models.CharField(_("name"), max_length=140)
    bank_name = models.CharField(_("bank"), max_length=140)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_number = models.CharField(_("account number"), max_length=34)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    country = models.CharField(_("country"), max_length=2)
    clearing_account = models.OneToOneField(
        "ledger.Account",
        on_delete=models.PROTECT,
        related_name="company_bank_account",
        verbose_name=_("clearing account"),
    )
    rail = models.CharField(_("rail"), max_length=16, choices=Rail.choices)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        default_permissions = ()
        permissions = [
            ("view_payments", "Read company accounts, payment orders, files and status reports"),
            ("manage_payment_files", "Build payment files and import bank status reports"),
            (
                "release_payment_files",
                "Release a payment file to the bank (the second pair of eyes)",
            ),
            ("manage_company_accounts", "Register the company's bank accounts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="%(app_label)s_%(class)s_currency_iso",
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="%(app_label)s_%(class)s_country_iso",
            ),
            models.CheckConstraint(
                condition=Q(rail__in=Rail.values), name="%(app_label)s_%(class)s_rail_valid"
            ),
            models.UniqueConstraint(
                fields=["account_number", "currency"],
                name="%(app_label)s_%(class)s_number_currency_unique",
            ),
        ]
        verbose_name = _("company bank account")

    def __str__(self) -> str:
        return f"{self.name} ({self.bank_name} {self.account_number}, {self.currency})"


class PaymentFile(models.Model):
    """A file of orders for the bank: built by one person, released by another."""

    company_account = models.ForeignKey(
        CompanyBankAccount, on_delete=models.PROTECT, related_name="payment_files"
    )
    rail = models.CharField(_("rail"), max_length=16, choices=Rail.choices)
    message_id = models.CharField(_("message id"), max_length=MESSAGE_ID_MAX_CHARS, unique=True)
    file_name = models.CharField(_("file name"), max_length=100)
    content = models.BinaryField()
    content_sha256 = models.CharField(_("SHA-256"), max_length=64)
    media_type = models.CharField(_("media type"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=FileStatus.choices, default=FileStatus.built
    )
    order_count = models.PositiveIntegerField(_("orders"))
    control_sum_minor = models.BigIntegerField(_("total"))
    currency = models.CharField(_("currency"), max_length=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("built at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True)

    class Meta:
        ordering = ["-id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FileStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(order_count__gte=1) & Q(control_sum_minor__gt=0),
                name="%(app_label)s_%(class)s_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(status=FileStatus.built, released_by__isnull=True)
                | (
                    ~Q(status=FileStatus.built)
                    & Q(released_by__isnull=False, released_at__isnull=False)
                ),
                name="%(app_label)s_%(class)s_released_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=F("created_by")),
                name="%(app_label)s_%(class)s_releaser_is_not_builder",
            ),
        ]
        verbose_name = _("payment file")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_pain001(self) -> bool:
        return self.rail in (Rail.pain001_09, Rail.pain001_03)


class PaymentOrder(models.Model):
    """One payment to one creditor, handed to a company bank account's rail."""

    end_to_end_id = models.CharField(
        _("end-to-end id"), max_length=END_TO_END_ID_MAX_CHARS, unique=True
    )
    company_account = models.ForeignKey(
        CompanyBankAccount, on_delete=models.PROTECT, related_name="orders"
    )
    amount_minor = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    creditor_name = models.CharField(_("creditor"), max_length=CREDITOR_NAME_MAX_CHARS)
    creditor_account_number = models.CharField(_("account number"), max_length=34, blank=True)
    creditor_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    creditor_bic = models.CharField(_("BIC"), max_length=11, blank=True)
    creditor_bank_name = models.CharField(_("bank"), max_length=140, blank=True)
    creditor_country = models.CharField(_("country"), max_length=2)
    creditor_province = models.CharField(_("province"), max_length=20, blank=True)
    creditor_city = models.CharField(_("city"), max_length=20, blank=True)
    remittance_information = models.CharField(
        _("remittance information"), max_length=REMITTANCE_MAX_CHARS, blank=True
    )
    purpose = models.CharField(_("purpose"), max_length=REMITTANCE_MAX_CHARS, blank=True)
    requested_execution_date = models.DateField(_("requested execution date"))
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.queued
    )
    status_reason = models.CharField(
        _("status reason"), max_length=STATUS_REASON_MAX_CHARS, blank=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    payment_file = models.ForeignKey(
        PaymentFile, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    cause_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["id"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["company_account", "status"], name="payments_order_account_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0),
                name="%(app_label)s_%(class)s_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="%(app_label)s_%(class)s_currency_iso",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(creditor_account_number="") | ~Q(creditor_iban=""),
                name="%(app_label)s_%(class)s_has_creditor_account",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[OrderStatus.queued]) | Q(payment_file__isnull=True),
                name="%(app_label)s_%(class)s_queued_not_in_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.in_file) | Q(payment_file__isnull=False),
                name="%(app_label)s_%(class)s_in_file_has_file",
            ),
        ]
        verbose_name = _("payment order")

    def __str__(self) -> str:
        return self.end_to_end_id


class StatusReport(models.Model):
    """An imported pain.002. The same file (by SHA-256) is imported at most once."""

    message_id = models.CharField(_("message id"), max_length=MESSAGE_ID_MAX_CHARS, blank=True)
    original_message_id = models.CharField(
        _("original message id"), max_length=MESSAGE_ID_MAX_CHARS, blank=True
    )
    version = models.CharField(_("version"), max_length=40, blank=True)
    content = models.BinaryField()
    content_sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"))
    transaction_count = models.PositiveIntegerField(_("transactions"))
    accepted_count = models.PositiveIntegerField(_("accepted"))
    settled_count = models.PositiveIntegerField(_("settled"))
    rejected_count = models.PositiveIntegerField(_("rejected"))
    unchanged_count = models.PositiveIntegerField(_("unchanged"))

    class Meta:
        ordering = ["-id"]
        default_permissions = ()
        verbose_name = _("status report")

    def __str__(self) -> str:
        return self.message_id or self.content_sha256[:12]
