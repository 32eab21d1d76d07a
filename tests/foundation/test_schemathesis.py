"""Schemathesis against /api/v1/openapi.json through the WSGI app: no input gives a 5xx.

Runs every operation of the document with an auditor's token (reads succeed, writes are
refused), and every write with an operator's (writes go through to the services). Every error
response must also be the API's JSON error shape.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from fundguard.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

EXAMPLES_PER_OPERATION = 10
_keys = itertools.count(1)


def error_bodies_are_json_with_a_code(ctx: Any, response: Any, case: Any) -> None:
    """Every 4xx from our handlers is ``{"code", "message", "field"}`` with a sentence-like code.

    Except 405: django-ninja answers an unsupported method with plain text before any handler.
    """
    if response.status_code < 400 or response.status_code == 405:
        return
    body = response.json()
    assert set(body) == {"code", "message", "field"}, body
    assert body["code"], body
    assert body["code"].replace("_", "").isalpha(), body


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> Any:
    """The raw WSGI app closes the connection after each request (Django's Client does not)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _call(case: Any, headers: dict[str, str]) -> None:
    headers = dict(headers)
    if case.method == "POST":
        headers["Idempotency-Key"] = f"schemathesis-{next(_keys)}"
    case.call_and_validate(
        headers=headers, checks=[not_a_server_error, error_bodies_are_json_with_a_code]
    )


SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture
def auditor_headers(make_user: Any, bearer: Any) -> dict[str, str]:
    return bearer(make_user("auditor"))


@pytest.fixture
def operator_headers(make_user: Any, bearer: Any) -> dict[str, str]:
    return bearer(make_user("operator"))


@pytest.mark.slow
@schema.parametrize()
@SETTINGS
def test_no_request_by_an_auditor_gives_a_server_error(case: Any, auditor_headers: Any) -> None:
    _call(case, auditor_headers)


@pytest.mark.slow
@schema.include(method="POST").parametrize()
@SETTINGS
def test_no_write_by_an_operator_gives_a_server_error(case: Any, operator_headers: Any) -> None:
    _call(case, operator_headers)
