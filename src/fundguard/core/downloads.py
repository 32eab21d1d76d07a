"""A file as an HTTP response whose name survives every browser: an ASCII ``filename`` and the
real (often Chinese) name in ``filename*`` (RFC 6266 / RFC 5987)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse


def file_response(
    content: bytes, *, content_type: str, ascii_name: str, name: str, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "no-store"
    return response
