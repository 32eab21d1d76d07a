"""Opening accounts and moving them between open, frozen and closed."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import currency_exponent
from fundguard.core.permissions import require_permission
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import Account, AccountKind, AccountStatus, normal_side_of
from fundguard.ledger.services import posting


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
        raise posting._invalid("code")
    if not name or len(name) > 200:
        raise posting._invalid("name")
    if kind not in AccountKind.values:
        raise DomainError(LedgerError.account_kind_unknown, field="kind")
    currency_exponent(currency)

    def once() -> Account:
        with service_atomic():
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
        with service_atomic():
            account = posting._lock_accounts({"account": account_id})[account_id]
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
