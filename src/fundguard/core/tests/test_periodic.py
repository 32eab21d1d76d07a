"""The worker's schedule of sweeps."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

from fundguard.core.periodic import PERIODIC_TASKS, periodic_due


def test_every_scheduled_path_is_a_task() -> None:
    for path, every in PERIODIC_TASKS:
        assert isinstance(import_string(path), Task), path
        assert every > 0


def test_all_run_at_the_start_then_each_after_its_interval() -> None:
    assert periodic_due({}, 0.0) == [path for path, _ in PERIODIC_TASKS]
    started = dict.fromkeys((path for path, _ in PERIODIC_TASKS), 0.0)
    assert periodic_due(started, 59.0) == []
    assert periodic_due(started, 60.0) == [path for path, every in PERIODIC_TASKS if every <= 60]


@pytest.mark.django_db
def test_the_transfers_sweep_runs() -> None:
    from fundguard.transfers.tasks import transfers_housekeeping

    assert transfers_housekeeping.call() == {"expired": 0, "sla_breached": 0}
