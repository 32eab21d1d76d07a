"""Staff and client users: creation, disabling, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.audit.permission_events import permission_denied_record
from fundguard.audit.services import audit_record
from fundguard.core.auth import normalize_username
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.models import ApiToken
from fundguard.core.permissions import require_permission
from fundguard.core.roles import OTP_REQUIRED_ROLES, Role, role_of

TOKEN_PREFIX_LENGTH = 16  # hex characters: 64 bits, so prefixes do not collide


@dataclass(frozen=True)
class CreatedUser:
    user: User
    totp_device: TOTPDevice | None

    @property
    def provisioning_uri(self) -> str | None:
        return self.totp_device.config_url if self.totp_device else None


def _role(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        raise DomainError(CoreError.unknown_role, field="role", role=name) from None


def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
) -> CreatedUser:
    """Create a user holding one role; roles that need a one-time code get a TOTP device.

    ``actor`` None means the operating-system operator at the CLI (recorded as "system").
    ``password`` None makes an API-only user with an unusable password.
    """
    if actor is not None:
        require_permission(actor, "core.manage_users")
    the_role = _role(role)
    username = normalize_username(username)
    if not username:
        raise DomainError(CoreError.invalid_input, field="username")
    if password is not None:
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as exc:
            raise DomainError(
                CoreError.password_too_weak, field="password", reasons=" ".join(exc.messages)
            ) from None
    with transaction.atomic(durable=True):
        if User.objects.filter(username=username).exists():
            raise DomainError(CoreError.username_taken, field="username", username=username)
        user = User(username=username, email=email, first_name=display_name[:150])
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=str(the_role)))
        device = None
        if the_role in OTP_REQUIRED_ROLES:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        audit_record(
            actor=actor,
            action="user.created",
            target=user,
            changes={"username": [None, username], "role": [None, str(the_role)]},
        )
    return CreatedUser(user=user, totp_device=device)


def user_get(username: str) -> User:
    try:
        return User.objects.get(username=normalize_username(username))
    except User.DoesNotExist:
        raise DomainError(CoreError.unknown_user, field="username", username=username) from None


def _end_sessions(user: User) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def user_disable(*, actor: User | None, user: User) -> User:
    """Disable a user: sign-in refused, open sessions ended, every API token revoked."""
    if actor is not None:
        require_permission(actor, "core.manage_users")
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().get(pk=user.pk)
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        sessions = _end_sessions(user)
        audit_record(
            actor=actor,
            action="user.disabled",
            target=user,
            changes={
                "is_active": [was_active, False],
                "tokens_revoked": [None, revoked],
                "sessions_ended": [None, sessions],
            },
        )
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, actor: User | None, user: User) -> tuple[ApiToken, str]:
    """Issue a token; the plain text is returned once and never stored.

    Only the holder may issue their own token (or the server operator at the CLI, actor None):
    whoever sees the plain text can act as the holder, so an administrator issuing tokens for
    others could move money through an integration user.
    """
    if actor is not None and actor.pk != user.pk:
        permission_denied_record(actor=actor, attempted="core.token_for_another_user")
        raise DomainError(CoreError.permission_denied, field="username")
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    plain = f"fg_{prefix}_{secret}"
    with transaction.atomic(durable=True):
        # Re-read under the lock: the caller's instance may predate a user_disable.
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise DomainError(CoreError.user_disabled, field="username")
        token = ApiToken.objects.create(user=user, prefix=prefix, digest=_digest(plain))
        audit_record(
            actor=actor,
            action="token.created",
            target=token,
            changes={"user": [None, user.username], "prefix": [None, prefix]},
        )
    return token, plain


def token_authenticate(plain: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != "fg":
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.digest, _digest(plain)):
        return None
    return token.user if token.user.is_active else None


def user_summary(user: Any) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": str(role_of(user) or ""),
        "permissions": sorted(user.get_all_permissions()),
    }
