"""Background work of the transfers app, run by ``fundguard worker``."""

from __future__ import annotations

from django_tasks import task

from fundguard.transfers.services import approvals_sla_check, transfers_expire_due


@task()
def transfers_housekeeping() -> dict[str, int]:
    """Expire transfers long past their execution date; remind and escalate late approvals."""
    return {"expired": transfers_expire_due(), "sla_breached": approvals_sla_check()}
