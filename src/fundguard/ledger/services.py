"""Every write to the ledger. Keyword-only functions, each in the same order:

1. check the permission (before the transaction, so that a denial's audit record survives);
2. validate the input that needs no database (line count, amounts, sides);
3. open ``transaction.atomic(durable=True)`` (``BEGIN IMMEDIATE`` on SQLite), claim the
   idempotency key (a replay returns the first result here and writes nothing);
4. lock the touched accounts in ascending id order, then the hold if there is one;
5. re-check status, currency and limits under the lock;
6. write the entry, lines and totals; record the audit event in the same transaction.

The rows of the posting path (account locks, totals, entry and lines, holds) are read and
written through ``rows.py``: the same statements as the ORM's, fewer of them, without its
per-statement cost (``docs/performance.md``).

The whole transaction is retried after a deadlock or serialization failure (``retrying``).
``actor`` None means the system (the expiry task, the CLI) and skips the permission check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.idempotency import Claim, idempotency_claim, idempotency_complete
from fundguard.core.locks import retrying
from fundguard.core.money import MoneyError, currency_exponent, format_amount
from fundguard.core.permissions import require_permission
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import (
    Account,
    AccountKind,
    AccountStatus,
    Hold,
    HoldStatus,
    JournalEntry,
    Side,
    normal_side_of,
)
from fundguard.ledger.rows import account_totals_write, lines_insert, row_insert, rows_by_id

M = TypeVar("M", bound=models.Model)

MAX_LINES = 100
# A limit on every amount keeps every running total far from the 64-bit edge.
LINE_AMOUNT_MAX_MINOR = 10**15
MAX_MEMO_LENGTH = 500
_SIDES = frozenset(Side.values)


@dataclass(frozen=True)
class LineSpec:
    """One requested line: ``currency`` None means "the account's currency"."""

    account_id: int
    side: str
    amount_minor: int
    currency: str | None = None


@dataclass
class _Delta:
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0
    field: str = ""


def _invalid(field: str) -> DomainError:
    return DomainError(CoreError.invalid_input, field=field)


# --- helpers (module-level so that the failure-injection tests can replace each step) ------


def _check_amount(amount_minor: int, field: str) -> None:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TypeError("amounts are integers in minor units")
    if amount_minor <= 0:
        raise DomainError(LedgerError.amount_not_positive, field=field)
    if amount_minor > LINE_AMOUNT_MAX_MINOR:
        raise DomainError(MoneyError.amount_too_large, field=field, text=str(amount_minor))


def _check_lines(lines: Sequence[LineSpec]) -> None:
    if len(lines) < 2:
        raise DomainError(LedgerError.entry_needs_two_lines, field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(LedgerError.entry_has_too_many_lines, field="lines")
    for i, line in enumerate(lines):
        if line.side not in _SIDES:
            raise DomainError(LedgerError.line_needs_one_side, field=f"lines[{i}]")
        _check_amount(line.amount_minor, f"lines[{i}].{line.side}")


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


def _deltas_for_lines(
    lines: Sequence[tuple[Account, str, int]], fields: list[str]
) -> dict[int, _Delta]:
    deltas: dict[int, _Delta] = {}
    for (account, side, amount), field in zip(lines, fields, strict=True):
        delta = deltas.setdefault(account.pk, _Delta(field=field))
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


# --- accounts --------------------------------------------------------------------------------


def account_open(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    currency: str,
    allow_negative: bool = False,
    owner: models.Model | None = None,
) -> Account:
    if actor is not None:
        require_permission(actor, "ledger.manage_accounts")
    code, name = code.strip(), name.strip()
    if not code or len(code) > 40:
        raise _invalid("code")
    if not name or len(name) > 200:
        raise _invalid("name")
    if kind not in AccountKind.values:
        raise DomainError(LedgerError.account_kind_unknown, field="kind")
    currency_exponent(currency)

    def once() -> Account:
        with transaction.atomic(durable=True):
            if Account.objects.filter(code=code).exists():
                raise DomainError(LedgerError.account_code_taken, field="code")
            account = Account.objects.create(
                code=code,
                name=name,
                kind=kind,
                currency=currency,
                normal_side=normal_side_of(kind),
                allow_negative=allow_negative,
                owner_type=ContentType.objects.get_for_model(owner) if owner else None,
                owner_id=str(owner.pk) if owner else "",
                opened_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="ledger.account_opened",
                target=account,
                changes={
                    "code": [None, code],
                    "kind": [None, kind],
                    "currency": [None, currency],
                    "allow_negative": [None, allow_negative],
                },
            )
            return account

    try:
        return retrying(once)
    except IntegrityError:
        # Another request opened this code between our check and our insert.
        raise DomainError(LedgerError.account_code_taken, field="code") from None


def _account_set_status(
    *, actor: Any, account_id: int, allowed_from: set[str], to: str, action: str
) -> Account:
    if actor is not None:
        require_permission(actor, "ledger.manage_accounts")

    def once() -> Account:
        with transaction.atomic(durable=True):
            account = _lock_accounts({"account": account_id})[account_id]
            before = account.status
            if before not in allowed_from:
                code = {
                    AccountStatus.closed: LedgerError.account_closed,
                    AccountStatus.frozen: LedgerError.account_frozen,
                }.get(AccountStatus(before), LedgerError.account_not_frozen)
                if to == AccountStatus.open:
                    code = (
                        LedgerError.account_closed
                        if before == AccountStatus.closed
                        else LedgerError.account_not_frozen
                    )
                raise DomainError(code, field="account")
            if to == AccountStatus.closed and (
                account.balance_minor != 0 or account.debits_pending or account.credits_pending
            ):
                raise DomainError(LedgerError.account_balance_not_zero, field="account")
            account.status = to
            Account.objects.filter(pk=account.pk).update(status=to)
            audit_record(
                actor=actor, action=action, target=account, changes={"status": [before, to]}
            )
            return account

    return retrying(once)


def account_freeze(*, actor: Any, account_id: int) -> Account:
    return _account_set_status(
        actor=actor,
        account_id=account_id,
        allowed_from={AccountStatus.open},
        to=AccountStatus.frozen,
        action="ledger.account_frozen",
    )


def account_unfreeze(*, actor: Any, account_id: int) -> Account:
    return _account_set_status(
        actor=actor,
        account_id=account_id,
        allowed_from={AccountStatus.frozen},
        to=AccountStatus.open,
        action="ledger.account_unfrozen",
    )


def account_close(*, actor: Any, account_id: int) -> Account:
    return _account_set_status(
        actor=actor,
        account_id=account_id,
        allowed_from={AccountStatus.open, AccountStatus.frozen},
        to=AccountStatus.closed,
        action="ledger.account_closed",
    )


# --- entries ---------------------------------------------------------------------------------


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
    if len(memo) > MAX_MEMO_LENGTH:
        raise _invalid("memo")
    payload = {
        "lines": [[ln.account_id, ln.side, ln.amount_minor, ln.currency] for ln in lines],
        "memo": memo,
        "effective_date": effective_date,
        "cause": [cause._meta.label_lower, cause.pk] if cause is not None else None,
    }

    def once() -> JournalEntry:
        with transaction.atomic(durable=True):
            claim = _claim(actor, idempotency_key, "ledger.entry_post", payload)
            if claim is not None and claim.is_replay:
                return _replayed(JournalEntry, claim)
            fields = [f"lines[{i}].account" for i in range(len(lines))]
            accounts = _lock_accounts(
                {field: ln.account_id for field, ln in zip(fields, lines, strict=True)}
            )
            resolved: list[tuple[Account, str, int]] = []
            amount_fields = []
            for i, ln in enumerate(lines):
                account = accounts[ln.account_id]
                _require_usable(account, f"lines[{i}].account")
                _require_currency(account, ln.currency, f"lines[{i}].currency")
                resolved.append((account, ln.side, ln.amount_minor))
                amount_fields.append(f"lines[{i}].{ln.side}")
            _require_balanced(resolved)
            _apply_totals(accounts, _deltas_for_lines(resolved, amount_fields))
            entry = _write_entry(
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
            _complete(claim, entry)
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
        with transaction.atomic(durable=True):
            claim = _claim(actor, idempotency_key, "ledger.entry_reverse", payload)
            if claim is not None and claim.is_replay:
                return _replayed(JournalEntry, claim)
            original = JournalEntry.objects.filter(pk=entry_id).first()
            if original is None:
                raise DomainError(LedgerError.entry_not_found, field="entry")
            original_lines = list(original.lines.order_by("position"))
            accounts = _lock_accounts(
                {f"lines[{ln.position}].account": ln.account_id for ln in original_lines}
            )
            # Re-checked under the account locks, which every reversal of this entry takes.
            if JournalEntry.objects.filter(reverses=original).exists():
                raise DomainError(LedgerError.entry_already_reversed, field="entry")
            resolved: list[tuple[Account, str, int]] = []
            amount_fields = []
            for ln in original_lines:
                account = accounts[ln.account_id]
                _require_usable(account, f"lines[{ln.position}].account")
                side = Side.credit if ln.side == Side.debit else Side.debit
                resolved.append((account, side, ln.amount_minor))
                amount_fields.append(f"lines[{ln.position}].{side}")
            _apply_totals(accounts, _deltas_for_lines(resolved, amount_fields))
            entry = _write_entry(
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
            _complete(claim, entry)
            return entry

    return retrying(once)


# --- holds -----------------------------------------------------------------------------------


def hold_place(
    *,
    actor: Any,
    debit_account_id: int,
    credit_account_id: int,
    amount_minor: int,
    currency: str | None = None,
    memo: str = "",
    expires_at: datetime | None = None,
    now: datetime | None = None,
    cause: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Hold:
    """Reserve ``amount_minor`` in the pending totals of both accounts after checking funds."""
    if actor is not None:
        require_permission(actor, "ledger.manage_holds")
    _check_amount(amount_minor, "amount")
    if debit_account_id == credit_account_id:
        raise DomainError(LedgerError.hold_needs_two_accounts, field="credit_account")
    if len(memo) > MAX_MEMO_LENGTH:
        raise _invalid("memo")
    placed_at = now or timezone.now()
    if expires_at is not None and expires_at <= placed_at:
        raise DomainError(LedgerError.hold_expiry_in_past, field="expires_at")
    payload = {
        "debit_account": debit_account_id,
        "credit_account": credit_account_id,
        "amount": amount_minor,
        "currency": currency,
        "memo": memo,
        "expires_at": expires_at,
        "cause": [cause._meta.label_lower, cause.pk] if cause is not None else None,
    }

    def once() -> Hold:
        with transaction.atomic(durable=True):
            claim = _claim(actor, idempotency_key, "ledger.hold_place", payload)
            if claim is not None and claim.is_replay:
                return _replayed(Hold, claim)
            accounts = _lock_accounts(
                {"debit_account": debit_account_id, "credit_account": credit_account_id}
            )
            debit, credit = accounts[debit_account_id], accounts[credit_account_id]
            _require_usable(debit, "debit_account")
            _require_usable(credit, "credit_account")
            the_currency = _require_currency(debit, currency, "currency")
            if credit.currency != debit.currency:
                raise DomainError(LedgerError.currency_mismatch, field="credit_account")
            _apply_totals(
                accounts,
                {
                    debit.pk: _Delta(debits_pending=amount_minor, field="amount"),
                    credit.pk: _Delta(credits_pending=amount_minor, field="amount"),
                },
            )
            hold = Hold(
                debit_account=debit,
                credit_account=credit,
                amount_minor=amount_minor,
                currency=the_currency,
                memo=memo,
                status=HoldStatus.pending,
                placed_at=placed_at,
                expires_at=expires_at,
                cause_type=ContentType.objects.get_for_model(cause) if cause else None,
                cause_id=str(cause.pk) if cause else "",
                idempotency_key=idempotency_key or "",
            )
            row_insert(hold, _HOLD_FIELDS)
            audit_record(
                actor=actor,
                action="ledger.hold_placed",
                target=hold,
                changes={
                    "debit_account": [None, debit.code],
                    "credit_account": [None, credit.code],
                    "amount": [None, format_amount(amount_minor, the_currency)],
                    "currency": [None, the_currency],
                },
            )
            _complete(claim, hold)
            return hold

    return retrying(once)


_HOLD_FIELDS = tuple(f.attname for f in Hold._meta.concrete_fields if not f.primary_key)


def _lock_hold(hold_id: int) -> tuple[Hold, dict[int, Account]]:
    """Lock the hold's accounts (ascending id), then the hold; it must still be pending."""
    hold = rows_by_id(Hold, [hold_id], for_update=False).get(hold_id)
    if hold is None:
        raise DomainError(LedgerError.hold_not_found, field="hold")
    accounts = _lock_accounts(
        {"debit_account": hold.debit_account_id, "credit_account": hold.credit_account_id}
    )
    hold = rows_by_id(Hold, [hold_id], for_update=True)[hold_id]
    if not hold.is_pending:
        raise DomainError(LedgerError.hold_already_resolved, field="hold")
    return hold, accounts


