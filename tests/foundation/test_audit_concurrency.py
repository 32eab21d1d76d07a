"""Concurrent appends from several OS processes give one linear, gapless, verifiable chain."""

from __future__ import annotations

import itertools
import multiprocessing
import traceback
from typing import Any

import pytest
from django.db import connection, connections, transaction

from fundguard.audit.chain import GENESIS_HASH
from fundguard.audit.models import AuditChainHead, AuditCheckpoint, AuditRecord
from fundguard.audit.selectors import audit_chain_verify
from fundguard.audit.services import audit_record

PROCESSES = 5
APPENDS_EACH = 50
JOIN_TIMEOUT_SECONDS = 120


def _append_many(worker: int, barrier: Any, errors: Any) -> None:
    """Runs in a forked child: its own database connection, released with the others."""
    try:
        connections.close_all()  # never share the parent's socket
        barrier.wait(timeout=60)
        for i in range(APPENDS_EACH):
            with transaction.atomic(durable=True):
                audit_record(
                    actor=None,
                    actor_username=f"worker-{worker}",
                    action="test.concurrent_append",
                    object_id=f"{worker}-{i}",
                )
    except BaseException:
        errors.put(f"worker {worker}: {traceback.format_exc()}")
    finally:
        connections.close_all()


def _run_workers(processes: int, *, verify_meanwhile: list[str] | None = None) -> list[str]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    errors = context.Queue()
    connections.close_all()
    workers = [
        context.Process(target=_append_many, args=(n, barrier, errors)) for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    if verify_meanwhile is not None:  # the auditor verifies while the others append
        while any(w.is_alive() for w in workers):
            _, problem = audit_chain_verify()
            verify_meanwhile.append(str(problem) if problem else "")
    for worker in workers:
        worker.join(JOIN_TIMEOUT_SECONDS)
    found = []
    while not errors.empty():
        found.append(errors.get())
    hung = [w.pid for w in workers if w.is_alive()]
    for w in workers:
        if w.is_alive():
            w.kill()
    assert not hung, f"workers still running after {JOIN_TIMEOUT_SECONDS}s: {hung}"
    assert all(w.exitcode == 0 for w in workers), [w.exitcode for w in workers]
    return found


def _assert_one_linear_chain(processes: int, *, interleaved: bool) -> None:
    records = list(AuditRecord.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [seq for seq, _, _ in records] == list(range(1, len(records) + 1))
    previous = GENESIS_HASH
    for seq, prev_hash, current in records:
        assert prev_hash == previous, f"record #{seq} does not follow #{seq - 1}"
        previous = current
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (len(records), previous)

    appended = AuditRecord.objects.filter(action="test.concurrent_append")
    assert appended.count() == processes * APPENDS_EACH
    assert set(appended.values_list("object_id", flat=True)) == {
        f"{w}-{i}" for w in range(processes) for i in range(APPENDS_EACH)
    }
    checked, problem = audit_chain_verify()
    assert problem is None
    assert checked == len(records)

    if interleaved:  # the appends really overlapped: the workers' records interleave
        order = list(appended.order_by("seq").values_list("actor_username", flat=True))
        switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
        assert switches > processes, f"only {switches} switches between workers"


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_several_processes_form_one_linear_chain(settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = 7

    errors = _run_workers(PROCESSES)

    assert errors == []
    _assert_one_linear_chain(PROCESSES, interleaved=True)
    appended = AuditRecord.objects.filter(action="test.concurrent_append").order_by("seq")
    first, last = appended.first().seq, appended.last().seq
    checkpoints = AuditCheckpoint.objects.filter(seq__gte=first).values_list("seq", flat=True)
    assert list(checkpoints) == [s for s in range(first, last + 1) if s % 7 == 0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_sqlite_queue_up_into_one_linear_chain():
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above covers this database")

    errors = _run_workers(3)

    assert errors == []
    _assert_one_linear_chain(3, interleaved=False)  # SQLite's busy wait lets one win in runs


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_verifying_while_others_append_raises_no_false_alarm(settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = 3
    verdicts: list[str] = []

    errors = _run_workers(PROCESSES, verify_meanwhile=verdicts)

    assert errors == []
    assert verdicts, "the workers finished before one verification ran"
    assert [v for v in verdicts if v] == []
    _assert_one_linear_chain(PROCESSES, interleaved=True)
