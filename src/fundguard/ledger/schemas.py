"""The ledger API's request and response shapes. Amounts travel as decimal strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from fundguard.core.money import format_amount
from fundguard.core.schemas import ObjectId
from fundguard.ledger.models import Account, EntryLine, Hold, JournalEntry


class AccountIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    kind: str
    currency: str = Field(min_length=3, max_length=3)
    allow_negative: bool = False


class AccountOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    currency: str
    normal_side: str
    status: str
    allow_negative: bool
    balance: str
    available: str
    debits_posted: str
    credits_posted: str
    debits_pending: str
    credits_pending: str


class LineIn(Schema):
    account: ObjectId
    debit: str | None = None
    credit: str | None = None
    currency: str | None = None


class EntryIn(Schema):
    memo: str = Field(default="", max_length=500)
    effective_date: date | None = None
    lines: list[LineIn] = Field(max_length=100)


class LineOut(Schema):
    account: int
    account_code: str
    currency: str
    debit: str | None
    credit: str | None


class EntryOut(Schema):
    id: int
    memo: str
    effective_date: date
    booked_at: datetime
    reverses: int | None
    reversed_by: int | None
    lines: list[LineOut]


class ReverseIn(Schema):
    memo: str = Field(default="", max_length=500)


class HoldIn(Schema):
    debit_account: ObjectId
    credit_account: ObjectId
    amount: str
    currency: str | None = None
    memo: str = Field(default="", max_length=500)
    expires_at: datetime | None = None


class HoldPostIn(Schema):
    amount: str | None = None


class HoldOut(Schema):
    id: int
    debit_account: int
    credit_account: int
    amount: str
    currency: str
    memo: str
    status: str
    placed_at: datetime
    expires_at: datetime | None
    resolved_at: datetime | None
    posted_amount: str
    entry: int | None


class CurrencyTotalsOut(Schema):
    currency: str
    debits: str
    credits: str


class TrialBalanceOut(Schema):
    currencies: list[CurrencyTotalsOut]


def account_out(account: Account) -> dict[str, Any]:
    def fmt(amount_minor: int) -> str:
        return format_amount(amount_minor, account.currency)

    return {
        "id": account.pk,
        "code": account.code,
        "name": account.name,
        "kind": account.kind,
        "currency": account.currency,
        "normal_side": account.normal_side,
        "status": account.status,
        "allow_negative": account.allow_negative,
        "balance": fmt(account.balance_minor),
        "available": fmt(account.available_minor),
        "debits_posted": fmt(account.debits_posted),
        "credits_posted": fmt(account.credits_posted),
        "debits_pending": fmt(account.debits_pending),
        "credits_pending": fmt(account.credits_pending),
    }


def line_out(line: EntryLine) -> dict[str, Any]:
    amount = format_amount(line.amount_minor, line.currency)
    return {
        "account": line.account_id,
        "account_code": line.account.code,
        "currency": line.currency,
        "debit": amount if line.side == "debit" else None,
        "credit": amount if line.side == "credit" else None,
    }


def entry_out(
    entry: JournalEntry, lines: list[EntryLine], reversed_by: JournalEntry | None
) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "memo": entry.memo,
        "effective_date": entry.effective_date,
        "booked_at": entry.booked_at,
        "reverses": entry.reverses_id,
        "reversed_by": reversed_by.pk if reversed_by else None,
        "lines": [line_out(line) for line in lines],
    }


def hold_out(hold: Hold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "debit_account": hold.debit_account_id,
        "credit_account": hold.credit_account_id,
        "amount": format_amount(hold.amount_minor, hold.currency),
        "currency": hold.currency,
        "memo": hold.memo,
        "status": hold.status,
        "placed_at": hold.placed_at,
        "expires_at": hold.expires_at,
        "resolved_at": hold.resolved_at,
        "posted_amount": format_amount(hold.posted_amount_minor, hold.currency),
        "entry": hold.entry_id,
    }
