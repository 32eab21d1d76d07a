#!/usr/bin/env python
"""Transfers per second through ``entry_post`` vs plain-SQL inserts of the same rows.

Not a test. Runs against the database ``DATABASE_URL`` names (SQLite when unset), in a scratch
database created for the run and dropped after it (the test-database machinery, named
``<name>_bench``), so the real data is never touched.

    .venv/bin/python bench/ledger.py --quick
    DATABASE_URL=postgres://fundguard@127.0.0.1:55433/fundguard .venv/bin/python bench/ledger.py

Each transfer is its own transaction. The service path does everything a real posting does:
permission check, idempotency key, row locks, re-checks, entry + two lines, two account
updates, an audit record on the hash chain, the key's result. The raw path writes the same
rows with plain SQL in one transaction each, with no checks and no reads: the key (and, at the
end, its result), the entry, two lines, two account updates, an audit record whose ``changes``
carry the same lines as the service's, and the chain head (sequence and hash). Its hashes are
precomputed placeholders, so its figure is a lower bound on the cost of these rows. A second
raw figure leaves out the key and audit rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fundguard.settings")
os.environ.setdefault("FUNDGUARD_VAR_DIR", tempfile.mkdtemp(prefix="fg-bench-"))

import django  # noqa: E402


def _scratch_database() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(Path(os.environ["FUNDGUARD_VAR_DIR"]) / "bench.sqlite3")
    else:
        db["TEST"]["NAME"] = f"{db['NAME']}_bench"

    return connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)


def _setup(accounts_count: int) -> tuple[Any, list[int]]:
    from fundguard.core.services.users import user_create
    from fundguard.ledger.services import LineSpec, account_open, entry_post

    actor = user_create(actor=None, username="bench", role="operator", password=None).user
    source = account_open(
        actor=actor, code="SRC", name="source", kind="equity", currency="CNY", allow_negative=True
    )
    ids = []
    for i in range(accounts_count):
        account = account_open(
            actor=actor, code=f"C{i:05d}", name="customer", kind="liability", currency="CNY"
        )
        entry_post(
            actor=actor,
            lines=[
                LineSpec(source.pk, "debit", 10**12),
                LineSpec(account.pk, "credit", 10**12),
            ],
        )
        ids.append(account.pk)
    return actor, ids


def _pairs(ids: list[int], n: int, seed: int) -> list[tuple[int, int, int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.sample(ids, 2)
        out.append((a, b, rng.randint(1, 100_000)))
    return out


def _service(actor: Any, pairs: list[tuple[int, int, int]], tag: str) -> float:
    from fundguard.ledger.services import LineSpec, entry_post

    start = time.perf_counter()
    for n, (a, b, amount) in enumerate(pairs):
        entry_post(
            actor=actor,
            lines=[LineSpec(a, "debit", amount), LineSpec(b, "credit", amount)],
            memo="bench",
            idempotency_key=f"svc-{tag}-{n}",
        )
    return len(pairs) / (time.perf_counter() - start)


def _insert(c: Any, sql: str, params: list[Any], *, returning: bool) -> int:
    """Run an INSERT; return the new row's id."""
    if returning:
        c.execute(sql + " RETURNING id", params)
        return int(c.fetchone()[0])
    c.execute(sql, params)
    return int(c.lastrowid)


