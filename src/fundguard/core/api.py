from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from fundguard.core.services.users import user_summary

router = Router(tags=["identity"])


class MeOut(Schema):
    username: str
    role: str
    permissions: list[str]


@router.get("/me", response=MeOut, summary="Who the bearer token belongs to")
def me(request: HttpRequest) -> dict[str, object]:
    return user_summary(request.user)
