"""Background work of the ledger, run by ``fundguard worker``."""

from __future__ import annotations

from django_tasks import task

from fundguard.ledger.services import holds_expire_due as _holds_expire_due


@task()
def holds_expire_due() -> int:
    """Expire every pending hold whose ``expires_at`` has passed; return how many."""
    return _holds_expire_due()