def _resolve(hold: Hold, **values: Any) -> None:
    """Move the hold out of ``pending``: a conditional UPDATE, so it happens exactly once."""
    changed = Hold.objects.filter(pk=hold.pk, status=HoldStatus.pending).update(**values)
    if changed != 1:
        raise DomainError(LedgerError.hold_already_resolved, field="hold")
    for name, value in values.items():
        setattr(hold, name, value)


def hold_post(
    *,
    actor: Any,
    hold_id: int,
    amount_minor: int | None = None,
    idempotency_key: str | None = None,
) -> Hold:
    """Post the hold in full, or ``amount_minor`` of it and release the rest."""
    if actor is not None:
        require_permission(actor, "ledger.manage_holds")
    if amount_minor is not None:
        _check_amount(amount_minor, "amount")
    payload = {"hold": hold_id, "amount": amount_minor}

    def once() -> Hold:
        with transaction.atomic(durable=True):
            claim = _claim(actor, idempotency_key, "ledger.hold_post", payload)
            if claim is not None and claim.is_replay:
                return _replayed(Hold, claim)
            hold, accounts = _lock_hold(hold_id)
            amount = hold.amount_minor if amount_minor is None else amount_minor
            if amount > hold.amount_minor:
                raise DomainError(LedgerError.hold_amount_exceeded, field="amount")
            debit, credit = accounts[hold.debit_account_id], accounts[hold.credit_account_id]
            _require_usable(debit, "debit_account")
            _require_usable(credit, "credit_account")
            _apply_totals(
                accounts,
                {
                    debit.pk: _Delta(
                        debits_pending=-hold.amount_minor, debits_posted=amount, field="amount"
                    ),
                    credit.pk: _Delta(
                        credits_pending=-hold.amount_minor, credits_posted=amount, field="amount"
                    ),
                },
            )
            lines = [(debit, str(Side.debit), amount), (credit, str(Side.credit), amount)]
            entry = _write_entry(
                actor=actor,
                lines=lines,
                memo=hold.memo,
                effective_date=timezone.localdate(),
                cause=hold,
                reverses=None,
                idempotency_key=idempotency_key or "",
            )
            before = hold.status
            _resolve(
                hold,
                status=HoldStatus.posted,
                resolved_at=timezone.now(),
                posted_amount_minor=amount,
                entry=entry,
            )
            audit_record(
                actor=actor,
                action="ledger.hold_posted",
                target=hold,
                changes={
                    "status": [before, hold.status],
                    "posted_amount": [None, format_amount(amount, hold.currency)],
                    "entry": [None, entry.pk],
                },
            )
            _complete(claim, hold)
            return hold

    return retrying(once)


