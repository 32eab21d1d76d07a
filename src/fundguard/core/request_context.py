"""Who is acting and from where, for the audit trail, without passing requests into services."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_ip: str | None


_current: ContextVar[RequestContext | None] = ContextVar("fundguard_request", default=None)


def current_request_context() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id=f"local-{uuid.uuid4().hex[:16]}", client_ip=None)
    return ctx


@contextmanager
def request_context(*, request_id: str, client_ip: str | None) -> Iterator[RequestContext]:
    ctx = RequestContext(request_id=request_id, client_ip=client_ip)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


class RequestContextMiddleware:
    """Gives every request an id (``X-Request-ID`` if sane, else a new one) and notes the IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if 0 < len(supplied) <= 64 and supplied.isprintable() else ""
        request_id = request_id or uuid.uuid4().hex
        with request_context(request_id=request_id, client_ip=request.META.get("REMOTE_ADDR")):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
