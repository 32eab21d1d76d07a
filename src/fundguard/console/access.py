"""Who may open a console page: signed in, a staff role, the one-time code if the role needs it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fundguard.audit.permission_events import permission_denied_record
from fundguard.core.otp import otp_required
from fundguard.core.roles import CONSOLE_ROLES, role_of

View = Callable[..., HttpResponse]


def _otp_verified(user: Any) -> bool:
    """django-otp's middleware gives signed-in users ``is_verified()``."""
    return bool(getattr(user, "is_verified", lambda: False)())


def staff_page(permission: str | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect(f"/signin/?next={request.path}")
            if role_of(user) not in CONSOLE_ROLES or (
                otp_required(user) and not _otp_verified(user)
            ):
                logout(request)
                return redirect("console:signin")
            if permission is not None and not user.has_perm(permission):
                permission_denied_record(actor=user, attempted=permission)
                return render(request, "console/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
