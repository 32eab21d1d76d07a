from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from fundguard.core.services.users import token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer fg_<prefix>_<secret>``; sets ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user
