"""One-time codes (TOTP through django-otp)."""

from __future__ import annotations

from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.core.roles import OTP_REQUIRED_ROLES, role_of


def otp_required(user: Any) -> bool:
    return role_of(user) in OTP_REQUIRED_ROLES


def otp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_verify(user: Any, code: str) -> TOTPDevice | None:
    """The device that accepts ``code`` (each code is accepted once), or None."""
    device = otp_device(user)
    code = "".join(code.split())
    if device is None or not code.isdigit() or not device.verify_token(code):
        return None
    return device


def current_code(user: Any) -> str:
    """The code an authenticator app would show now (tests and the embedded demo)."""
    device = otp_device(user)
    if device is None:
        raise LookupError(f"{user} has no one-time code device")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
