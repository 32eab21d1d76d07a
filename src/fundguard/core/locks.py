"""Row locks in primary-key order, and bounded retries of transactions that lost a race.

Every service that changes several rows locks them with :func:`lock_rows` (ascending primary
key, ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the ``BEGIN IMMEDIATE`` transaction
already holds the database's write lock) and wraps its transaction in :func:`retrying`, which
re-runs it after a serialization failure or a deadlock, at most ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import OperationalError, transaction
from django.db.models import Model

M = TypeVar("M", bound=Model)
T = TypeVar("T")

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 0.005
BACKOFF_MAX_SECONDS = 0.2
# SQLSTATE codes worth another attempt: serialization_failure, deadlock_detected,
# lock_not_available.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

_row_locks_enabled = True


def row_locks_enabled() -> bool:
    return _row_locks_enabled


def _unsafe_set_row_locks_for_tests(enabled: bool) -> None:
    """Test-only switch for the negative control of the concurrency tests. Never in code."""
    global _row_locks_enabled
    _row_locks_enabled = enabled


def lock_rows(model: type[M], ids: Iterable[int]) -> dict[int, M]:
    """Lock the rows of ``model`` with these ids in ascending id order; return them by id.

    Missing ids are simply absent from the result; the caller names the error.
    """
    wanted = sorted(set(ids))
    qs = model._default_manager.filter(pk__in=wanted).order_by("pk")
    if _row_locks_enabled:
        qs = qs.select_for_update()
    return {row.pk: row for row in qs}


def is_retryable(exc: BaseException) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc)


def service_atomic() -> transaction.Atomic:
    """The transaction of a service that other services may compose.

    Called at the top, it is the service's own durable transaction. Called inside another
    service's transaction (a transfer placing its ledger hold), it joins that one as a savepoint,
    so that both commit or neither does.
    """
    return transaction.atomic(durable=not transaction.get_connection().in_atomic_block)


def retrying(work: Callable[[], T], *, attempts: int = MAX_ATTEMPTS) -> T:
    """Run ``work`` (which opens its own transaction); re-run it after a lost race.

    Inside an enclosing transaction ``work`` runs once: a lost race aborts that transaction, so
    only the outermost :func:`retrying` can start again.
    """
    if transaction.get_connection().in_atomic_block:
        return work()
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
            time.sleep(random.uniform(0, delay))
    raise AssertionError("unreachable")  # pragma: no cover
