"""Background work of the customers app, run by ``fundguard worker``."""

from __future__ import annotations

from django_tasks import task

from fundguard.customers.services import kyc_expire_due as _kyc_expire_due


@task()
def kyc_expire_due() -> int:
    """Mark verified customers whose review date has passed as expired; return how many."""
    return _kyc_expire_due()
