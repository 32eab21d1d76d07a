"""Holds: reserve an amount in the pending totals, then post it, void it or let it expire.

``_lock_hold`` and ``_resolve`` are steps at module level, like those in ``posting``, so that the
failure-injection tests can replace each one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import format_amount
from fundguard.core.permissions import require_permission
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import Account, Hold, HoldStatus, Side
from fundguard.ledger.rows import row_insert, rows_by_id
from fundguard.ledger.services import posting


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
    posting._check_amount(amount_minor, "amount")
    if debit_account_id == credit_account_id:
        raise DomainError(LedgerError.hold_needs_two_accounts, field="credit_account")
    if len(memo) > posting.MAX_MEMO_LENGTH:
        raise posting._invalid("memo")
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
        with service_atomic():
            claim = posting._claim(actor, idempotency_key, "ledger.hold_place", payload)
            if claim is not None and claim.is_replay:
                return posting._replayed(Hold, claim)
            accounts = posting._lock_accounts(
                {"debit_account": debit_account_id, "credit_account": credit_account_id}
            )
            debit, credit = accounts[debit_account_id], accounts[credit_account_id]
            posting._require_usable(debit, "debit_account")
            posting._require_usable(credit, "credit_account")
            the_currency = posting._require_currency(debit, currency, "currency")
            if credit.currency != debit.currency:
                raise DomainError(LedgerError.currency_mismatch, field="credit_account")
            posting._apply_totals(
                accounts,
                {
                    debit.pk: posting._Delta(debits_pending=amount_minor, field="amount"),
                    credit.pk: posting._Delta(credits_pending=amount_minor, field="amount"),
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
            posting._complete(claim, hold)
            return hold

    return retrying(once)


_HOLD_FIELDS = tuple(f.attname for f in Hold._meta.concrete_fields if not f.primary_key)


def _lock_hold(hold_id: int) -> tuple[Hold, dict[int, Account]]:
    """Lock the hold's accounts (ascending id), then the hold; it must still be pending."""
    hold = rows_by_id(Hold, [hold_id], for_update=False).get(hold_id)
    if hold is None:
        raise DomainError(LedgerError.hold_not_found, field="hold")
    accounts = posting._lock_accounts(
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
        posting._check_amount(amount_minor, "amount")
    payload = {"hold": hold_id, "amount": amount_minor}

    def once() -> Hold:
        with service_atomic():
            claim = posting._claim(actor, idempotency_key, "ledger.hold_post", payload)
            if claim is not None and claim.is_replay:
                return posting._replayed(Hold, claim)
            hold, accounts = _lock_hold(hold_id)
            amount = hold.amount_minor if amount_minor is None else amount_minor
            if amount > hold.amount_minor:
                raise DomainError(LedgerError.hold_amount_exceeded, field="amount")
            debit, credit = accounts[hold.debit_account_id], accounts[hold.credit_account_id]
            posting._require_usable(debit, "debit_account")
            posting._require_usable(credit, "credit_account")
            posting._apply_totals(
                accounts,
                {
                    debit.pk: posting._Delta(
                        debits_pending=-hold.amount_minor, debits_posted=amount, field="amount"
                    ),
                    credit.pk: posting._Delta(
                        credits_pending=-hold.amount_minor, credits_posted=amount, field="amount"
                    ),
                },
            )
            lines = [(debit, str(Side.debit), amount), (credit, str(Side.credit), amount)]
            entry = posting._write_entry(
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
            posting._complete(claim, hold)
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
        with service_atomic():
            claim = posting._claim(actor, idempotency_key, f"ledger.hold_{to}", payload)
            if claim is not None and claim.is_replay:
                return posting._replayed(Hold, claim)
            hold, accounts = _lock_hold(hold_id)
            moment = now or timezone.now()
            if to == HoldStatus.expired and (hold.expires_at is None or hold.expires_at > moment):
                raise DomainError(LedgerError.hold_not_due, field="hold")
            posting._apply_totals(
                accounts,
                {
                    hold.debit_account_id: posting._Delta(
                        debits_pending=-hold.amount_minor, field="hold"
                    ),
                    hold.credit_account_id: posting._Delta(
                        credits_pending=-hold.amount_minor, field="hold"
                    ),
                },
            )
            before = hold.status
            _resolve(hold, status=to, resolved_at=moment)
            audit_record(
                actor=actor, action=action, target=hold, changes={"status": [before, str(to)]}
            )
            posting._complete(claim, hold)
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
