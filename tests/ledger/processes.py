"""Run a function in many forked processes released together by a barrier."""

from __future__ import annotations

import multiprocessing as mp
import queue
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections

CTX = mp.get_context("fork")


def _child(
    index: int,
    target: Callable[..., Any],
    args: tuple[Any, ...],
    barrier: Any,
    results: Any,
    locks_enabled: bool,
) -> None:
    from fundguard.core import locks

    locks._unsafe_set_row_locks_for_tests(locks_enabled)
    try:
        connections.close_all()
        barrier.wait(timeout=60)
        results.put((index, "ok", target(*args)))
    except BaseException:
        results.put((index, "error", traceback.format_exc()))
    finally:
        connections.close_all()


def run_together(
    target: Callable[..., Any],
    args_list: Sequence[tuple[Any, ...]],
    *,
    timeout_seconds: float = 170,
    locks_enabled: bool = True,
) -> list[Any]:
    """Start one process per args tuple; all wait on one barrier; return results in order."""
    connections.close_all()
    barrier = CTX.Barrier(len(args_list))
    results: Any = CTX.Queue()
    procs = [
        CTX.Process(
            target=_child, args=(i, target, args, barrier, results, locks_enabled), daemon=True
        )
        for i, args in enumerate(args_list)
    ]
    for p in procs:
        p.start()
    return _collect(procs, results, timeout_seconds)


def _collect(procs: list[Any], results: Any, timeout_seconds: float) -> list[Any]:
    out: dict[int, Any] = {}
    errors = []
    try:
        for _ in procs:
            index, status, value = results.get(timeout=timeout_seconds)
            if status == "error":
                errors.append(value)
            out[index] = value
    except queue.Empty:
        errors.append("timed out waiting for the processes")
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.kill()
    if errors:
        raise AssertionError("\n".join(errors))
    return [out[i] for i in sorted(out)]
