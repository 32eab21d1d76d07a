"""The sweeps every worker enqueues on a schedule: expired holds, KYC reviews that fell due,
notifications whose retry is due, transfers past their SLA or their execution date.

Each sweep is idempotent (it acts only on what is due, under row locks), so several workers
each enqueueing them is harmless: the schedule needs no leader.
"""

from __future__ import annotations

import logging
import threading
import time

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PERIODIC_TASKS: tuple[tuple[str, int], ...] = (
    # (task, every so many seconds)
    ("fundguard.ledger.tasks.holds_expire_due", 60),
    ("fundguard.notifications.tasks.notifications_deliver_due", 60),
    ("fundguard.transfers.tasks.transfers_housekeeping", 300),
    ("fundguard.customers.tasks.kyc_expire_due", 3600),
)
TICK_SECONDS = 5.0


def periodic_due(last_run: dict[str, float], now: float) -> list[str]:
    """The tasks whose interval has passed since they last ran (all of them at the start)."""
    return [
        path
        for path, every in PERIODIC_TASKS
        if path not in last_run or now - last_run[path] >= every
    ]


def _ticker(stop: threading.Event) -> None:
    last_run: dict[str, float] = {}
    while not stop.is_set():
        now = time.monotonic()
        for path in periodic_due(last_run, now):
            try:
                import_string(path).enqueue()
            except Exception:  # a bad moment of the database must not end the schedule
                logger.exception("could not enqueue %s", path)
                continue
            last_run[path] = now
        stop.wait(TICK_SECONDS)


def ticker_start() -> threading.Event:
    """Start the schedule in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=_ticker, args=(stop,), name="fundguard-periodic", daemon=True).start()
    return stop
