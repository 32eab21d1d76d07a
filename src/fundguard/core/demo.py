"""Demo data for the embedded mode, loaded idempotently by ``fundguard demo``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from fundguard.core.otp import otp_device
from fundguard.core.roles import Role
from fundguard.core.services.users import user_create

DEMO_PASSWORD = "FundGuard-demo-2026"  # noqa: S105 (printed by `fundguard demo`)

DEMO_USERS: list[tuple[str, Role]] = [
    ("operator", Role.operator),
    ("approver1", Role.approver_l1),
    ("approver2", Role.approver_l2),
    ("approver3", Role.approver_l3),
    ("risk", Role.risk_officer),
    ("auditor", Role.auditor),
    ("admin", Role.admin),
    ("integration", Role.integration),
]


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    role: Role
    password: str | None
    provisioning_uri: str | None


def demo_users_load() -> list[DemoSignIn]:
    """Create the demo users that do not exist yet; return every demo sign-in."""
    sign_ins = []
    for username, role in DEMO_USERS:
        password = None if role is Role.integration else DEMO_PASSWORD
        if not User.objects.filter(username=username).exists():
            user_create(actor=None, username=username, role=role, password=password)
        user = User.objects.get(username=username)
        device = otp_device(user)
        sign_ins.append(DemoSignIn(username, role, password, device.config_url if device else None))
    return sign_ins
