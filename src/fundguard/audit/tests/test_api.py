"""GET /api/v1/audit/records and /api/v1/audit/verify: auditors read, others are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import _suspend_append_only_triggers
from django.db import connection, transaction

from fundguard.audit import services as audit_services
from fundguard.audit.models import AuditRecord
from fundguard.audit.services import audit_record

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/audit/records"
VERIFY = "/api/v1/audit/verify"


@pytest.fixture
def auditor_headers(make_user, bearer) -> dict[str, str]:
    return bearer(make_user("auditor"))


def _append_at(monkeypatch: Any, when: datetime, **kwargs: Any) -> AuditRecord:
    """Append a record as if it happened at ``when`` (the trail cannot be backdated later)."""
    monkeypatch.setattr(audit_services, "timezone", SimpleNamespace(now=lambda: when))
    try:
        with transaction.atomic():
            return audit_record(actor=None, **kwargs)
    finally:
        monkeypatch.undo()


@pytest.fixture
def history(monkeypatch) -> list[AuditRecord]:
    return [
        _append_at(
            monkeypatch,
            datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
            actor_username="carol",
            action="ledger.entry_posted",
            object_type="ledger.entry",
            object_id="7",
        ),
        _append_at(
            monkeypatch,
            datetime(2026, 3, 5, 4, 0, tzinfo=UTC),
            actor_username="dave",
            action="ledger.hold_placed",
            object_type="ledger.hold",
            object_id="3",
        ),
        _append_at(
            monkeypatch,
            datetime(2026, 3, 9, 4, 0, tzinfo=UTC),
            actor_username="carol",
            action="user.created",
            object_type="auth.user",
            object_id="12",
        ),
    ]


def _seqs(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [r["seq"] for r in response.json()["results"]]


def test_an_auditor_reads_records_newest_first_with_every_audited_field(
    client, auditor_headers, history
):
    response = client.get(RECORDS, headers=auditor_headers)

    body = response.json()
    assert _seqs(response) == sorted(_seqs(response), reverse=True)
    assert body["count"] == AuditRecord.objects.count()
    newest = body["results"][0]
    stored = AuditRecord.objects.order_by("-seq").first()
    assert newest["seq"] == stored.seq
    assert newest["hash"] == stored.hash
    assert set(newest) >= {
        "occurred_at",
        "actor_username",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "changes",
        "request_id",
        "client_ip",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "carol"}, [2, 0]),
        ({"actor": "CAROL"}, [2, 0]),
        ({"action": "ledger."}, [1, 0]),
        ({"action": "ledger.hold_placed"}, [1]),
        ({"object_type": "ledger.entry"}, [0]),
        ({"object_type": "ledger.entry", "object_id": "7"}, [0]),
        ({"object_type": "ledger.entry", "object_id": "8"}, []),
        ({"date_from": "2026-03-04", "date_to": "2026-03-08"}, [1]),
        ({"date_from": "2026-03-05"}, [2, 1]),
        ({"date_to": "2026-03-05", "actor": "carol"}, [0]),
        ({"actor": "carol", "action": "user."}, [2]),
    ],
)
def test_filters_narrow_the_records(client, auditor_headers, history, query, expected):
    scope = {"date_from": "2026-03-01", "date_to": "2026-03-31"} | query

    response = client.get(RECORDS, scope, headers=auditor_headers)

    assert _seqs(response) == [history[i].seq for i in expected]
    assert response.json()["count"] == len(expected)


def test_limit_caps_the_page_and_before_seq_pages_on(client, auditor_headers, history):
    first = client.get(RECORDS, {"limit": 2}, headers=auditor_headers)
    newest_two = _seqs(first)
    second = client.get(
        RECORDS, {"limit": 2, "before_seq": newest_two[-1]}, headers=auditor_headers
    )

    assert len(newest_two) == 2
    assert first.json()["count"] == AuditRecord.objects.count()
    assert _seqs(second) == [newest_two[-1] - 1, newest_two[-1] - 2]


@pytest.mark.parametrize(("limit", "size"), [(0, 1), (-5, 1), (10_000, 500)])
def test_limit_is_clamped_to_between_one_and_five_hundred(
    client, auditor_headers, limit, size, monkeypatch
):
    with transaction.atomic():
        for i in range(505 - AuditRecord.objects.count()):
            audit_record(actor=None, action="test.bulk", object_id=str(i))

    response = client.get(RECORDS, {"limit": limit}, headers=auditor_headers)

    assert len(_seqs(response)) == size


def test_a_malformed_date_filter_is_a_422_naming_the_field(client, auditor_headers):
    response = client.get(RECORDS, {"date_from": "yesterday"}, headers=auditor_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == "date_from"


def test_verify_reports_an_intact_chain(client, auditor_headers, history):
    response = client.get(VERIFY, headers=auditor_headers)

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "records_checked": AuditRecord.objects.count(),
        "first_bad_seq": None,
        "problem": None,
    }


def test_verify_names_the_first_bad_record_after_tampering(client, auditor_headers, history):
    restore = _suspend_append_only_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditrecord SET actor_username = 'mallory' WHERE seq = %s",
                [history[1].seq],
            )
    finally:
        restore()

    body = client.get(VERIFY, headers=auditor_headers).json()

    assert body["ok"] is False
    assert body["first_bad_seq"] == history[1].seq
    assert body["problem"].startswith(f"record #{history[1].seq}: edited")


@pytest.mark.parametrize("role", ["operator", "admin", "approver_l1", "integration", "customer"])
@pytest.mark.parametrize(
    ("path", "permission"),
    [(RECORDS, "audit.view_audit_trail"), (VERIFY, "audit.verify_audit_trail")],
)
def test_non_auditors_are_refused_and_the_refusal_is_audited(
    client, make_user, bearer, role, path, permission
):
    user = make_user(role)
    headers = bearer(user)
    before = AuditRecord.objects.count()

    response = client.get(path, headers=headers)

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": response.json()["message"],
        "field": None,
    }
    assert response.json()["message"]
    assert AuditRecord.objects.count() == before + 1
    denial = AuditRecord.objects.order_by("-seq").first()
    assert (denial.action, denial.actor_username, denial.actor_role, denial.object_id) == (
        "auth.permission_denied",
        user.username,
        role,
        permission,
    )


@pytest.mark.parametrize("path", [RECORDS, VERIFY])
def test_the_audit_api_without_a_token_is_a_401(client, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"actor": "car\x00ol"}, "actor"),
        ({"object_id": "7\x00"}, "object_id"),
        ({"action": "a" * 81}, "action"),
        ({"before_seq": str(2**64)}, "before_seq"),
    ],
    ids=["nul_in_actor", "nul_in_object_id", "action_too_long", "seq_beyond_bigint"],
)
def test_filters_the_database_cannot_hold_are_a_422_not_a_500(
    client, auditor_headers, query, field
):
    response = client.get(RECORDS, query, headers=auditor_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == field
