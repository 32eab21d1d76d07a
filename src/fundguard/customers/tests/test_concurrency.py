"""Racing writers on PostgreSQL: a duplicate ID number or funds account loses cleanly."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from fundguard.core.errors import DomainError
from fundguard.customers.models import CustomerFundsAccount, IdentityDocument
from fundguard.customers.services import customer_create, funds_account_open
from fundguard.customers.tests.conftest import resident_id
from fundguard.ledger.models import Account

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 4


def _race(call: Callable[[int], Any]) -> Counter[str]:
    barrier = threading.Barrier(RACERS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            call(i)
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_racing_registrations_of_one_id_number_register_it_once(make_user):
    operator = make_user("operator")
    number = resident_id()

    outcomes = _race(
        lambda i: customer_create(
            actor=operator,
            kind="person",
            name=f"并发{i}",
            id_type="cn_resident_id",
            id_number=number,
            country="CN",
        )
    )

    assert outcomes == Counter({"ok": 1, "id_number_taken": RACERS - 1})
    assert IdentityDocument.objects.count() == 1


def test_racing_funds_account_openings_open_one_ledger_account(make_user):
    operator = make_user("operator")
    customer = customer_create(
        actor=operator,
        kind="person",
        name="并发",
        id_type="cn_resident_id",
        id_number=resident_id(),
        country="CN",
    )

    outcomes = _race(
        lambda i: funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    )

    assert outcomes["ok"] == 1
    assert outcomes["funds_account_exists"] == RACERS - 1
    assert CustomerFundsAccount.objects.filter(customer=customer).count() == 1
    assert Account.objects.filter(owner_id=str(customer.pk)).count() == 1
