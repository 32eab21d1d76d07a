"""Demo ledger for the embedded mode, loaded idempotently by ``fundguard demo``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from fundguard.ledger.models import Account, Hold
from fundguard.ledger.services import LineSpec, account_open, entry_post, hold_place

DEMO_ACCOUNTS: list[tuple[str, str, str, str, bool]] = [
    # code, name, kind, currency, allow_negative
    ("1001-CNY", "Bank of China settlement account", "asset", "CNY", False),
    ("2001-CNY-ZHANG", "Customer funds: Zhang Wei", "liability", "CNY", False),
    ("2001-CNY-LI", "Customer funds: Li Na", "liability", "CNY", False),
    ("3001-CNY", "Owner's equity", "equity", "CNY", False),
    ("4001-CNY", "Fee income", "income", "CNY", False),
    ("1002-USD", "Nostro account (USD)", "asset", "USD", False),
    ("2001-USD-ACME", "Customer funds: Acme Trading Ltd", "liability", "USD", False),
]


def ledger_demo_load(*, actor: User | None = None) -> list[Account]:
    """Open the demo accounts, post a few entries and place one hold, once.

    ``actor`` defaults to the demo ``operator`` (or the system if there is none).
    """
    actor = actor or User.objects.filter(username="operator").first()
    existing = {a.code: a for a in Account.objects.filter(code__in=[d[0] for d in DEMO_ACCOUNTS])}
    accounts = dict(existing)
    for code, name, kind, currency, allow_negative in DEMO_ACCOUNTS:
        if code not in accounts:
            accounts[code] = account_open(
                actor=actor,
                code=code,
                name=name,
                kind=kind,
                currency=currency,
                allow_negative=allow_negative,
            )

    def post(key: str, memo: str, debit: str, credit: str, amount_minor: int) -> None:
        entry_post(
            actor=actor,
            lines=[
                LineSpec(accounts[debit].pk, "debit", amount_minor),
                LineSpec(accounts[credit].pk, "credit", amount_minor),
            ],
            memo=memo,
            idempotency_key=key,
        )

    # Idempotency keys make every step safe to run again.
    post("demo-capital", "Paid-in capital", "1001-CNY", "3001-CNY", 50_000_000)
    post("demo-deposit-zhang", "Deposit from Zhang Wei", "1001-CNY", "2001-CNY-ZHANG", 1_200_000)
    post("demo-deposit-li", "Deposit from Li Na", "1001-CNY", "2001-CNY-LI", 350_000)
    post("demo-fee-zhang", "Account fee", "2001-CNY-ZHANG", "4001-CNY", 2_500)
    post("demo-deposit-acme", "Deposit from Acme Trading", "1002-USD", "2001-USD-ACME", 2_500_000)
    if not Hold.objects.filter(idempotency_key="demo-hold-zhang").exists():
        hold_place(
            actor=actor,
            debit_account_id=accounts["2001-CNY-ZHANG"].pk,
            credit_account_id=accounts["2001-CNY-LI"].pk,
            amount_minor=140_950,
            memo="Transfer to Li Na awaiting approval",
            expires_at=timezone.now() + timedelta(days=7),
            idempotency_key="demo-hold-zhang",
        )
    return [accounts[d[0]] for d in DEMO_ACCOUNTS]
