from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from fundguard.audit.selectors import audit_chain_verify, audit_record_list
from fundguard.core.permissions import require_permission

router = Router(tags=["audit"])

MAX_PAGE_SIZE = 500


class AuditRecordOut(Schema):
    seq: int
    occurred_at: datetime
    actor_username: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str
    client_ip: str
    hash: str


class AuditPageOut(Schema):
    count: int
    results: list[AuditRecordOut]


# No NUL characters: PostgreSQL refuses them in text and the query would fail with a 500.
NO_NUL = r"^[^\x00]*$"
MAX_SEQ = 2**63 - 1  # a BigIntegerField; larger numbers overflow in PostgreSQL


class AuditFilters(Schema):
    actor: str = Field("", max_length=150, pattern=NO_NUL)
    action: str = Field("", max_length=80, pattern=NO_NUL)
    object_type: str = Field("", max_length=80, pattern=NO_NUL)
    object_id: str = Field("", max_length=64, pattern=NO_NUL)
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 100
    before_seq: int | None = Field(None, ge=1, le=MAX_SEQ)


class VerifyOut(Schema):
    ok: bool
    records_checked: int
    first_bad_seq: int | None
    problem: str | None


@router.get("/records", response=AuditPageOut, summary="Audit records, newest first")
def records(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, Any]:
    require_permission(request.user, "audit.view_audit_trail")
    qs = audit_record_list(
        actor=filters.actor,
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    count = qs.count()
    if filters.before_seq is not None:
        qs = qs.filter(seq__lt=filters.before_seq)
    limit = max(1, min(filters.limit, MAX_PAGE_SIZE))
    return {"count": count, "results": list(qs[:limit])}


@router.get("/verify", response=VerifyOut, summary="Verify the hash chain")
def verify(request: HttpRequest) -> dict[str, Any]:
    require_permission(request.user, "audit.verify_audit_trail")
    checked, problem = audit_chain_verify()
    return {
        "ok": problem is None,
        "records_checked": checked,
        "first_bad_seq": problem.seq if problem else None,
        "problem": str(problem) if problem else None,
    }
