from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

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


class AuditFilters(Schema):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 100
    before_seq: int | None = None


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
