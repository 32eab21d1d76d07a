"""Sign-in, failed sign-in and lockout records.

These come from Django's and django-axes' signals because the password check happens inside
``authenticate()``; each receiver writes one audit record in its own transaction and does
nothing else.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from fundguard.audit.services import audit_record
from fundguard.core.auth import normalize_username


@receiver(user_logged_in, dispatch_uid="fundguard_audit_signed_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action="auth.signed_in", target=user)


@receiver(user_logged_out, dispatch_uid="fundguard_audit_signed_out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit_record(actor=user, action="auth.signed_out", target=user)


@receiver(user_login_failed, dispatch_uid="fundguard_audit_signin_failed")
def _signin_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    username = normalize_username(str(credentials.get("username", "")))
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_username=username or "anonymous",
            action="auth.signin_failed",
            object_type="auth.user",
            object_id=username,
            changes={"stage": [None, credentials.get("stage", "password")]},
        )


@receiver(user_locked_out, dispatch_uid="fundguard_audit_locked_out")
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_username=normalize_username(username or "") or "anonymous",
            action="auth.locked_out",
            object_type="auth.user",
            object_id=normalize_username(username or ""),
        )
