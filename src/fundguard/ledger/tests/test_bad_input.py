"""Every refusal names its problem and writes nothing: balances and audit rows unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fundguard.core.errors import DomainError
from fundguard.core.money import parse_amount
from fundguard.ledger.models import Account, EntryLine, JournalEntry
from fundguard.ledger.services import (
    LineSpec,
    account_close,
    account_freeze,
    account_open,
    account_unfreeze,
    entry_post,
    entry_reverse,
    hold_expire,
    hold_place,
    hold_post,
    hold_void,
)
from fundguard.ledger.tests.conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(operator, funded, open_account) -> dict[str, Any]:
    customer = funded(5_000)
    other = open_account("liability")
    frozen = open_account("liability")
    account_freeze(actor=operator, account_id=frozen.pk)
    closed = open_account("liability")
    account_close(actor=operator, account_id=closed.pk)
    usd = open_account("liability", "USD")
    hold = hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=other.pk, amount_minor=1_000
    )
    return {
        "customer": customer,
        "other": other,
        "frozen": frozen,
        "closed": closed,
        "usd": usd,
        "hold": hold,
        "actor": operator,
    }


def _pay(w: dict[str, Any], debit: Account, credit: Account, amount: int) -> Callable[[], Any]:
    return lambda: entry_post(
        actor=w["actor"],
        lines=[LineSpec(debit.pk, "debit", amount), LineSpec(credit.pk, "credit", amount)],
        idempotency_key="bad",
    )


CASES: dict[str, tuple[Callable[[dict[str, Any]], Callable[[], Any]], str, str | None]] = {
    "unbalanced": (
        lambda w: (
            lambda: entry_post(
                actor=w["actor"],
                lines=[
                    LineSpec(w["customer"].pk, "debit", 100),
                    LineSpec(w["other"].pk, "credit", 99),
                ],
            )
        ),
        "entry_unbalanced",
        "lines",
    ),
    "one line": (
        lambda w: (
            lambda: entry_post(actor=w["actor"], lines=[LineSpec(w["customer"].pk, "debit", 100)])
        ),
        "entry_needs_two_lines",
        "lines",
    ),
    "unknown account": (
        lambda w: (
            lambda: entry_post(
                actor=w["actor"],
                lines=[LineSpec(w["customer"].pk, "debit", 100), LineSpec(987_654, "credit", 100)],
            )
        ),
        "account_not_found",
        "lines[1].account",
    ),
    "closed account": (
        lambda w: _pay(w, w["customer"], w["closed"], 100),
        "account_closed",
        "lines[1].account",
    ),
    "frozen account": (
        lambda w: _pay(w, w["frozen"], w["customer"], 100),
        "account_frozen",
        "lines[0].account",
    ),
    "currency mismatch across lines": (
        lambda w: _pay(w, w["customer"], w["usd"], 100),
        "entry_unbalanced",
        "lines",
    ),
    "currency mismatch stated": (
        lambda w: (
            lambda: entry_post(
                actor=w["actor"],
                lines=[
                    LineSpec(w["customer"].pk, "debit", 100, "USD"),
                    LineSpec(w["other"].pk, "credit", 100),
                ],
            )
        ),
        "currency_mismatch",
        "lines[0].currency",
    ),
    "zero amount": (lambda w: _pay(w, w["customer"], w["other"], 0), "amount_not_positive", None),
    "negative amount": (
        lambda w: _pay(w, w["customer"], w["other"], -5),
        "amount_not_positive",
        "lines[0].debit",
    ),
    "too many decimals": (
        lambda w: lambda: parse_amount("1.001", "CNY"),
        "amount_too_precise",
        "amount",
    ),
    "overdraft": (
        lambda w: _pay(w, w["customer"], w["other"], 4_001),
        "insufficient_funds",
        "lines[0].debit",
    ),
    "hold beyond available": (
        lambda w: (
            lambda: hold_place(
                actor=w["actor"],
                debit_account_id=w["customer"].pk,
                credit_account_id=w["other"].pk,
                amount_minor=4_001,
            )
        ),
        "insufficient_funds",
        "amount",
    ),
    "hold across currencies": (
        lambda w: (
            lambda: hold_place(
                actor=w["actor"],
                debit_account_id=w["customer"].pk,
                credit_account_id=w["usd"].pk,
                amount_minor=1,
            )
        ),
        "currency_mismatch",
        "credit_account",
    ),
    "posting more than a hold": (
        lambda w: lambda: hold_post(actor=w["actor"], hold_id=w["hold"].pk, amount_minor=1_001),
        "hold_amount_exceeded",
        "amount",
    ),
    "unknown hold": (
        lambda w: lambda: hold_void(actor=w["actor"], hold_id=987_654),
        "hold_not_found",
        "hold",
    ),
    "reversing an unknown entry": (
        lambda w: lambda: entry_reverse(actor=w["actor"], entry_id=987_654),
        "entry_not_found",
        "entry",
    ),
    "closing an account with money": (
        lambda w: lambda: account_close(actor=w["actor"], account_id=w["customer"].pk),
        "account_balance_not_zero",
        "account",
    ),
    "unfreezing an open account": (
        lambda w: lambda: account_unfreeze(actor=w["actor"], account_id=w["other"].pk),
        "account_not_frozen",
        "account",
    ),
    "duplicate account code": (
        lambda w: (
            lambda: account_open(
                actor=w["actor"], code=w["other"].code, name="x", kind="asset", currency="CNY"
            )
        ),
        "account_code_taken",
        "code",
    ),
    "unknown currency": (
        lambda w: (
            lambda: account_open(
                actor=w["actor"], code="NEW", name="x", kind="asset", currency="XYZ"
            )
        ),
        "currency_unknown",
        "currency",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_with_its_code_and_nothing_is_written(world, case):
    make, code, field = CASES[case]
    call = make(world)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.code == code
    if field is not None:
        assert refused.value.field == field
    assert snapshot() == before


def test_a_hold_resolves_only_once(world):
    hold_void(actor=world["actor"], hold_id=world["hold"].pk)
    before = snapshot()
    for again in (hold_void, hold_post):
        with pytest.raises(DomainError) as refused:
            again(actor=world["actor"], hold_id=world["hold"].pk)
        assert refused.value.code == "hold_already_resolved"
    assert snapshot() == before


def test_permission_is_checked_for_every_write(make_user, world):
    auditor = make_user("auditor")
    with pytest.raises(DomainError) as refused:
        _pay({**world, "actor": auditor}, world["customer"], world["other"], 1)()
    assert refused.value.code == "permission_denied"


# --- immutability -----------------------------------------------------------------------------


def test_entries_and_lines_refuse_orm_save_and_delete(world):
    entry = JournalEntry.objects.first()
    line = EntryLine.objects.first()
    assert entry is not None
    assert line is not None
    entry.memo = "tampered"
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        line.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.delete()
    assert not JournalEntry.objects.filter(memo="tampered").exists()


def test_entries_and_lines_refuse_queryset_update(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryLine.objects.update(amount_minor=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.update(memo="tampered")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entryline SET amount_minor = amount_minor + 1",
        "DELETE FROM ledger_entryline",
        "UPDATE ledger_journalentry SET memo = 'x'",
        "DELETE FROM ledger_journalentry",
    ],
)
def test_entries_and_lines_refuse_raw_sql(world, sql):
    count = EntryLine.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert EntryLine.objects.count() == count


def test_the_database_refuses_an_overdraft_written_around_the_service(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=world["customer"].pk).update(debits_posted=10**9)


# --- refusals before any lock ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (
            lambda w: entry_post(actor=w["actor"], lines=[LineSpec(1, "debit", 1)] * 101),
            "entry_has_too_many_lines",
            "lines",
        ),
        (
            lambda w: entry_post(
                actor=w["actor"], lines=[LineSpec(1, "sideways", 1), LineSpec(2, "credit", 1)]
            ),
            "line_needs_one_side",
            "lines[0]",
        ),
        (
            lambda w: entry_post(
                actor=w["actor"],
                lines=[LineSpec(1, "debit", 10**16), LineSpec(2, "credit", 10**16)],
            ),
            "amount_too_large",
            "lines[0].debit",
        ),
        (
            lambda w: entry_post(
                actor=w["actor"],
                lines=[LineSpec(1, "debit", 1), LineSpec(2, "credit", 1)],
                memo="x" * 501,
            ),
            "invalid_input",
            "memo",
        ),
        (
            lambda w: account_open(
                actor=w["actor"], code=" ", name="x", kind="asset", currency="CNY"
            ),
            "invalid_input",
            "code",
        ),
        (
            lambda w: account_open(
                actor=w["actor"], code="N1", name="", kind="asset", currency="CNY"
            ),
            "invalid_input",
            "name",
        ),
        (
            lambda w: account_open(
                actor=w["actor"], code="N1", name="x", kind="cash", currency="CNY"
            ),
            "account_kind_unknown",
            "kind",
        ),
        (
            lambda w: hold_place(
                actor=w["actor"],
                debit_account_id=w["customer"].pk,
                credit_account_id=w["other"].pk,
                amount_minor=1,
                memo="x" * 501,
            ),
            "invalid_input",
            "memo",
        ),
        (
            lambda w: hold_place(
                actor=w["actor"],
                debit_account_id=w["customer"].pk,
                credit_account_id=w["other"].pk,
                amount_minor=1,
                expires_at=timezone.now() - timedelta(seconds=1),
            ),
            "hold_expiry_in_past",
            "expires_at",
        ),
        (
            lambda w: hold_expire(hold_id=w["hold"].pk),
            "hold_not_due",
            "hold",
        ),
        (
            lambda w: hold_post(actor=w["actor"], hold_id=w["hold"].pk, amount_minor=0),
            "amount_not_positive",
            "amount",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_malformed_requests_are_refused_before_any_write(world, call, code, field):
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        call(world)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert snapshot() == before


def test_amounts_must_be_integers():
    with pytest.raises(TypeError):
        entry_post(actor=None, lines=[LineSpec(1, "debit", 1.5), LineSpec(2, "credit", 1)])  # type: ignore[arg-type]


def test_posting_into_a_frozen_account_is_refused_but_voiding_is_not(world):
    hold, actor = world["hold"], world["actor"]
    account_freeze(actor=actor, account_id=world["other"].pk)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        hold_post(actor=actor, hold_id=hold.pk)
    assert refused.value.code == "account_frozen"
    assert snapshot() == before
    assert hold_void(actor=actor, hold_id=hold.pk).status == "voided"


def test_replays_of_hold_requests_return_the_first_result(world):
    actor, customer, other = world["actor"], world["customer"], world["other"]

    def place():
        return hold_place(
            actor=actor,
            debit_account_id=customer.pk,
            credit_account_id=other.pk,
            amount_minor=5,
            idempotency_key="hp",
        )

    first = place()
    assert place().pk == first.pk
    posted = hold_post(actor=actor, hold_id=first.pk, idempotency_key="hpo")
    assert hold_post(actor=actor, hold_id=first.pk, idempotency_key="hpo").pk == posted.pk
    second = hold_place(
        actor=actor, debit_account_id=customer.pk, credit_account_id=other.pk, amount_minor=5
    )
    voided = hold_void(actor=actor, hold_id=second.pk, idempotency_key="hv")
    before = snapshot()
    assert hold_void(actor=actor, hold_id=second.pk, idempotency_key="hv").pk == voided.pk
    assert snapshot() == before


def test_holds_expire_due_skips_a_hold_resolved_meanwhile(world, monkeypatch):
    from fundguard.ledger import services
    from fundguard.ledger.services import holds

    hold = hold_place(
        actor=world["actor"],
        debit_account_id=world["customer"].pk,
        credit_account_id=world["other"].pk,
        amount_minor=5,
        now=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    original = holds.hold_expire

    def void_first(**kwargs):
        hold_void(actor=world["actor"], hold_id=kwargs["hold_id"])
        return original(**kwargs)

    monkeypatch.setattr(holds, "hold_expire", void_first)
    assert services.holds_expire_due() == 0
    hold.refresh_from_db()
    assert hold.status == "voided"
