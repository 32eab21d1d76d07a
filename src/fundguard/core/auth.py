"""Sign-in helpers: usernames compare case- and whitespace-insensitively everywhere."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


def normalize_username(username: str) -> str:
    """The one spelling of a username: stripped and case-folded (so lockout cannot be dodged)."""
    return "".join(username.split()).casefold()


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """django-axes counts failures against the normalized username."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_username(str(raw))


class NormalizedUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None:
            username = normalize_username(username)
        return super().authenticate(request, username=username, password=password, **kwargs)
