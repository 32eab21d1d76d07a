"""Ledger test helpers; every ledger test that touches the database ends with the checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
from django.contrib.auth.models import User

from fundguard.audit.models import AuditRecord
from fundguard.ledger.checks import ledger_check
from fundguard.ledger.models import Account, EntryLine, Hold, JournalEntry
from fundguard.ledger.services import LineSpec, account_open, entry_post


@pytest.fixture(autouse=True)
def _ledger_checks_hold_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    names = set(request.fixturenames)
    if not names & {
        "db",
        "transactional_db",
        "django_db_setup",
    } and not request.node.get_closest_marker("django_db"):
        return
    problems = ledger_check()
    assert not problems, "\n".join(map(str, problems))


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user("operator")


@pytest.fixture
def open_account(operator: User) -> Callable[..., Account]:
    numbers = count(1)

    def make(
        kind: str = "liability",
        currency: str = "CNY",
        *,
        code: str | None = None,
        allow_negative: bool = False,
    ) -> Account:
        return account_open(
            actor=operator,
            code=code or f"T-{kind[:3].upper()}-{next(numbers):04d}",
            name=f"Test {kind}",
            kind=kind,
            currency=currency,
            allow_negative=allow_negative,
        )

    return make


@pytest.fixture
def funded(operator: User, open_account: Callable[..., Account]) -> Callable[..., Account]:
    """A customer (liability) account credited ``amount_minor`` from a bank (asset) account."""

    def make(amount_minor: int, currency: str = "CNY") -> Account:
        bank = open_account("asset", currency)
        customer = open_account("liability", currency)
        entry_post(
            actor=operator,
            lines=[
                LineSpec(bank.pk, "debit", amount_minor),
                LineSpec(customer.pk, "credit", amount_minor),
            ],
            memo="funding",
        )
        customer.refresh_from_db()
        return customer

    return make


def snapshot() -> dict[str, Any]:
    """Everything a refused request must leave unchanged."""
    return {
        "accounts": list(
            Account.objects.order_by("pk").values_list(
                "pk",
                "status",
                "debits_posted",
                "credits_posted",
                "debits_pending",
                "credits_pending",
            )
        ),
        "entries": JournalEntry.objects.count(),
        "lines": EntryLine.objects.count(),
        "holds": list(Hold.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditRecord.objects.count(),
    }
