"""Every API error is JSON ``{"code", "message", "field"}`` with a stable ``code``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fundguard.core.errors import ERROR_CATALOGUE, CoreError, DomainError


def _body(code: str, message: str, field: str | None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


def _field_of(error: dict[str, Any]) -> str | None:
    """The dotted path of the offending field, without ninja's 'body'/'query' prefix."""
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in {"body", "query", "path", "header", "form"}:
        loc = loc[1:]
    if loc and loc[0] == "payload":
        loc = loc[1:]
    return ".".join(loc) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, _body(exc.code, exc.message, exc.field), status=exc.status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        message = str(first.get("msg", ERROR_CATALOGUE[CoreError.invalid_input].message))
        return api.create_response(
            request,
            _body(CoreError.invalid_input, message, _field_of(first)),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        err = DomainError(CoreError.authentication_required)
        return api.create_response(request, _body(err.code, err.message, None), status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        err = DomainError(CoreError.not_found)
        return api.create_response(request, _body(err.code, err.message, None), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, ValueError):  # the body is not JSON at all
            err = DomainError(CoreError.malformed_json, field="body")
            return api.create_response(request, _body(err.code, err.message, "body"), status=422)
        code = CoreError.invalid_input if exc.status_code in (400, 422) else "http_error"
        return api.create_response(request, _body(code, str(exc), None), status=exc.status_code)


@csrf_exempt  # the API authenticates by bearer token only; it never reads the session cookie
def no_such_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    """A path under /api/v1/ that no route matches: the JSON ``not_found``, not Django's HTML."""
    err = DomainError(CoreError.not_found)
    return JsonResponse(_body(err.code, err.message, None), status=404)
