"""Appending to the audit trail. Called by every service, inside that service's transaction."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from fundguard.audit.chain import GENESIS_HASH, link_hash
from fundguard.audit.models import AuditChainHead, AuditCheckpoint, AuditRecord
from fundguard.core.request_context import current_request_context
from fundguard.core.roles import role_of

SYSTEM_ACTOR = "system"


def _json_safe(changes: dict[str, Any]) -> dict[str, Any]:
    """Store exactly what is hashed: Decimals, dates, UUIDs and floats become strings first.

    Floats because PostgreSQL's jsonb does not give them back as written (1e16 comes back as
    the integer 10000000000000000, -0.0 as 0), which would break the record's hash.
    """
    text = json.dumps(changes, cls=DjangoJSONEncoder)
    return json.loads(text, parse_float=str, parse_constant=str)  # type: ignore[no-any-return]


def audit_chain_head_ensure() -> None:
    """Create the chain head (seq 0, genesis hash) if it is missing.

    Migration 0002 creates it; this puts it back after a ``flush`` (which empties every table,
    then emits post_migrate), so that the first record appended afterwards has a head to lock.
    """
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> AuditRecord:
    """Append one record to the chain. Must run inside the caller's transaction.

    ``actor`` is a user or None (then ``actor_username`` or "system" names who acted).
    ``changes`` maps each changed field to ``[before, after]``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    role = role_of(actor) if actor is not None else None
    context = current_request_context()
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    record = AuditRecord(
        seq=head.seq + 1,
        occurred_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_username=(getattr(actor, "username", None) or actor_username or SYSTEM_ACTOR),
        actor_role=str(role or ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=_json_safe(changes or {}),
        request_id=context.request_id,
        client_ip=context.client_ip or "",
        prev_hash=head.hash,
    )
    record.hash = link_hash(record.prev_hash, record.chain_fields())
    record.save(force_insert=True)
    head.seq, head.hash = record.seq, record.hash
    head.save(update_fields=["seq", "hash"])
    if record.seq % settings.AUDIT_CHECKPOINT_INTERVAL == 0:
        AuditCheckpoint.objects.create(seq=record.seq, hash=record.hash)
    return record


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
