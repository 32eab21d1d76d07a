"""Posting balanced journal entries and reversing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import format_amount
from fundguard.core.permissions import require_permission
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import Account, JournalEntry, Side
from fundguard.ledger.services import posting

MAX_LINES = 100
_SIDES = frozenset(Side.values)


@dataclass(frozen=True)
class LineSpec:
    """One requested line: ``currency`` None means "the account's currency"."""

    account_id: int
    side: str
    amount_minor: int
    currency: str | None = None


def _check_lines(lines: Sequence[LineSpec]) -> None:
    if len(lines) < 2:
        raise DomainError(LedgerError.entry_needs_two_lines, field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(LedgerError.entry_has_too_many_lines, field="lines")
    for i, line in enumerate(lines):
        if line.side not in _SIDES:
            raise DomainError(LedgerError.line_needs_one_side, field=f"lines[{i}]")
        posting._check_amount(line.amount_minor, f"lines[{i}].{line.side}")


def _lines_for_audit(lines: Sequence[tuple[Account, str, int]]) -> list[dict[str, Any]]:
    return [
        {
            "account": account.code,
            "side": side,
            "amount": format_amount(amount, account.currency),
            "currency": account.currency,
        }
        for account, side, amount in lines
    ]


def _deltas_for_lines(
    lines: Sequence[tuple[Account, str, int]], fields: list[str]
) -> dict[int, posting._Delta]:
    deltas: dict[int, posting._Delta] = {}
    for (account, side, amount), field in zip(lines, fields, strict=True):
        delta = deltas.setdefault(account.pk, posting._Delta(field=field))
        if side == Side.debit:
            delta.debits_posted += amount
        else:
            delta.credits_posted += amount
        # An overdraft is reported on the line that reduces the balance.
        if side != account.normal_side:
            delta.field = field
    return deltas


def _require_balanced(lines: Sequence[tuple[Account, str, int]]) -> None:
    sums: dict[str, int] = {}
    for account, side, amount in lines:
        sums[account.currency] = sums.get(account.currency, 0) + (
            amount if side == Side.debit else -amount
        )
    for currency in sorted(sums):
        if sums[currency] != 0:
            raise DomainError(LedgerError.entry_unbalanced, field="lines", currency=currency)


def entry_post(
    *,
    actor: Any,
    lines: Sequence[LineSpec],
    memo: str = "",
    effective_date: date | None = None,
    cause: models.Model | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Post a balanced entry of two or more lines; return it (or, on a replay, the first)."""
    if actor is not None:
        require_permission(actor, "ledger.post_entries")
    _check_lines(lines)
    if len(memo) > posting.MAX_MEMO_LENGTH:
        raise posting._invalid("memo")
    payload = {
        "lines": [[ln.account_id, ln.side, ln.amount_minor, ln.currency] for ln in lines],
        "memo": memo,
        "effective_date": effective_date,
        "cause": [cause._meta.label_lower, cause.pk] if cause is not None else None,
    }

    def once() -> JournalEntry:
        with service_atomic():
            claim = posting._claim(actor, idempotency_key, "ledger.entry_post", payload)
            if claim is not None and claim.is_replay:
                return posting._replayed(JournalEntry, claim)
            fields = [f"lines[{i}].account" for i in range(len(lines))]
            accounts = posting._lock_accounts(
                {field: ln.account_id for field, ln in zip(fields, lines, strict=True)}
            )
            resolved: list[tuple[Account, str, int]] = []
            amount_fields = []
            for i, ln in enumerate(lines):
                account = accounts[ln.account_id]
                posting._require_usable(account, f"lines[{i}].account")
                posting._require_currency(account, ln.currency, f"lines[{i}].currency")
                resolved.append((account, ln.side, ln.amount_minor))
                amount_fields.append(f"lines[{i}].{ln.side}")
            _require_balanced(resolved)
            posting._apply_totals(accounts, _deltas_for_lines(resolved, amount_fields))
            entry = posting._write_entry(
                actor=actor,
                lines=resolved,
                memo=memo,
                effective_date=effective_date or timezone.localdate(),
                cause=cause,
                reverses=None,
                idempotency_key=idempotency_key or "",
            )
            audit_record(
                actor=actor,
                action="ledger.entry_posted",
                target=entry,
                changes={"lines": [None, _lines_for_audit(resolved)], "memo": [None, memo]},
            )
            posting._complete(claim, entry)
            return entry

    return retrying(once)


def entry_reverse(
    *,
    actor: Any,
    entry_id: int,
    memo: str = "",
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Post the mirror image of an entry, linked to it; an entry is reversed at most once."""
    if actor is not None:
        require_permission(actor, "ledger.post_entries")
    payload = {"entry": entry_id, "memo": memo}

    def once() -> JournalEntry:
        with service_atomic():
            claim = posting._claim(actor, idempotency_key, "ledger.entry_reverse", payload)
            if claim is not None and claim.is_replay:
                return posting._replayed(JournalEntry, claim)
            original = JournalEntry.objects.filter(pk=entry_id).first()
            if original is None:
                raise DomainError(LedgerError.entry_not_found, field="entry")
            original_lines = list(original.lines.order_by("position"))
            accounts = posting._lock_accounts(
                {f"lines[{ln.position}].account": ln.account_id for ln in original_lines}
            )
            # Re-checked under the account locks, which every reversal of this entry takes.
            if JournalEntry.objects.filter(reverses=original).exists():
                raise DomainError(LedgerError.entry_already_reversed, field="entry")
            resolved: list[tuple[Account, str, int]] = []
            amount_fields = []
            for ln in original_lines:
                account = accounts[ln.account_id]
                posting._require_usable(account, f"lines[{ln.position}].account")
                side = Side.credit if ln.side == Side.debit else Side.debit
                resolved.append((account, side, ln.amount_minor))
                amount_fields.append(f"lines[{ln.position}].{side}")
            posting._apply_totals(accounts, _deltas_for_lines(resolved, amount_fields))
            entry = posting._write_entry(
                actor=actor,
                lines=resolved,
                memo=memo or f"Reversal of #{original.pk}",
                effective_date=timezone.localdate(),
                cause=original,
                reverses=original,
                idempotency_key=idempotency_key or "",
            )
            audit_record(
                actor=actor,
                action="ledger.entry_reversed",
                target=entry,
                changes={
                    "reverses": [None, original.pk],
                    "lines": [None, _lines_for_audit(resolved)],
                },
            )
            posting._complete(claim, entry)
            return entry

    return retrying(once)
