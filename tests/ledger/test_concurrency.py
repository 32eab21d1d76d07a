"""The ledger under concurrent writers on PostgreSQL: separate processes, one test database.

Each test commits its set-up (``transactional_db``), forks its writers, releases them together
with a barrier, and checks the outcome against the acknowledged history.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

import pytest
from django.db import connection, transaction

from fundguard.core.errors import DomainError
from fundguard.ledger.checks import ledger_check
from fundguard.ledger.models import Account, Hold, HoldStatus, JournalEntry
from fundguard.ledger.services import (
    LineSpec,
    account_open,
    entry_post,
    hold_place,
    hold_post,
    hold_void,
)

from .processes import CTX, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WRITERS = 8
TRANSFERS_PER_WRITER = 500
READERS = 2
READER_PAUSE_SECONDS = 0.2
INITIAL_MINOR = 20_000


def _user(make_user: Any) -> Any:
    return make_user("operator")


def _open(actor: Any, code: str, currency: str, allow_negative: bool = False) -> Account:
    return account_open(
        actor=actor,
        code=code,
        name=code,
        kind="liability",
        currency=currency,
        allow_negative=allow_negative,
    )


def _pay(actor: Any, a: int, b: int, amount: int, key: str | None = None) -> int:
    return entry_post(
        actor=actor,
        lines=[LineSpec(a, "debit", amount), LineSpec(b, "credit", amount)],
        idempotency_key=key,
    ).pk


# --- the bank test -------------------------------------------------------------------------


def _bank(make_user: Any) -> tuple[Any, dict[str, list[int]], dict[int, int]]:
    """A source per currency; a few hot and many cold customer accounts, each funded."""
    actor = _user(make_user)
    accounts: dict[str, list[int]] = {}
    initial: dict[int, int] = {}
    for currency, hot, cold in (("CNY", 4, 40), ("USD", 2, 12)):
        source = _open(actor, f"SRC-{currency}", currency, allow_negative=True)
        ids = []
        for i in range(hot + cold):
            account = _open(actor, f"{currency}-{'H' if i < hot else 'C'}{i:03d}", currency)
            _pay(actor, source.pk, account.pk, INITIAL_MINOR)
            ids.append(account.pk)
            initial[account.pk] = INITIAL_MINOR
        initial[source.pk] = -INITIAL_MINOR * (hot + cold)
        accounts[currency] = ids
        accounts[f"{currency}-hot"] = ids[:hot]
    return actor, accounts, initial


def _writer(
    seed: int, actor: Any, accounts: dict[str, list[int]], count: int, finished: Any
) -> list[tuple[int, int, int, int]]:
    """Random transfers, half touching a hot account; returns the acknowledged ones."""
    rng = random.Random(seed)
    acknowledged = []
    try:
        for n in range(count):
            currency = rng.choice(["CNY", "CNY", "USD"])
            pool, hot = accounts[currency], accounts[f"{currency}-hot"]
            a = rng.choice(hot) if rng.random() < 0.5 else rng.choice(pool)
            b = rng.choice([x for x in (hot if rng.random() < 0.5 else pool) if x != a])
            amount = rng.randint(1, 6_000)
            try:
                entry_id = _pay(actor, a, b, amount, key=f"bank-{seed}-{n}")
            except DomainError as exc:
                assert exc.code == "insufficient_funds", exc.code  # noqa: PT017
                continue
            acknowledged.append((entry_id, a, b, amount))
    finally:
        with finished.get_lock():
            finished.value += 1
    return acknowledged


SNAPSHOT_SQL = {
    "sum": """
        SELECT currency, SUM(credits_posted - debits_posted), SUM(credits_pending - debits_pending)
        FROM ledger_account GROUP BY currency
        HAVING SUM(credits_posted - debits_posted) <> 0
            OR SUM(credits_pending - debits_pending) <> 0
    """,
    "negative": """
        SELECT code FROM ledger_account
        WHERE NOT allow_negative AND credits_posted - debits_posted - debits_pending < 0
    """,
    "lines": """
        SELECT a.code FROM ledger_account a
        LEFT JOIN (
            SELECT account_id,
                   SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE 0 END) AS d,
                   SUM(CASE WHEN side = 'credit' THEN amount_minor ELSE 0 END) AS c
            FROM ledger_entryline GROUP BY account_id
        ) l ON l.account_id = a.id
        WHERE a.debits_posted <> COALESCE(l.d, 0) OR a.credits_posted <> COALESCE(l.c, 0)
    """,
}


def _reader(writers: int, finished: Any) -> dict[str, Any]:
    """Check invariants in single REPEATABLE READ snapshots until the writers are done."""
    snapshots, violations = 0, []
    while True:
        last = finished.value >= writers
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for name, sql in SNAPSHOT_SQL.items():
                cursor.execute(sql)
                violations += [(name, row) for row in cursor.fetchall()]
        snapshots += 1
        time.sleep(READER_PAUSE_SECONDS)  # leave the two cores to the writers
        if last:
            return {"snapshots": snapshots, "violations": violations}


def _role(role: str, *args: Any) -> Any:
    return _writer(*args) if role == "writer" else _reader(*args)


def _bank_run(make_user: Any, *, locks_enabled: bool, per_writer: int) -> dict[str, Any]:
    actor, accounts, initial = _bank(make_user)
    entries_before = JournalEntry.objects.count()
    finished = CTX.Value("i", 0)
    args = [("writer", seed, actor, accounts, per_writer, finished) for seed in range(WRITERS)]
    args += [("reader", WRITERS, finished)] * READERS
    results = run_together(_role, args, locks_enabled=locks_enabled)
    acknowledged = [t for r in results[:WRITERS] for t in r]
    readers = results[WRITERS:]
    expected = dict(initial)
    for _, a, b, amount in acknowledged:
        expected[a] -= amount
        expected[b] += amount
    actual = {
        pk: cp - dp
        for pk, cp, dp in Account.objects.values_list("pk", "credits_posted", "debits_posted")
    }
    return {
        "acknowledged": acknowledged,
        "reader_violations": [v for r in readers for v in r["violations"]],
        "snapshots": sum(r["snapshots"] for r in readers),
        "replay_mismatches": {pk for pk in expected if expected[pk] != actual[pk]},
        "entries_written": JournalEntry.objects.count() - entries_before,
        "problems": ledger_check(),
    }


def test_the_bank_keeps_every_invariant_under_eight_concurrent_writers(make_user):
    run = _bank_run(make_user, locks_enabled=True, per_writer=TRANSFERS_PER_WRITER)
    assert run["snapshots"] >= READERS
    assert run["reader_violations"] == []
    assert run["replay_mismatches"] == set()
    assert run["entries_written"] == len(run["acknowledged"])
    assert run["problems"] == []
    # The test is only meaningful if most transfers went through and contended.
    assert len(run["acknowledged"]) > WRITERS * TRANSFERS_PER_WRITER // 2


def test_the_bank_test_sees_violations_when_row_locks_are_switched_off(
    make_user, broken_on_purpose
):
    """Negative control: without row locks, updates are lost; if nothing is seen, the bank
    test is blind."""
    run = _bank_run(make_user, locks_enabled=False, per_writer=150)
    seen = len(run["reader_violations"]) + len(run["replay_mismatches"]) + len(run["problems"])
    assert seen > 0, "the bank test is blind: no violation without row locks"


# --- races on one row ----------------------------------------------------------------------


def _debit(actor: Any, a: int, b: int, amount: int) -> str:
    try:
        _pay(actor, a, b, amount)
    except DomainError as exc:
        return exc.code
    return "ok"


def test_fifty_simultaneous_debits_of_1000_from_5000_let_exactly_five_through(make_user):
    actor = _user(make_user)
    source = _open(actor, "SRC", "CNY", allow_negative=True)
    payer, payee = _open(actor, "PAYER", "CNY"), _open(actor, "PAYEE", "CNY")
    _pay(actor, source.pk, payer.pk, 5_000)
    outcomes = run_together(_debit, [(actor, payer.pk, payee.pk, 1_000)] * 50)
    assert Counter(outcomes) == {"ok": 5, "insufficient_funds": 45}
    payer.refresh_from_db()
    assert payer.balance_minor == 0
    assert ledger_check() == []


def _resolve(actor: Any, hold_id: int, how: str) -> str:
    try:
        if how == "post":
            hold_post(actor=actor, hold_id=hold_id)
        else:
            hold_void(actor=actor, hold_id=hold_id)
    except DomainError as exc:
        return exc.code
    return how


def test_a_hold_resolved_by_sixteen_racers_has_exactly_one_winner(make_user):
    actor = _user(make_user)
    source = _open(actor, "SRC", "CNY", allow_negative=True)
    payer, payee = _open(actor, "PAYER", "CNY"), _open(actor, "PAYEE", "CNY")
    _pay(actor, source.pk, payer.pk, 5_000)
    hold = hold_place(
        actor=actor, debit_account_id=payer.pk, credit_account_id=payee.pk, amount_minor=3_000
    )
    outcomes = run_together(
        _resolve, [(actor, hold.pk, "post" if i % 2 else "void") for i in range(16)]
    )
    winners = [o for o in outcomes if o in {"post", "void"}]
    assert len(winners) == 1
    assert outcomes.count("hold_already_resolved") == 15
    hold.refresh_from_db()
    assert hold.status == (HoldStatus.posted if winners[0] == "post" else HoldStatus.voided)
    assert ledger_check() == []


def test_thirty_two_simultaneous_requests_with_one_key_make_one_entry(make_user):
    actor = _user(make_user)
    source = _open(actor, "SRC", "CNY", allow_negative=True)
    payer, payee = _open(actor, "PAYER", "CNY"), _open(actor, "PAYEE", "CNY")
    _pay(actor, source.pk, payer.pk, 5_000)
    before = JournalEntry.objects.count()
    ids = run_together(_pay, [(actor, payer.pk, payee.pk, 700, "the-one-key")] * 32)
    assert len(set(ids)) == 1
    assert JournalEntry.objects.count() == before + 1
    payer.refresh_from_db()
    assert payer.balance_minor == 4_300
    assert Hold.objects.count() == 0
    assert ledger_check() == []
