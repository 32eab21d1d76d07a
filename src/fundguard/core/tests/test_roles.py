"""Role groups as migrated: what each role may do, checked through the real groups."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from fundguard.audit.models import AuditRecord
from fundguard.core.roles import MONEY_PERMISSIONS, ROLE_PERMISSIONS, Role, role_of
from fundguard.core.services.roles import roles_sync

pytestmark = pytest.mark.django_db

MONEY_APPS = ("ledger", "transfers", "payments")


def _group_permissions(role: Role) -> set[str]:
    group = Group.objects.get(name=str(role))
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_every_role_exists_as_a_group_holding_exactly_its_declared_permissions():
    for role, wanted in ROLE_PERMISSIONS.items():
        assert _group_permissions(role) == set(wanted), role
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_every_declared_permission_exists_in_the_database():
    declared = set(MONEY_PERMISSIONS).union(*ROLE_PERMISSIONS.values())
    existing = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }

    assert declared <= existing


def test_admin_holds_no_money_permission(make_user):
    admin = make_user("admin")

    held = admin.get_all_permissions()

    assert not held & MONEY_PERMISSIONS
    assert not [p for p in held if p.split(".", 1)[0] in MONEY_APPS]
    assert not [p for p in held if "approve" in p or ".post_" in p]
    assert "core.manage_users" in held


def test_auditors_and_customers_hold_no_money_permission_and_read_only_in_money_apps():
    for role in (Role.auditor, Role.customer):
        held = _group_permissions(role)
        assert not held & MONEY_PERMISSIONS, role
        in_money_apps = [p for p in held if p.split(".", 1)[0] in MONEY_APPS]
        assert all(p.split(".", 1)[1].startswith("view_") for p in in_money_apps), role


def test_the_admin_group_holds_nothing_in_the_ledger_or_transfers():
    held = _group_permissions(Role.admin)

    assert not held & MONEY_PERMISSIONS
    assert [p for p in held if p.split(".", 1)[0] in MONEY_APPS] == []


def test_auditor_can_read_and_verify_the_trail_and_only_read_anything_else(make_user):
    auditor = make_user("auditor")

    held = auditor.get_all_permissions()

    assert {"audit.view_audit_trail", "audit.verify_audit_trail"} <= held
    writes = [p for p in held if not p.split(".", 1)[1].startswith(("view_", "verify_"))]
    assert writes == []


@pytest.mark.parametrize("role", list(Role))
def test_each_user_holds_the_one_role_they_were_created_with(make_user, role):
    user = make_user(role)

    assert role_of(user) == role
    assert user.groups.count() == 1


def test_roles_sync_restores_a_group_whose_permissions_were_changed_and_audits_it():
    group = Group.objects.get(name="admin")
    extra = Permission.objects.get(content_type__app_label="audit", codename="view_audit_trail")
    group.permissions.add(extra)

    changed = roles_sync()

    assert changed == ["admin"]
    assert _group_permissions(Role.admin) == set(ROLE_PERMISSIONS[Role.admin])
    record = AuditRecord.objects.filter(action="role.synced").order_by("-seq").first()
    assert record is not None
    assert record.object_id == str(group.pk)
    before, after = record.changes["permissions"]
    assert "audit.view_audit_trail" in before
    assert "audit.view_audit_trail" not in after


def test_roles_sync_changes_nothing_when_groups_already_match():
    records = AuditRecord.objects.count()

    assert roles_sync() == []
    assert AuditRecord.objects.count() == records
