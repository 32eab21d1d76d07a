"""A failure at any step inside a posting leaves no partial write."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from fundguard.core.models import IdempotencyKey
from fundguard.ledger import services
from fundguard.ledger.services import LineSpec, entries, holds, posting
from fundguard.ledger.tests.conftest import snapshot

pytestmark = pytest.mark.django_db

ENTRY_STEPS = [
    "_claim",
    "_lock_accounts",
    "_apply_totals",
    "_write_entry",
    "audit_record",
    "_complete",
]
HOLD_POST_STEPS = [*ENTRY_STEPS, "_lock_hold", "_resolve"]


def _home(step: str, service: ModuleType) -> ModuleType:
    """Where ``service`` looks ``step`` up: the shared posting steps, or its own module."""
    return posting if hasattr(posting, step) else service


class Injected(Exception):
    pass


def _breaking(original: Callable[..., Any], after: bool) -> Callable[..., Any]:
    def broken(*args: Any, **kwargs: Any) -> Any:
        if after:
            original(*args, **kwargs)
        raise Injected

    return broken


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("step", ENTRY_STEPS)
def test_entry_post_failing_at_any_step_writes_nothing(
    monkeypatch, operator, funded, open_account, step, after
):
    customer = funded(5_000)
    payee = open_account("liability")
    before = snapshot()
    keys = IdempotencyKey.objects.count()
    home = _home(step, entries)
    monkeypatch.setattr(home, step, _breaking(getattr(home, step), after))
    with pytest.raises(Injected):
        services.entry_post(
            actor=operator,
            lines=[LineSpec(customer.pk, "debit", 100), LineSpec(payee.pk, "credit", 100)],
            idempotency_key="inject",
        )
    assert snapshot() == before
    assert IdempotencyKey.objects.count() == keys


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("step", HOLD_POST_STEPS)
def test_hold_post_failing_at_any_step_writes_nothing(
    monkeypatch, operator, funded, open_account, step, after
):
    customer = funded(5_000)
    payee = open_account("liability")
    hold = services.hold_place(
        actor=operator, debit_account_id=customer.pk, credit_account_id=payee.pk, amount_minor=700
    )
    before = snapshot()
    home = _home(step, holds)
    monkeypatch.setattr(home, step, _breaking(getattr(home, step), after))
    with pytest.raises(Injected):
        services.hold_post(actor=operator, hold_id=hold.pk, amount_minor=500, idempotency_key="i")
    assert snapshot() == before
    monkeypatch.undo()
    services.hold_void(actor=operator, hold_id=hold.pk)