def _hold_release(
    *,
    actor: Any,
    hold_id: int,
    to: HoldStatus,
    action: str,
    now: datetime | None,
    idempotency_key: str | None,
) -> Hold:
    payload = {"hold": hold_id, "to": str(to)}

    def once() -> Hold:
        with transaction.atomic(durable=True):
            claim = _claim(actor, idempotency_key, f"ledger.hold_{to}", payload)
            if claim is not None and claim.is_replay:
                return _replayed(Hold, claim)
            hold, accounts = _lock_hold(hold_id)
            moment = now or timezone.now()
            if to == HoldStatus.expired and (hold.expires_at is None or hold.expires_at > moment):
                raise DomainError(LedgerError.hold_not_due, field="hold")
            _apply_totals(
                accounts,
                {
                    hold.debit_account_id: _Delta(debits_pending=-hold.amount_minor, field="hold"),
                    hold.credit_account_id: _Delta(
                        credits_pending=-hold.amount_minor, field="hold"
                    ),
                },
            )
            before = hold.status
            _resolve(hold, status=to, resolved_at=moment)
            audit_record(
                actor=actor, action=action, target=hold, changes={"status": [before, str(to)]}
            )
            _complete(claim, hold)
            return hold

    return retrying(once)


def hold_void(*, actor: Any, hold_id: int, idempotency_key: str | None = None) -> Hold:
    """Release the whole hold; nothing is posted."""
    if actor is not None:
        require_permission(actor, "ledger.manage_holds")
    return _hold_release(
        actor=actor,
        hold_id=hold_id,
        to=HoldStatus.voided,
        action="ledger.hold_voided",
        now=None,
        idempotency_key=idempotency_key,
    )


def hold_expire(*, actor: Any = None, hold_id: int, now: datetime | None = None) -> Hold:
    """Release a hold whose ``expires_at`` has passed (``now`` lets tests control the clock)."""
    if actor is not None:
        require_permission(actor, "ledger.manage_holds")
    return _hold_release(
        actor=actor,
        hold_id=hold_id,
        to=HoldStatus.expired,
        action="ledger.hold_expired",
        now=now,
        idempotency_key=None,
    )


def holds_expire_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Expire up to ``limit`` pending holds that are due; return how many this call expired."""
    moment = now or timezone.now()
    due = list(
        Hold.objects.filter(status=HoldStatus.pending, expires_at__lte=moment)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for hold_id in due:
        try:
            hold_expire(actor=None, hold_id=hold_id, now=moment)
        except DomainError as exc:
            if exc.code != LedgerError.hold_already_resolved:
                raise
            continue
        expired += 1
    return expired
