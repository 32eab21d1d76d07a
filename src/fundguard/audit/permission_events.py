"""Recording refusals: a denied action is itself an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fundguard.audit.services import audit_record


def permission_denied_record(*, actor: Any, attempted: str) -> None:
    """Write ``auth.permission_denied`` in a transaction of its own.

    The refused action's own transaction (if any) rolls back; this record must survive it.
    """
    with transaction.atomic():
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_username=None if getattr(actor, "is_authenticated", False) else "anonymous",
            action="auth.permission_denied",
            object_type="permission",
            object_id=attempted[:64],
        )
