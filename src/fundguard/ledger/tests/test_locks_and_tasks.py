"""Bounded retries of lost races, and the expiry task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from fundguard.core import locks
from fundguard.ledger.models import HoldStatus
from fundguard.ledger.services import hold_place
from fundguard.ledger.tasks import holds_expire_due


class _Cause(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


def _lost_race(sqlstate: str) -> OperationalError:
    exc = OperationalError("lost")
    exc.__cause__ = _Cause(sqlstate)
    return exc


def test_a_deadlock_is_retried_until_the_work_succeeds(monkeypatch):
    monkeypatch.setattr(locks.time, "sleep", lambda _: None)
    attempts = []

    def work() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise _lost_race("40P01")
        return "done"

    assert locks.retrying(work) == "done"
    assert len(attempts) == 3


def test_retries_are_bounded(monkeypatch):
    monkeypatch.setattr(locks.time, "sleep", lambda _: None)
    attempts = []

    def work() -> None:
        attempts.append(1)
        raise _lost_race("40001")

    with pytest.raises(OperationalError):
        locks.retrying(work)
    assert len(attempts) == locks.MAX_ATTEMPTS


def test_other_database_errors_are_not_retried():
    attempts = []

    def work() -> None:
        attempts.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        locks.retrying(work)
    assert len(attempts) == 1


@pytest.mark.django_db
def test_the_task_expires_due_holds(operator, funded, open_account):
    customer, payee = funded(1_000), open_account("liability")
    hold = hold_place(
        actor=operator,
        debit_account_id=customer.pk,
        credit_account_id=payee.pk,
        amount_minor=400,
        now=timezone.now() - timedelta(hours=2),  # placed two hours ago (controlled clock)
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert holds_expire_due.call() == 1
    hold.refresh_from_db()
    assert hold.status == HoldStatus.expired
    customer.refresh_from_db()
    assert customer.available_minor == 1_000
