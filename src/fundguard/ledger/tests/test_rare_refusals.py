"""Refusals and reports that ordinary traffic seldom reaches: races lost between a check and a
write, corrupt states the checks must name, and the smaller API reads.

Corrupt states are made inside a savepoint that is rolled back before the test ends, so the
ledger checks that run after every test still see a sound ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.core.idempotency import idempotency_claim
from fundguard.core.models import IdempotencyKey
from fundguard.ledger import checks, selectors, services
from fundguard.ledger.models import Account, EntryLine, Hold, HoldStatus, JournalEntry
from fundguard.ledger.services import LineSpec, accounts, holds
from fundguard.ledger.templatetags.ledger import amount
from fundguard.ledger.tests.conftest import snapshot
from fundguard.ledger.tests.test_api import BASE, post

pytestmark = pytest.mark.django_db


@contextmanager
def corrupted() -> Iterator[None]:
    """Run the block in a savepoint that is always rolled back."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


# Per database: the statements that suspend a CHECK constraint, and those that end it. The
# table's constraint comes back with the savepoint's rollback on PostgreSQL, which alters no
# table while deferred foreign-key checks are pending (hence IMMEDIATE first).
SUSPEND_CHECK = {
    "sqlite": (
        ["PRAGMA ignore_check_constraints = ON"],
        ["PRAGMA ignore_check_constraints = OFF"],
    ),
    "postgresql": (
        ["SET CONSTRAINTS ALL IMMEDIATE", "ALTER TABLE {table} DROP CONSTRAINT {constraint}"],
        ["SET CONSTRAINTS ALL DEFERRED"],
    ),
}


@contextmanager
def check_constraints_suspended(table: str, constraint: str) -> Iterator[None]:
    """Let the block write what a CHECK constraint refuses (inside ``corrupted()`` only)."""
    suspend, resume = SUSPEND_CHECK[connection.vendor]
    with connection.cursor() as cursor:
        for sql in suspend:
            cursor.execute(sql.format(table=table, constraint=constraint))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in resume:
                cursor.execute(sql)


def _pay(actor, a, b, amount_minor, key=None):
    return services.entry_post(
        actor=actor,
        lines=[LineSpec(a.pk, "debit", amount_minor), LineSpec(b.pk, "credit", amount_minor)],
        idempotency_key=key,
    )


# --- idempotency -----------------------------------------------------------------------------


def test_a_key_is_claimed_only_inside_the_services_transaction(operator):
    # Given a connection outside any transaction (pytest wraps each test in one, so the flag
    # is lowered by hand for the call)
    real = connections[DEFAULT_DB_ALIAS]
    real.in_atomic_block = False
    try:
        # When a key is claimed, Then it is refused before anything is written
        with pytest.raises(RuntimeError, match="inside the service's transaction"):
            idempotency_claim(actor=operator, key="k", scope="s", payload={})
    finally:
        real.in_atomic_block = True
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 201, "tab\there"])
def test_an_empty_long_or_unprintable_key_is_refused(operator, funded, open_account, key):
    customer, payee = funded(5_000), open_account("liability")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        _pay(operator, customer, payee, 100, key)
    assert (refused.value.code, refused.value.field) == (
        "idempotency_key_missing",
        "Idempotency-Key",
    )
    assert snapshot() == before
    assert not IdempotencyKey.objects.filter(key=key).exists()


