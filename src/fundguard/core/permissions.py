"""Permission checks for services. A refusal is audited before it is raised."""

from __future__ import annotations

from typing import Any

from fundguard.core.errors import CoreError, DomainError


def require_permission(actor: Any, permission: str) -> None:
    """Raise ``permission_denied`` unless ``actor`` (an active user) holds ``permission``.

    Call it before opening the service's transaction, so that the denial record survives.
    """
    if actor is not None and actor.is_active and actor.has_perm(permission):
        return
    from fundguard.audit.permission_events import permission_denied_record

    permission_denied_record(actor=actor, attempted=permission)
    raise DomainError(CoreError.permission_denied)
