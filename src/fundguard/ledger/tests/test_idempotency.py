"""Idempotency keys: one effect per (principal, key); another payload is refused."""

from __future__ import annotations

import pytest

from fundguard.core.errors import DomainError
from fundguard.core.idempotency import fingerprint_of
from fundguard.core.models import IdempotencyKey
from fundguard.ledger.models import Hold, JournalEntry
from fundguard.ledger.services import LineSpec, entry_post, hold_place, hold_post
from fundguard.ledger.tests.conftest import snapshot

pytestmark = pytest.mark.django_db


def _pay(actor, a, b, amount, key):
    return entry_post(
        actor=actor,
        lines=[LineSpec(a.pk, "debit", amount), LineSpec(b.pk, "credit", amount)],
        idempotency_key=key,
    )


def test_a_replay_returns_the_first_entry_and_writes_nothing(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    first = _pay(operator, customer, payee, 100, "once")
    before = snapshot()
    again = _pay(operator, customer, payee, 100, "once")
    assert again.pk == first.pk
    assert snapshot() == before


def test_a_changed_payload_is_refused_and_writes_nothing(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    _pay(operator, customer, payee, 100, "once")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        _pay(operator, customer, payee, 101, "once")
    assert (refused.value.code, refused.value.status) == ("idempotency_key_reused", 422)
    assert snapshot() == before


def test_keys_are_scoped_to_their_principal(make_user, operator, funded, open_account):
    other_operator = make_user("operator")
    customer, payee = funded(5_000), open_account("liability")
    a = _pay(operator, customer, payee, 100, "shared")
    b = _pay(other_operator, customer, payee, 100, "shared")
    assert a.pk != b.pk
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_one_key_for_two_kinds_of_request_is_refused(operator, funded, open_account):
    customer, payee = funded(5_000), open_account("liability")
    hold = hold_place(
        actor=operator,
        debit_account_id=customer.pk,
        credit_account_id=payee.pk,
        amount_minor=10,
        idempotency_key="k",
    )
    with pytest.raises(DomainError) as refused:
        hold_post(actor=operator, hold_id=hold.pk, idempotency_key="k")
    assert refused.value.code == "idempotency_key_reused"
    assert Hold.objects.get(pk=hold.pk).is_pending


def test_a_refused_request_does_not_burn_its_key(operator, funded, open_account):
    customer, payee = funded(100), open_account("liability")
    with pytest.raises(DomainError):
        _pay(operator, customer, payee, 200, "retry-me")
    assert not IdempotencyKey.objects.filter(key="retry-me").exists()
    assert JournalEntry.objects.filter(idempotency_key="retry-me").count() == 0


def test_the_fingerprint_is_canonical():
    assert fingerprint_of("s", {"a": 1, "b": [2, 3]}) == fingerprint_of("s", {"b": [2, 3], "a": 1})
    assert fingerprint_of("s", {"a": 1}) != fingerprint_of("t", {"a": 1})
