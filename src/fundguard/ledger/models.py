"""Accounts, journal entries and their lines, and holds (pending two-line entries).

Amounts are integers in the currency's minor unit. Every rule the database can hold is a named
constraint (``ledger_<model>_<rule>``); entries and lines are append-only (migration 0002
installs triggers that refuse UPDATE and DELETE). Rows change only through ``services.py``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Side(models.TextChoices):
    debit = "debit", _("Debit")
    credit = "credit", _("Credit")


class AccountKind(models.TextChoices):
    asset = "asset", _("Asset")
    liability = "liability", _("Liability")
    equity = "equity", _("Equity")
    income = "income", _("Income")
    expense = "expense", _("Expense")


DEBIT_NORMAL_KINDS = frozenset({AccountKind.asset, AccountKind.expense})


def normal_side_of(kind: str) -> Side:
    """Assets and expenses grow by debits; liabilities, equity and income by credits."""
    return Side.debit if kind in DEBIT_NORMAL_KINDS else Side.credit


class AccountStatus(models.TextChoices):
    open = "open", _("Open")
    frozen = "frozen", _("Frozen")
    closed = "closed", _("Closed")


def _no_overdraft() -> Q:
    """The balance on the normal side, net of pending amounts against it, stays >= 0."""
    debit_normal = Q(normal_side=Side.debit) & Q(
        debits_posted__gte=F("credits_posted") + F("credits_pending")
    )
    credit_normal = Q(normal_side=Side.credit) & Q(
        credits_posted__gte=F("debits_posted") + F("debits_pending")
    )
    return Q(allow_negative=True) | debit_normal | credit_normal


class Account(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    normal_side = models.CharField(_("normal side"), max_length=6, choices=Side.choices)
    owner_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_id = models.CharField(max_length=64, blank=True)
    allow_negative = models.BooleanField(_("may go negative"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=AccountStatus.choices, default=AccountStatus.open
    )
    debits_posted = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    debits_pending = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        ordering = ["code"]
        default_permissions = ()
        permissions = [
            ("view_ledger", "Read accounts, entries, holds and balances"),
            ("manage_accounts", "Open, freeze, unfreeze and close accounts"),
            ("post_entries", "Post and reverse journal entries"),
            ("manage_holds", "Place, post and void holds"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(debits_posted__gte=0),
                name="%(app_label)s_%(class)s_debits_posted_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(credits_posted__gte=0),
                name="%(app_label)s_%(class)s_credits_posted_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(debits_pending__gte=0),
                name="%(app_label)s_%(class)s_debits_pending_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(credits_pending__gte=0),
                name="%(app_label)s_%(class)s_credits_pending_gte_0",
            ),
            models.CheckConstraint(
                condition=_no_overdraft(), name="%(app_label)s_%(class)s_no_overdraft"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=sorted(DEBIT_NORMAL_KINDS), normal_side=Side.debit)
                    | (~Q(kind__in=sorted(DEBIT_NORMAL_KINDS)) & Q(normal_side=Side.credit))
                ),
                name="%(app_label)s_%(class)s_normal_side_from_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AccountKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AccountStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="%(app_label)s_%(class)s_currency_iso",
            ),
        ]
        verbose_name = _("account")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_debit_normal(self) -> bool:
        return self.normal_side == Side.debit

    @property
    def balance_minor(self) -> int:
        """Posted balance on the normal side."""
        if self.is_debit_normal:
            return self.debits_posted - self.credits_posted
        return self.credits_posted - self.debits_posted

    @property
    def available_minor(self) -> int:
        """Posted balance less the pending amounts that would reduce it."""
        if self.is_debit_normal:
            return self.balance_minor - self.credits_pending
        return self.balance_minor - self.debits_pending

    @property
    def is_open(self) -> bool:
        return self.status == AccountStatus.open


class JournalEntry(models.Model):
    """Two or more lines whose debits equal credits per currency. Append-only."""

    memo = models.CharField(_("memo"), max_length=500, blank=True)
    effective_date = models.DateField(_("effective date"))
    booked_at = models.DateTimeField(_("booked at"), db_index=True)
    cause_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause_id = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    booked_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-booked_at", "-id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=~Q(reverses=F("id")) | Q(reverses__isnull=True),
                name="%(app_label)s_%(class)s_not_self_reversing",
            ),
        ]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.memo}"


class EntryLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    side = models.CharField(max_length=6, choices=Side.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["entry_id", "position"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="%(app_label)s_%(class)s_side_valid"
            ),
            models.UniqueConstraint(
                fields=["entry", "position"], name="%(app_label)s_%(class)s_position_unique"
            ),
        ]
        verbose_name = _("entry line")

    def __str__(self) -> str:
        return f"{self.side} {self.amount_minor} {self.currency} on {self.account_id}"


class HoldStatus(models.TextChoices):
    pending = "pending", pgettext_lazy("hold status", "Pending")
    posted = "posted", _("Posted")
    voided = "voided", _("Voided")
    expired = "expired", _("Expired")


class Hold(models.Model):
    """A pending two-line entry: reserves ``amount_minor`` in the pending totals.

    Resolved exactly once (posted in full or in part, voided, or expired): the service takes
    the hold's row lock and re-checks ``status``; the constraints below tie the status to the
    resolution fields, and the posting entry is one-to-one.
    """

    debit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    credit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=HoldStatus.choices, default=HoldStatus.pending
    )
    placed_at = models.DateTimeField(_("placed at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    posted_amount_minor = models.BigIntegerField(default=0)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="hold"
    )
    cause_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="%(app_label)s_%(class)s_two_accounts",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=HoldStatus.pending, resolved_at__isnull=True, posted_amount_minor=0)
                    & Q(entry__isnull=True)
                )
                | (
                    Q(status=HoldStatus.posted, resolved_at__isnull=False, entry__isnull=False)
                    & Q(posted_amount_minor__gt=0, posted_amount_minor__lte=F("amount_minor"))
                )
                | Q(
                    status__in=[HoldStatus.voided, HoldStatus.expired],
                    resolved_at__isnull=False,
                    posted_amount_minor=0,
                    entry__isnull=True,
                ),
                name="%(app_label)s_%(class)s_resolution_consistent",
            ),
        ]
        verbose_name = _("hold")

    def __str__(self) -> str:
        return f"hold #{self.pk} {self.amount_minor} {self.currency} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == HoldStatus.pending
