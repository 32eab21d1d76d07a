from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from fundguard.audit.models import AuditRecord
from fundguard.audit.selectors import audit_chain_verify
from fundguard.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None, action="test.appended", object_id=str(i), changes={"i": [None, i]}
            )


def test_appended_records_form_an_intact_chain():
    _append(5)
    checked, problem = audit_chain_verify()
    assert problem is None
    assert checked == AuditRecord.objects.count() >= 5


def test_update_of_an_audit_record_is_refused_by_the_database():
    _append(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditRecord.objects.update(action="tampered")
    assert not AuditRecord.objects.filter(action="tampered").exists()


def test_delete_of_an_audit_record_is_refused_by_the_database():
    _append(1)
    count = AuditRecord.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.count() == count


def test_raw_sql_update_is_refused_too():
    _append(1)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET actor_username = 'mallory'")