def test_a_claimed_key_remembers_its_result_and_a_replay_reads_it(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    entry = _pay(operator, customer, payee, 100, "remember")
    row = IdempotencyKey.objects.get(principal_id=operator.pk, key="remember")
    assert (row.scope, row.result_type, row.result_id) == (
        "ledger.entry_post",
        "ledger.journalentry",
        entry.pk,
    )
    assert row.created_at is not None
    with transaction.atomic():
        claim = idempotency_claim(
            actor=operator,
            key="remember",
            scope="ledger.entry_post",
            payload={
                "lines": [[customer.pk, "debit", 100, None], [payee.pk, "credit", 100, None]],
                "memo": "",
                "effective_date": None,
                "cause": None,
            },
        )
    assert (claim.is_replay, claim.result_id) == (True, entry.pk)


def test_a_reversal_replayed_returns_the_first_reversal(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    entry = _pay(operator, customer, payee, 100)
    first = services.entry_reverse(actor=operator, entry_id=entry.pk, idempotency_key="rev")
    before = snapshot()
    again = services.entry_reverse(actor=operator, entry_id=entry.pk, idempotency_key="rev")
    assert again.pk == first.pk
    assert again.reverses_id == entry.pk
    assert snapshot() == before


# --- what the posting path writes ------------------------------------------------------------


def test_a_posting_returns_a_saved_entry_whose_rows_match_the_request(
    operator, funded, open_account
):
    customer, payee = funded(5_000), open_account("liability")
    entry = _pay(operator, customer, payee, 1_234, "rows")
    assert not entry._state.adding
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert (stored.booked_by_id, stored.idempotency_key, stored.memo) == (operator.pk, "rows", "")
    assert stored.booked_at == entry.booked_at
    lines = list(
        EntryLine.objects.filter(entry=entry).values_list("position", "account_id", "side")
    )
    assert lines == [(0, customer.pk, "debit"), (1, payee.pk, "credit")]
    customer.refresh_from_db()
    payee.refresh_from_db()
    assert customer.balance_minor == 5_000 - 1_234
    assert payee.balance_minor == 1_234
    record = AuditRecord.objects.order_by("-seq").first()
    assert record is not None
    assert (record.action, record.object_id, record.actor_role) == (
        "ledger.entry_posted",
        str(entry.pk),
        "operator",
    )


def test_a_hold_returned_by_hold_place_is_the_stored_hold(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    expires = timezone.now() + timedelta(hours=1)
    hold = services.hold_place(
        actor=operator,
        debit_account_id=customer.pk,
        credit_account_id=payee.pk,
        amount_minor=700,
        memo="reserve",
        expires_at=expires,
    )
    stored = Hold.objects.get(pk=hold.pk)
    assert (stored.status, stored.amount_minor, stored.memo, stored.expires_at) == (
        HoldStatus.pending,
        700,
        "reserve",
        expires,
    )
    assert (hold.status, hold.posted_amount_minor, hold.resolved_at) == ("pending", 0, None)
    services.hold_void(actor=operator, hold_id=hold.pk)


def test_an_account_read_under_lock_keeps_its_types(operator, open_account):
    # SQLite stores booleans and datetimes as numbers and text; the lean reads convert them.
    account = open_account("liability", allow_negative=True)
    services.account_freeze(actor=operator, account_id=account.pk)
    frozen = services.account_unfreeze(actor=operator, account_id=account.pk)
    assert frozen.allow_negative is True
    assert frozen.opened_at == Account.objects.get(pk=account.pk).opened_at
    assert frozen.opened_at.tzinfo is not None


# --- races lost between a check and a write --------------------------------------------------


def test_an_account_code_taken_between_check_and_insert_is_refused(monkeypatch, operator):
    # Given another request that opens the same code after our check (simulated here by
    # writing its row when our service works out the normal side, just before its insert)
    real = accounts.normal_side_of

    def rival_first(kind):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_account (code, name, kind, currency, normal_side, owner_id,"
                " allow_negative, status, debits_posted, credits_posted, debits_pending,"
                " credits_pending, opened_at) VALUES ('RACE', 'rival', 'liability', 'CNY',"
                " 'credit', '', %s, 'open', 0, 0, 0, 0, %s)",
                [False, timezone.now()],
            )
        return real(kind)

    monkeypatch.setattr(accounts, "normal_side_of", rival_first)
    # When we open it, Then it is account_code_taken (not a bare IntegrityError)
    with pytest.raises(DomainError) as refused:
        services.account_open(
            actor=operator, code="RACE", name="mine", kind="liability", currency="CNY"
        )
    assert (refused.value.code, refused.value.field) == ("account_code_taken", "code")


def test_a_hold_resolved_behind_the_lock_is_not_resolved_twice(
    monkeypatch, operator, funded, open_account
):
    customer, payee = funded(5_000), open_account("liability")
    hold = services.hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=70
    )
    before = snapshot()
    real = holds._lock_hold

    def then_someone_voids(hold_id):
        locked = real(hold_id)
        Hold.objects.filter(pk=hold_id).update(status=HoldStatus.voided, resolved_at=timezone.now())
        return locked

    monkeypatch.setattr(holds, "_lock_hold", then_someone_voids)
    with pytest.raises(DomainError) as refused:
        services.hold_post(actor=operator, hold_id=hold.pk)
    assert refused.value.code == "hold_already_resolved"
    assert snapshot() == before
    monkeypatch.undo()
    services.hold_void(actor=operator, hold_id=hold.pk)


def _hold_due_in_a_minute(operator, customer, payee):
    moment = timezone.now()
    hold = services.hold_place(
        actor=operator,
        debit_account_id=customer.pk,
        credit_account_id=payee.pk,
        amount_minor=70,
        expires_at=moment + timedelta(minutes=1),
        now=moment,
    )
    return hold, moment


def test_an_unexpected_refusal_while_expiring_is_not_swallowed(
    monkeypatch, operator, funded, open_account
):
    hold, moment = _hold_due_in_a_minute(operator, funded(5_000), open_account("liability"))

    def refuse(**_):
        raise DomainError(holds.LedgerError.account_frozen, field="account")

    monkeypatch.setattr(holds, "hold_expire", refuse)
    with pytest.raises(DomainError) as refused:
        services.holds_expire_due(now=moment + timedelta(minutes=2))
    assert refused.value.code == "account_frozen"
    monkeypatch.undo()
    services.hold_void(actor=operator, hold_id=hold.pk)


def test_a_person_may_expire_a_due_hold_and_is_recorded(operator, funded, open_account):
    hold, moment = _hold_due_in_a_minute(operator, funded(5_000), open_account("liability"))
    expired = services.hold_expire(
        actor=operator, hold_id=hold.pk, now=moment + timedelta(minutes=2)
    )
    assert expired.status == HoldStatus.expired
    assert selectors.holds_due_count(now=moment + timedelta(minutes=2)) == 0
    record = AuditRecord.objects.order_by("-seq").first()
    assert record is not None
    assert (record.action, record.actor_username) == ("ledger.hold_expired", operator.username)


def test_an_auditor_may_not_expire_a_hold(make_user, operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    hold = services.hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=70
    )
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.hold_expire(actor=make_user("auditor"), hold_id=hold.pk)
    assert refused.value.code == "permission_denied"
    assert snapshot()["holds"] == before["holds"]
    services.hold_void(actor=operator, hold_id=hold.pk)


# --- the checks name corrupt states ----------------------------------------------------------


def test_unbalanced_pending_totals_are_named(operator, open_account):
    bank = open_account("asset")
    with corrupted():
        Account.objects.filter(pk=bank.pk).update(debits_pending=5)
        problems = [str(p) for p in checks.currencies_sum_to_zero()]
        assert problems == ["currencies_sum_to_zero: CNY: pending debits 5 != credits 0"]


def test_a_posted_hold_whose_entry_differs_is_named(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    hold = services.hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=70
    )
    services.hold_post(actor=operator, hold_id=hold.pk, amount_minor=50)
    with corrupted():
        Hold.objects.filter(pk=hold.pk).update(posted_amount_minor=60)
        assert [str(p) for p in checks.holds_legal()] == [
            f"holds_legal: hold #{hold.pk}: entry does not match"
        ]


def test_a_posted_amount_beyond_the_hold_is_named(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    hold = services.hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=70
    )
    services.hold_post(actor=operator, hold_id=hold.pk, amount_minor=50)
    with (
        corrupted(),
        check_constraints_suspended("ledger_hold", "ledger_hold_resolution_consistent"),
    ):
        Hold.objects.filter(pk=hold.pk).update(amount_minor=40)
        assert f"holds_legal: hold #{hold.pk}: posted amount out of range" in [
            str(p) for p in checks.holds_legal()
        ]


def test_a_reversal_that_is_not_the_mirror_is_named(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    entry = _pay(operator, customer, payee, 100)
    with corrupted():
        # A "reversal" that repeats the original instead of mirroring it (entries and lines
        # may be inserted; only UPDATE and DELETE are refused).
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_journalentry (memo, effective_date, booked_at, cause_id,"
                " reverses_id, idempotency_key) VALUES ('not a mirror', %s, %s, '', %s, '')",
                [entry.effective_date, timezone.now(), entry.pk],
            )
        reversal = JournalEntry.objects.get(reverses=entry)
        EntryLine.objects.bulk_create(
            EntryLine(
                entry=reversal, position=i, account=a, side=side, amount_minor=100, currency="CNY"
            )
            for i, (a, side) in enumerate([(customer, "debit"), (payee, "credit")])
        )
        assert [str(p) for p in checks.reversals_mirror()] == [
            f"reversals_mirror: entry #{reversal.pk}: not the mirror of its original"
        ]


# --- small reads -----------------------------------------------------------------------------


def test_ledger_rows_name_themselves(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability", code="PAYEE")
    entry = _pay(operator, customer, payee, 100)
    entry = JournalEntry.objects.get(pk=entry.pk)
    line = EntryLine.objects.get(entry=entry, position=1)
    hold = services.hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=7
    )
    assert str(payee) == "PAYEE Test liability"
    assert payee.is_open
    assert str(entry) == f"#{entry.pk} "
    assert str(line) == f"credit 100 CNY on {payee.pk}"
    assert str(hold) == f"hold #{hold.pk} 7 CNY (pending)"
    services.hold_void(actor=operator, hold_id=hold.pk)


def test_an_unknown_hold_is_hold_not_found():
    with pytest.raises(DomainError) as refused:
        selectors.hold_get(999_999)
    assert (refused.value.code, refused.value.field) == ("hold_not_found", "hold")


def test_the_amount_filter_shows_nothing_for_no_amount():
    assert amount(None, "CNY") == ""
    assert amount(140950, "CNY") == "1409.50"


def test_the_api_lists_the_chart_of_accounts_and_reads_a_hold(client, make_user, bearer):
    headers = bearer(make_user("integration"))
    ids = {}
    for code, kind in (("BANK", "asset"), ("ALICE", "liability")):
        r = post(
            client,
            "/accounts",
            {"code": code, "name": code.title(), "kind": kind, "currency": "CNY"},
            headers,
        )
        ids[code] = r.json()["id"]
    listed = client.get(f"{BASE}/accounts", headers=headers).json()
    assert [a["code"] for a in listed] == ["ALICE", "BANK"]
    r = post(
        client,
        "/holds",
        {"debit_account": ids["BANK"], "credit_account": ids["ALICE"], "amount": "1.50"},
        headers,
        key="h-1",
    )
    assert r.status_code == 201, r.content
    read = client.get(f"{BASE}/holds/{r.json()['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json()["status"] == "pending"
    r = post(client, f"/holds/{r.json()['id']}/void", {}, headers, key="h-2")
    assert r.status_code == 200, r.content


def test_the_api_refuses_a_line_with_both_or_neither_side(client, make_user, bearer):
    headers = bearer(make_user("integration"))
    body = {
        "memo": "",
        "lines": [
            {"account": 1, "debit": "1.00", "credit": "1.00"},
            {"account": 2, "credit": "1.00"},
        ],
    }
    r = post(client, "/entries", body, headers, key="both")
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "line_needs_one_side",
        "lines[0]",
    )


def test_the_api_refuses_a_hold_on_an_unknown_account(client, make_user, bearer):
    headers = bearer(make_user("integration"))
    body = {"debit_account": 999_999, "credit_account": 999_998, "amount": "1.00"}
    r = post(client, "/holds", body, headers, key="unknown")
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        404,
        "account_not_found",
        "debit_account",
    )
    assert not Hold.objects.exists()
