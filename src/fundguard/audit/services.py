"""Appending to the audit trail. Called by every service, inside that service's transaction."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from fundguard.audit.chain import GENESIS_HASH, link_hash
from fundguard.audit.models import AuditChainHead, AuditCheckpoint, AuditRecord
from fundguard.core.request_context import current_request_context
from fundguard.core.roles import Role, role_of

SYSTEM_ACTOR = "system"
# The actor's role, remembered on the actor object (as Django's ``_perm_cache`` remembers its
# permissions): a user holds one role from creation on, and a posting should not query the
# groups every time.
_ROLE_CACHE_ATTR = "_fundguard_role"


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
    role = _role_of_actor(actor) if actor is not None else None
    context = current_request_context()
    head_seq, head_hash = _head_lock()
    record = AuditRecord(
        seq=head_seq + 1,
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
        prev_hash=head_hash,
    )
    record.hash = link_hash(record.prev_hash, record.chain_fields())
    _append(record)
    if record.seq % settings.AUDIT_CHECKPOINT_INTERVAL == 0:
        AuditCheckpoint.objects.create(seq=record.seq, hash=record.hash)
    return record


def _role_of_actor(actor: Any) -> Role | None:
    role: Role | None = getattr(actor, _ROLE_CACHE_ATTR, None)
    if role is None:
        role = role_of(actor)
        if role is not None:
            setattr(actor, _ROLE_CACHE_ATTR, role)
    return role


def _head_lock() -> tuple[int, str]:
    """Lock the chain head (its row lock serializes appends); return its (seq, hash).

    Plain SQL rather than the ORM: this and :func:`_append` run once per audited change, and
    the ORM's per-statement cost was a measurable part of every posting (docs/performance.md).
    """
    q = connection.ops.quote_name
    sql = f"SELECT {q('seq')}, {q('hash')} FROM {q(AuditChainHead._meta.db_table)} WHERE id = 1"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:
        raise AuditChainHead.DoesNotExist("the audit chain head is missing (audit migration 0002)")
    return int(row[0]), str(row[1])


_RECORD_FIELDS = tuple(f for f in AuditRecord._meta.concrete_fields if not f.primary_key)


@cache
def _append_sql(vendor: str) -> tuple[str, str]:
    del vendor  # part of the cache key only: quoting is the backend's
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in _RECORD_FIELDS)
    marks = ", ".join(["%s"] * len(_RECORD_FIELDS))
    insert = (
        f"INSERT INTO {q(AuditRecord._meta.db_table)} ({columns}) VALUES ({marks})"
        f" RETURNING {q('id')}"
    )
    head = f"UPDATE {q(AuditChainHead._meta.db_table)} SET {q('seq')} = %s, {q('hash')} = %s"
    return insert, head + f" WHERE {q('id')} = 1"


def _append(record: AuditRecord) -> None:
    """INSERT the record (values prepared by each field, as ``save()`` would) and move the head."""
    insert, head = _append_sql(connection.vendor)
    values = [f.get_db_prep_save(getattr(record, f.attname), connection) for f in _RECORD_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(insert, values)
        record.pk = cursor.fetchone()[0]
        cursor.execute(head, [record.seq, record.hash])
    record._state.adding = False
    record._state.db = connection.alias


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
