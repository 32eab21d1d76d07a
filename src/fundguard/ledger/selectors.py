"""Reads of the ledger: no writes, no locks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from fundguard.core.errors import DomainError
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import Account, EntryLine, Hold, HoldStatus, JournalEntry, Side


def account_list() -> QuerySet[Account]:
    return Account.objects.order_by("currency", "code")


def account_get(account_id: int) -> Account:
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise DomainError(LedgerError.account_not_found, field="account")
    return account


def account_currencies(account_ids: list[int]) -> dict[int, str]:
    """The currency of each existing account among ``account_ids``."""
    return dict(Account.objects.filter(pk__in=account_ids).values_list("pk", "currency"))


def account_lines(account: Account) -> QuerySet[EntryLine]:
    return (
        EntryLine.objects.filter(account=account)
        .select_related("entry")
        .order_by("-entry__booked_at", "-entry_id", "position")
    )


def account_holds(account: Account) -> QuerySet[Hold]:
    return (
        Hold.objects.filter(Q(debit_account=account) | Q(credit_account=account))
        .select_related("debit_account", "credit_account")
        .order_by("-placed_at", "-pk")
    )


def entry_get(entry_id: int) -> JournalEntry:
    entry = JournalEntry.objects.select_related("reverses").filter(pk=entry_id).first()
    if entry is None:
        raise DomainError(LedgerError.entry_not_found, field="entry")
    return entry


def entry_lines(entry: JournalEntry) -> QuerySet[EntryLine]:
    return entry.lines.select_related("account").order_by("position")


def entry_reversal(entry: JournalEntry) -> JournalEntry | None:
    return JournalEntry.objects.filter(reverses=entry).first()


def hold_get(hold_id: int) -> Hold:
    hold = Hold.objects.select_related("debit_account", "credit_account").filter(pk=hold_id).first()
    if hold is None:
        raise DomainError(LedgerError.hold_not_found, field="hold")
    return hold


def holds_due_count(*, now: object) -> int:
    return Hold.objects.filter(status=HoldStatus.pending, expires_at__lte=now).count()


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    debits_minor: int
    credits_minor: int

    @property
    def is_balanced(self) -> bool:
        return self.debits_minor == self.credits_minor


def trial_balance() -> list[CurrencyTotals]:
    """Posted debits and credits per currency, from the accounts' running totals."""
    rows = (
        Account.objects.values("currency")
        .annotate(debits=Sum("debits_posted"), credits=Sum("credits_posted"))
        .order_by("currency")
    )
    return [
        CurrencyTotals(
            currency=row["currency"],
            debits_minor=int(row["debits"] or 0),
            credits_minor=int(row["credits"] or 0),
        )
        for row in rows
    ]


def line_sums() -> dict[tuple[int, str], int]:
    """Sum of posted lines per (account id, side)."""
    rows = EntryLine.objects.values("account_id", "side").annotate(total=Sum("amount_minor"))
    return {(row["account_id"], row["side"]): int(row["total"]) for row in rows}


def pending_sums() -> dict[tuple[int, str], int]:
    """Sum of pending holds per (account id, side)."""
    sums: dict[tuple[int, str], int] = {}
    pending = Hold.objects.filter(status=HoldStatus.pending)
    for field, side in (("debit_account_id", Side.debit), ("credit_account_id", Side.credit)):
        for row in pending.values(field).annotate(total=Sum("amount_minor")):
            sums[(row[field], str(side))] = int(row["total"])
    return sums
