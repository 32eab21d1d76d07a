"""Keeping the role groups equal to :data:`fundguard.core.roles.ROLE_PERMISSIONS`."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from fundguard.audit.services import audit_chain_head_ensure, audit_record
from fundguard.core.roles import ROLE_PERMISSIONS


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def roles_sync() -> list[str]:
    """Create or correct the role groups; return the names of the groups that changed."""
    changed: list[str] = []
    with transaction.atomic():
        for role, wanted in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=str(role))
            current = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            }
            if current == set(wanted):
                continue
            group.permissions.set([_permission(p) for p in sorted(wanted)])
            audit_record(
                actor=None,
                action="role.synced",
                target=group,
                changes={"permissions": [sorted(current), sorted(wanted)]},
            )
            changed.append(str(role))
    return changed


def roles_sync_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: make sure every app's permissions exist, then sync the groups."""
    if sender.label != "core":
        return
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    audit_chain_head_ensure()  # roles_sync appends audit records; after a flush it is gone
    roles_sync()
