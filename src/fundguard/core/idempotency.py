"""Idempotency keys: the same request applied at most once per principal and key.

A service that moves money calls :func:`idempotency_claim` first thing inside its transaction:

* no row yet: the row is inserted and the service goes on to write; it ends with
  :func:`idempotency_complete`, which stores the result's reference;
* a row with the same fingerprint: the stored result is returned and the service writes
  nothing;
* a row with another fingerprint: ``idempotency_key_reused``.

The claim is one statement in the common case: ``INSERT ... ON CONFLICT (principal_id, key)
DO NOTHING RETURNING id`` (PostgreSQL and SQLite >= 3.35). Two concurrent requests with one
key: the second insert waits on the unique index until the first commits, inserts nothing, and
(read committed) then reads the first one's row and result. No savepoint is needed, because a
conflict is not an error.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from fundguard.core.errors import CoreError, DomainError
from fundguard.core.models import IdempotencyKey

MAX_KEY_LENGTH = 200
SYSTEM_PRINCIPAL_ID = 0


def fingerprint_of(scope: str, payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the scope and payload."""
    canonical = json.dumps(
        {"scope": scope, "payload": payload},
        cls=DjangoJSONEncoder,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def principal_of(actor: Any) -> int:
    return int(getattr(actor, "pk", None) or SYSTEM_PRINCIPAL_ID)


@dataclass(frozen=True)
class Claim:
    row: IdempotencyKey
    is_replay: bool

    @property
    def result_id(self) -> int | None:
        return self.row.result_id


def _check(row: IdempotencyKey, fingerprint: str) -> Claim:
    if row.fingerprint != fingerprint:
        raise DomainError(CoreError.idempotency_key_reused, field="Idempotency-Key")
    return Claim(row=row, is_replay=True)


def _claim_sql() -> str:
    q = connection.ops.quote_name
    columns = ("principal_id", "key", "scope", "fingerprint", "result_type", "created_at")
    return (
        f"INSERT INTO {q(IdempotencyKey._meta.db_table)} ({', '.join(map(q, columns))})"
        f" VALUES (%s, %s, %s, %s, '', %s)"
        f" ON CONFLICT ({q('principal_id')}, {q('key')}) DO NOTHING RETURNING {q('id')}"
    )


def idempotency_claim(*, actor: Any, key: str, scope: str, payload: dict[str, Any]) -> Claim:
    """Claim ``key`` for this request, or return the first request's claim (a replay)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim must run inside the service's transaction")
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(CoreError.idempotency_key_missing, field="Idempotency-Key")
    principal_id = principal_of(actor)
    fingerprint = fingerprint_of(scope, payload)
    row = IdempotencyKey(
        principal_id=principal_id,
        key=key,
        scope=scope,
        fingerprint=fingerprint,
        created_at=timezone.now(),
    )
    created_at = connection.ops.adapt_datetimefield_value(row.created_at)
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [principal_id, key, scope, fingerprint, created_at])
        inserted = cursor.fetchone()
    if inserted is None:
        # The key was claimed before (a replay), or by a concurrent request that committed
        # while our insert waited on the unique index; its row is visible now.
        return _check(IdempotencyKey.objects.get(principal_id=principal_id, key=key), fingerprint)
    row.pk = inserted[0]
    row._state.adding = False
    row._state.db = connection.alias
    return Claim(row=row, is_replay=False)


def idempotency_complete(claim: Claim, *, result_type: str, result_id: int) -> None:
    """Record the result of a claimed request, in the same transaction."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(IdempotencyKey._meta.db_table)}"
            f" SET {q('result_type')} = %s, {q('result_id')} = %s WHERE {q('id')} = %s",
            [result_type, result_id, claim.row.pk],
        )
        assert cursor.rowcount == 1, "a claimed key's row exists until its transaction ends"
    claim.row.result_type, claim.row.result_id = result_type, result_id
