"""Domain errors: a stable code, an HTTP status and a translated message, declared once.

Each app declares its codes as a ``StrEnum`` and registers them with :func:`register_errors`;
services raise :class:`DomainError`; the API and the console render it. Every registered code
is listed in ``docs/reference/errors.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    message: str | Promise


ERROR_CATALOGUE: dict[str, ErrorSpec] = {}


def register_errors(specs: dict[Any, tuple[int, str | Promise]]) -> None:
    """Add an app's codes to the catalogue; a code may be declared only once."""
    for code, (status, message) in specs.items():
        if str(code) in ERROR_CATALOGUE:
            raise ValueError(f"error code {code!s} is declared twice")
        ERROR_CATALOGUE[str(code)] = ErrorSpec(status=status, message=message)


class DomainError(Exception):
    """A refusal a user can act on. Raised by services; nothing has been written."""

    def __init__(
        self,
        code: StrEnum,
        *,
        field: str | None = None,
        message: str | Promise | None = None,
        **params: Any,
    ) -> None:
        spec = ERROR_CATALOGUE[str(code)]
        self.code = str(code)
        self.field = field
        self.status = spec.status
        self.params = params
        self._message = message if message is not None else spec.message
        super().__init__(f"{self.code}: {self.message}")

    @property
    def message(self) -> str:
        text = str(self._message)
        return text % self.params if self.params else text


class CoreError(StrEnum):
    permission_denied = "permission_denied"
    not_found = "not_found"
    invalid_input = "invalid_input"
    malformed_json = "malformed_json"
    authentication_required = "authentication_required"
    idempotency_key_missing = "idempotency_key_missing"
    idempotency_key_reused = "idempotency_key_reused"
    unknown_role = "unknown_role"
    unknown_user = "unknown_user"
    username_taken = "username_taken"
    password_too_weak = "password_too_weak"  # noqa: S105 (an error code)
    user_disabled = "user_disabled"


register_errors(
    {
        CoreError.permission_denied: (403, _("You do not have permission to do this.")),
        CoreError.not_found: (404, _("Not found.")),
        CoreError.invalid_input: (422, _("The input is not valid.")),
        CoreError.malformed_json: (422, _("The request body is not valid JSON.")),
        CoreError.authentication_required: (401, _("Sign in or send a valid bearer token.")),
        CoreError.idempotency_key_missing: (
            400,
            _("This request moves money: send an Idempotency-Key header."),
        ),
        CoreError.idempotency_key_reused: (
            422,
            _("This Idempotency-Key was already used with a different request."),
        ),
        CoreError.unknown_role: (400, _("Unknown role: %(role)s.")),
        CoreError.unknown_user: (404, _("Unknown user: %(username)s.")),
        CoreError.username_taken: (409, _("The username %(username)s is taken.")),
        CoreError.password_too_weak: (422, _("The password is too weak: %(reasons)s")),
        CoreError.user_disabled: (403, _("This user is disabled.")),
    }
)