def _raw(pairs: list[tuple[int, int, int]], *, full: bool, tag: str) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    today = now.date()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_auditrecord")
        seq = cursor.fetchone()[0]
        cursor.execute("SELECT id, code FROM ledger_account")
        codes = dict(cursor.fetchall())
    returning = connection.features.can_return_columns_from_insert
    start = time.perf_counter()
    for n, (a, b, amount) in enumerate(pairs):
        with transaction.atomic(), connection.cursor() as c:
            if full:
                key_id = _insert(
                    c,
                    "INSERT INTO core_idempotencykey (principal_id, key, scope, fingerprint,"
                    " result_type, result_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [0, f"raw-{tag}-{n}", "bench", "0" * 64, "", None, now],
                    returning=returning,
                )
            entry_id = _insert(
                c,
                "INSERT INTO ledger_journalentry (memo, effective_date, booked_at, cause_id,"
                " idempotency_key, booked_by_id) VALUES (%s, %s, %s, '', '', NULL)",
                ["bench", today, now],
                returning=returning,
            )
            c.executemany(
                "INSERT INTO ledger_entryline (entry_id, position, account_id, side,"
                " amount_minor, currency) VALUES (%s, %s, %s, %s, %s, 'CNY')",
                [(entry_id, 0, a, "debit", amount), (entry_id, 1, b, "credit", amount)],
            )
            c.execute(
                "UPDATE ledger_account SET debits_posted = debits_posted + %s WHERE id = %s",
                [amount, a],
            )
            c.execute(
                "UPDATE ledger_account SET credits_posted = credits_posted + %s WHERE id = %s",
                [amount, b],
            )
            if full:
                seq += 1
                shown = f"{amount // 100}.{amount % 100:02d}"
                lines = [
                    {"account": codes[a], "side": "debit", "amount": shown, "currency": "CNY"},
                    {"account": codes[b], "side": "credit", "amount": shown, "currency": "CNY"},
                ]
                changes = {"lines": [None, lines], "memo": [None, "bench"]}
                c.execute(
                    "INSERT INTO audit_auditrecord (seq, occurred_at, actor_username, actor_role,"
                    " action, object_type, object_id, changes, request_id, client_ip, prev_hash,"
                    " hash) VALUES (%s, %s, 'bench', 'operator', 'ledger.entry_posted',"
                    " 'ledger.journalentry', %s, %s, '', '', %s, %s)",
                    [
                        seq,
                        now,
                        str(entry_id),
                        json.dumps(changes),
                        f"{seq - 1:064x}",
                        f"{seq:064x}",
                    ],
                )
                c.execute(
                    "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1",
                    [seq, f"{seq:064x}"],
                )
                c.execute(
                    "UPDATE core_idempotencykey SET result_type = %s, result_id = %s WHERE id = %s",
                    ["ledger.journalentry", entry_id, key_id],
                )
    return len(pairs) / (time.perf_counter() - start)


def _hordak(pairs: list[tuple[int, int, int]], accounts_count: int) -> float:
    """django-hordak (PostgreSQL/MySQL only) as a peer: ``Account.transfer_to`` per transfer."""
    from django.db import transaction
    from djmoney.money import Money
    from hordak.models import Account as HordakAccount

    accounts = [
        HordakAccount.objects.create(
            name=f"C{i}", code=f"{i:05d}", type=HordakAccount.TYPES.liability, currencies=["CNY"]
        )
        for i in range(accounts_count)
    ]
    by_index = {i: a for i, a in enumerate(accounts)}
    start = time.perf_counter()
    for a, b, amount in pairs:
        with transaction.atomic():
            by_index[a % accounts_count].transfer_to(
                by_index[b % accounts_count], Money(amount / 100, "CNY"), description="bench"
            )
    return len(pairs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run under a minute")
    parser.add_argument("--transfers", type=int, default=None)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument(
        "--hordak",
        metavar="PATH",
        help="also time django-hordak, installed under PATH (pip install --target PATH ...)",
    )
    args = parser.parse_args()
    transfers = args.transfers or (1_000 if args.quick else 5_000)

    if args.hordak:
        from django.conf import settings

        sys.path.insert(0, args.hordak)
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "mptt", "djmoney", "hordak"]
    django.setup()
    from django.db import connection

    from fundguard.ledger.checks import ledger_check

    name = _scratch_database()
    try:
        actor, ids = _setup(args.accounts)
        _service(actor, _pairs(ids, 50, seed=0), "warm")
        service_rate = _service(actor, _pairs(ids, transfers, seed=1), "run")
        raw_rate = _raw(_pairs(ids, transfers, seed=1), full=True, tag="full")
        raw_min_rate = _raw(_pairs(ids, transfers, seed=2), full=False, tag="min")
        hordak_rate = (
            _hordak(_pairs(ids, transfers, seed=3), args.accounts) if args.hordak else None
        )
        problems = [p for p in ledger_check() if p.check != "totals_match_lines"]
        print(f"database: {connection.vendor} ({name})")
        print(f"transfers per run: {transfers}, accounts: {args.accounts}")
        print(f"service entry_post: {service_rate:,.0f} transfers/s")
        print(f"raw SQL, same rows: {raw_rate:,.0f} transfers/s")
        print(f"raw SQL, entry + lines + totals only: {raw_min_rate:,.0f} transfers/s")
        print(f"ratio service/raw: {service_rate / raw_rate:.2f}")
        print(f"ratio service/raw minimal: {service_rate / raw_min_rate:.2f}")
        if hordak_rate is not None:
            print(f"django-hordak transfer_to: {hordak_rate:,.0f} transfers/s")
            print(f"ratio service/hordak: {service_rate / hordak_rate:.2f}")
        if problems:
            print("ledger check problems:", *problems, sep="\n  ")
    finally:
        _drop(name)


def _drop(name: str) -> None:
    from django.db import connection

    connection.close()
    if connection.vendor == "sqlite":
        Path(name).unlink(missing_ok=True)
        return
    connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
