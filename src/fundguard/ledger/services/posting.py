"""The steps every posting shares: input checks, account locks, totals, the entry row, the
idempotency claim.

Each step is a module-level function that the other services modules call through this module
(``posting._lock_accounts(...)``), so that the failure-injection tests can replace each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from fundguard.core.errors import CoreError, DomainError
from fundguard.core.idempotency import Claim, idempotency_claim, idempotency_complete
from fundguard.core.money import MoneyError
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import Account, AccountStatus, JournalEntry
from fundguard.ledger.rows import account_totals_write, lines_insert, row_insert, rows_by_id

M = TypeVar("M", bound=models.Model)

# A limit on every amount keeps every running total far from the 64-bit edge.
LINE_AMOUNT_MAX_MINOR = 10**15
MAX_MEMO_LENGTH = 500


@dataclass
class _Delta:
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0
    field: str = ""


def _invalid(field: str) -> DomainError:
    return DomainError(CoreError.invalid_input, field=field)


def _check_amount(amount_minor: int, field: str) -> None:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TypeError("amounts are integers in minor units")
    if amount_minor <= 0:
        raise DomainError(LedgerError.amount_not_positive, field=field)
    if amount_minor > LINE_AMOUNT_MAX_MINOR:
        raise DomainError(MoneyError.amount_too_large, field=field, text=str(amount_minor))


def _lock_accounts(ids_by_field: dict[str, int]) -> dict[int, Account]:
    """Lock every account named (ascending id); ``account_not_found`` names the first gap."""
    accounts = rows_by_id(Account, ids_by_field.values(), for_update=True)
    for field, account_id in ids_by_field.items():
        if account_id not in accounts:
            raise DomainError(LedgerError.account_not_found, field=field)
    return accounts


def _require_usable(account: Account, field: str) -> None:
    if account.status == AccountStatus.frozen:
        raise DomainError(LedgerError.account_frozen, field=field)
    if account.status == AccountStatus.closed:
        raise DomainError(LedgerError.account_closed, field=field)


def _require_currency(account: Account, currency: str | None, field: str) -> str:
    if currency is not None and currency != account.currency:
        raise DomainError(LedgerError.currency_mismatch, field=field)
    return account.currency


def _apply_totals(accounts: dict[int, Account], deltas: dict[int, _Delta]) -> None:
    """Add the deltas to the locked accounts; refuse an overdraft; write the new totals."""
    for account_id in sorted(deltas):
        account, delta = accounts[account_id], deltas[account_id]
        account.debits_posted += delta.debits_posted
        account.credits_posted += delta.credits_posted
        account.debits_pending += delta.debits_pending
        account.credits_pending += delta.credits_pending
        if not account.allow_negative and account.available_minor < 0:
            raise DomainError(LedgerError.insufficient_funds, field=delta.field)
    account_totals_write([accounts[account_id] for account_id in deltas])


_ENTRY_FIELDS = (
    "memo",
    "effective_date",
    "booked_at",
    "cause_type_id",
    "cause_id",
    "reverses_id",
    "idempotency_key",
    "booked_by_id",
)


def _write_entry(
    *,
    actor: Any,
    lines: Sequence[tuple[Account, str, int]],
    memo: str,
    effective_date: date,
    cause: models.Model | None,
    reverses: JournalEntry | None,
    idempotency_key: str,
) -> JournalEntry:
    cause_type = ContentType.objects.get_for_model(cause) if cause is not None else None
    entry = JournalEntry(
        memo=memo,
        effective_date=effective_date,
        booked_at=timezone.now(),
        cause_type=cause_type,
        cause_id=str(cause.pk) if cause is not None else "",
        reverses=reverses,
        idempotency_key=idempotency_key,
        booked_by_id=getattr(actor, "pk", None),
    )
    row_insert(entry, _ENTRY_FIELDS)
    lines_insert(
        entry.pk,
        [(account.pk, side, amount, account.currency) for account, side, amount in lines],
    )
    return entry


def _claim(actor: Any, key: str | None, scope: str, payload: dict[str, Any]) -> Claim | None:
    if key is None:
        return None
    return idempotency_claim(actor=actor, key=key, scope=scope, payload=payload)


def _replayed(model: type[M], claim: Claim) -> M:
    """The first request's result (stored in the same transaction that claimed the key)."""
    assert claim.result_id is not None, "a claimed key always carries its result"
    return model._default_manager.get(pk=claim.result_id)


def _complete(claim: Claim | None, result: models.Model) -> None:
    if claim is not None:
        idempotency_complete(claim, result_type=result._meta.label_lower, result_id=result.pk)
