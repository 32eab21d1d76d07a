"""A flush (what every transactional test ends with) leaves a database the services can use."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from fundguard.audit.selectors import audit_chain_verify
from fundguard.audit.services import audit_record
from fundguard.core.roles import Role


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_chain_head_and_role_groups_are_back_and_appends_work():
    call_command("flush", interactive=False, verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) == {str(r) for r in Role}
    with transaction.atomic():
        record = audit_record(actor=None, action="test.after_flush")
    checked, problem = audit_chain_verify()
    assert problem is None
    assert record.seq == checked
