"""Background work of the payments app, run by ``fundguard worker``."""

from __future__ import annotations

from django_tasks import task

from fundguard.payments.sandbox import sandbox_bank_answer_order


@task()
def sandbox_bank_answer(order_id: int) -> str:
    """The sandbox bank's next answer about one order (enqueued with a short delay)."""
    return sandbox_bank_answer_order(order_id)
