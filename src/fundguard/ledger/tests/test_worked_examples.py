"""Worked accounting examples: given a chart of accounts, when money moves, then balances."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fundguard.audit.models import AuditRecord
from fundguard.ledger.models import AccountStatus, HoldStatus
from fundguard.ledger.selectors import trial_balance
from fundguard.ledger.services import (
    LineSpec,
    account_close,
    entry_post,
    entry_reverse,
    hold_expire,
    hold_place,
    hold_post,
    hold_void,
    holds_expire_due,
)

pytestmark = pytest.mark.django_db


def test_a_customer_deposit_raises_bank_and_customer_balances(operator, open_account):
    # given a bank (asset) and a customer (liability) account in CNY
    bank = open_account("asset")
    customer = open_account("liability")
    # when ¥1,409.50 arrives for the customer
    entry = entry_post(
        actor=operator,
        lines=[LineSpec(bank.pk, "debit", 140950), LineSpec(customer.pk, "credit", 140950)],
        memo="deposit",
    )
    # then both balances rise on their normal sides and the entry is audited
    bank.refresh_from_db()
    customer.refresh_from_db()
    assert (bank.balance_minor, customer.balance_minor) == (140950, 140950)
    assert customer.available_minor == 140950
    assert entry.lines.count() == 2
    assert AuditRecord.objects.filter(
        action="ledger.entry_posted", object_id=str(entry.pk)
    ).exists()


def test_a_fee_moves_money_from_customer_to_income(operator, funded, open_account):
    customer = funded(10_000)
    fees = open_account("income")
    entry_post(
        actor=operator,
        lines=[LineSpec(customer.pk, "debit", 250), LineSpec(fees.pk, "credit", 250)],
    )
    customer.refresh_from_db()
    fees.refresh_from_db()
    assert customer.balance_minor == 9_750
    assert fees.balance_minor == 250


def test_an_entry_may_have_many_lines(operator, open_account):
    bank = open_account("asset")
    a, b, c = (open_account("liability") for _ in range(3))
    entry_post(
        actor=operator,
        lines=[
            LineSpec(bank.pk, "debit", 600),
            LineSpec(a.pk, "credit", 100),
            LineSpec(b.pk, "credit", 200),
            LineSpec(c.pk, "credit", 300),
        ],
    )
    c.refresh_from_db()
    assert c.balance_minor == 300


def test_a_reversal_restores_the_balances_and_links_the_original(operator, funded, open_account):
    customer = funded(5_000)
    other = open_account("liability")
    original = entry_post(
        actor=operator,
        lines=[LineSpec(customer.pk, "debit", 1_000), LineSpec(other.pk, "credit", 1_000)],
    )
    reversal = entry_reverse(actor=operator, entry_id=original.pk)
    customer.refresh_from_db()
    other.refresh_from_db()
    assert customer.balance_minor == 5_000
    assert other.balance_minor == 0
    assert reversal.reverses_id == original.pk
    assert original.reversed_by == reversal


def test_a_hold_reserves_then_posts_in_part_and_releases_the_rest(operator, funded, open_account):
    customer = funded(10_000)
    payee = open_account("liability")
    hold = hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=4_000
    )
    customer.refresh_from_db()
    assert (customer.balance_minor, customer.available_minor) == (10_000, 6_000)
    hold = hold_post(actor=operator, hold_id=hold.pk, amount_minor=3_000)
    customer.refresh_from_db()
    payee.refresh_from_db()
    assert hold.status == HoldStatus.posted
    assert hold.posted_amount_minor == 3_000
    assert (customer.balance_minor, customer.available_minor) == (7_000, 7_000)
    assert (payee.balance_minor, payee.credits_pending) == (3_000, 0)


def test_a_voided_hold_releases_everything(operator, funded, open_account):
    customer = funded(10_000)
    payee = open_account("liability")
    hold = hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=4_000
    )
    hold = hold_void(actor=operator, hold_id=hold.pk)
    customer.refresh_from_db()
    assert hold.status == HoldStatus.voided
    assert (customer.balance_minor, customer.available_minor, customer.debits_pending) == (
        10_000,
        10_000,
        0,
    )


def test_due_holds_expire_and_others_wait(operator, funded, open_account):
    customer = funded(10_000)
    payee = open_account("liability")
    now = timezone.now()
    soon = hold_place(
        actor=operator,
        debit_account_id=customer.pk,
        credit_account_id=payee.pk,
        amount_minor=1_000,
        expires_at=now + timedelta(minutes=5),
    )
    later = hold_place(
        actor=operator,
        debit_account_id=customer.pk,
        credit_account_id=payee.pk,
        amount_minor=1_000,
        expires_at=now + timedelta(hours=5),
    )
    assert holds_expire_due(now=now + timedelta(minutes=10)) == 1
    soon.refresh_from_db()
    later.refresh_from_db()
    assert (soon.status, later.status) == (HoldStatus.expired, HoldStatus.pending)
    customer.refresh_from_db()
    assert customer.available_minor == 9_000
    hold_expire(hold_id=later.pk, now=now + timedelta(hours=6))


def test_an_empty_account_can_be_closed(operator, open_account):
    account = open_account("liability")
    closed = account_close(actor=operator, account_id=account.pk)
    assert closed.status == AccountStatus.closed


def test_the_trial_balance_balances_per_currency(operator, funded):
    funded(10_000, "CNY")
    funded(2_500, "USD")
    rows = {row.currency: row for row in trial_balance()}
    assert rows["CNY"].debits_minor == rows["CNY"].credits_minor == 10_000
    assert rows["USD"].is_balanced
