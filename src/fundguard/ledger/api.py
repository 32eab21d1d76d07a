"""``/api/v1/ledger/``: parse, call one service or selector, render. No rules live here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.core.permissions import require_permission
from fundguard.core.schemas import ObjectId
from fundguard.ledger import selectors, services
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.schemas import (
    AccountIn,
    AccountOut,
    EntryIn,
    EntryOut,
    HoldIn,
    HoldOut,
    HoldPostIn,
    ReverseIn,
    TrialBalanceOut,
    account_out,
    entry_out,
    hold_out,
)

router = Router(tags=["ledger"])

ERRORS = {400: dict[str, Any], 401: dict[str, Any], 403: dict[str, Any], 404: dict[str, Any]}
WRITE_ERRORS = {**ERRORS, 409: dict[str, Any], 422: dict[str, Any]}


def _idempotency_key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise DomainError(CoreError.idempotency_key_missing, field="Idempotency-Key")
    return key


def _amount(text: str, currency: str, field: str) -> int:
    try:
        return parse_amount(text, currency)
    except DomainError as exc:
        exc.field = field
        raise


def _entry(entry_id: int) -> dict[str, Any]:
    entry = selectors.entry_get(entry_id)
    return entry_out(entry, list(selectors.entry_lines(entry)), selectors.entry_reversal(entry))


@router.post("/accounts", response={201: AccountOut, **WRITE_ERRORS}, summary="Open an account")
def account_open(request: HttpRequest, payload: AccountIn) -> tuple[int, dict[str, Any]]:
    account = services.account_open(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        currency=payload.currency,
        allow_negative=payload.allow_negative,
    )
    return 201, account_out(account)


@router.get("/accounts", response=list[AccountOut], summary="The chart of accounts")
def account_list(request: HttpRequest) -> list[dict[str, Any]]:
    require_permission(request.user, "ledger.view_ledger")
    return [account_out(a) for a in selectors.account_list()[:1000]]


@router.get("/accounts/{account_id}", response={200: AccountOut, **ERRORS}, summary="An account")
def account_get(request: HttpRequest, account_id: ObjectId) -> dict[str, Any]:
    require_permission(request.user, "ledger.view_ledger")
    return account_out(selectors.account_get(account_id))


@router.post("/entries", response={201: EntryOut, **WRITE_ERRORS}, summary="Post an entry")
def entry_post(request: HttpRequest, payload: EntryIn) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "ledger.post_entries")
    key = _idempotency_key(request)
    currencies = selectors.account_currencies([line.account for line in payload.lines])
    specs = []
    for i, line in enumerate(payload.lines):
        if (line.debit is None) == (line.credit is None):
            raise DomainError(LedgerError.line_needs_one_side, field=f"lines[{i}]")
        if line.account not in currencies:
            raise DomainError(LedgerError.account_not_found, field=f"lines[{i}].account")
        side, text = ("debit", line.debit) if line.debit is not None else ("credit", line.credit)
        assert text is not None
        currency = line.currency or currencies[line.account]
        specs.append(
            services.LineSpec(
                account_id=line.account,
                side=side,
                amount_minor=_amount(text, currency, f"lines[{i}].{side}"),
                currency=line.currency,
            )
        )
    entry = services.entry_post(
        actor=request.user,
        lines=specs,
        memo=payload.memo,
        effective_date=payload.effective_date,
        idempotency_key=key,
    )
    return 201, _entry(entry.pk)


@router.get("/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="An entry")
def entry_get(request: HttpRequest, entry_id: ObjectId) -> dict[str, Any]:
    require_permission(request.user, "ledger.view_ledger")
    return _entry(entry_id)


@router.post(
    "/entries/{entry_id}/reverse",
    response={201: EntryOut, **WRITE_ERRORS},
    summary="Reverse an entry",
)
def entry_reverse(
    request: HttpRequest, entry_id: ObjectId, payload: ReverseIn | None = None
) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "ledger.post_entries")
    key = _idempotency_key(request)
    entry = services.entry_reverse(
        actor=request.user,
        entry_id=entry_id,
        memo=payload.memo if payload else "",
        idempotency_key=key,
    )
    return 201, _entry(entry.pk)


@router.post("/holds", response={201: HoldOut, **WRITE_ERRORS}, summary="Place a hold")
def hold_place(request: HttpRequest, payload: HoldIn) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "ledger.manage_holds")
    key = _idempotency_key(request)
    currencies = selectors.account_currencies([payload.debit_account])
    if payload.debit_account not in currencies:
        raise DomainError(LedgerError.account_not_found, field="debit_account")
    currency = payload.currency or currencies[payload.debit_account]
    hold = services.hold_place(
        actor=request.user,
        debit_account_id=payload.debit_account,
        credit_account_id=payload.credit_account,
        amount_minor=_amount(payload.amount, currency, "amount"),
        currency=payload.currency,
        memo=payload.memo,
        expires_at=payload.expires_at,
        idempotency_key=key,
    )
    return 201, hold_out(hold)


@router.get("/holds/{hold_id}", response={200: HoldOut, **ERRORS}, summary="A hold")
def hold_get(request: HttpRequest, hold_id: ObjectId) -> dict[str, Any]:
    require_permission(request.user, "ledger.view_ledger")
    return hold_out(selectors.hold_get(hold_id))


@router.post(
    "/holds/{hold_id}/post", response={200: HoldOut, **WRITE_ERRORS}, summary="Post a hold"
)
def hold_post(
    request: HttpRequest, hold_id: ObjectId, payload: HoldPostIn | None = None
) -> dict[str, Any]:
    require_permission(request.user, "ledger.manage_holds")
    key = _idempotency_key(request)
    amount_minor = None
    if payload is not None and payload.amount is not None:
        amount_minor = _amount(payload.amount, selectors.hold_get(hold_id).currency, "amount")
    hold = services.hold_post(
        actor=request.user, hold_id=hold_id, amount_minor=amount_minor, idempotency_key=key
    )
    return hold_out(hold)


@router.post(
    "/holds/{hold_id}/void", response={200: HoldOut, **WRITE_ERRORS}, summary="Void a hold"
)
def hold_void(request: HttpRequest, hold_id: ObjectId) -> dict[str, Any]:
    require_permission(request.user, "ledger.manage_holds")
    key = _idempotency_key(request)
    return hold_out(services.hold_void(actor=request.user, hold_id=hold_id, idempotency_key=key))


@router.get("/trial-balance", response=TrialBalanceOut, summary="Debits and credits per currency")
def trial_balance(request: HttpRequest) -> dict[str, Any]:
    require_permission(request.user, "ledger.view_ledger")

    return {
        "currencies": [
            {
                "currency": row.currency,
                "debits": format_amount(row.debits_minor, row.currency),
                "credits": format_amount(row.credits_minor, row.currency),
            }
            for row in selectors.trial_balance()
        ]
    }
