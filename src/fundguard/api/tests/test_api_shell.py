"""The API shell: bearer tokens, /me, JSON errors, the OpenAPI document and offline docs."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.test import Client

from fundguard.audit.models import AuditRecord
from fundguard.core.auth import normalize_username
from fundguard.core.errors import ERROR_CATALOGUE
from fundguard.core.otp import current_code

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
# A POST route that parses a JSON body (the first one the API got; any would do).
POST_ROUTE = "/api/v1/ledger/accounts"


def _is_error_body(body: dict, code: str) -> bool:
    return set(body) == {"code", "message", "field"} and body["code"] == code and body["message"]


@pytest.mark.parametrize("role", ["auditor", "admin", "integration", "operator"])
def test_me_names_the_token_holder_their_role_and_permissions(client, make_user, bearer, role):
    user = make_user(role)

    response = client.get(ME, headers=bearer(user))

    assert response.status_code == 200
    assert response.json() == {
        "username": user.username,
        "role": role,
        "permissions": sorted(user.get_all_permissions()),
    }


def test_me_for_an_auditor_lists_the_audit_permissions(client, make_user, bearer):
    response = client.get(ME, headers=bearer(make_user("auditor")))

    assert {"audit.verify_audit_trail", "audit.view_audit_trail"} <= set(
        response.json()["permissions"]
    )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer fg_deadbeef_not-a-real-secret",
        "Bearer not-even-our-format",
        "Basic YWxpY2U6c2VjcmV0",
        "Token {token}",
        "Bearer {token}x",
    ],
)
def test_a_missing_or_bad_token_is_a_401_json_error(client, make_user, bearer, authorization):
    token = bearer(make_user("auditor"))["Authorization"].removeprefix("Bearer ")
    headers = {} if authorization is None else {"Authorization": authorization.format(token=token)}

    response = client.get(ME, headers=headers)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert _is_error_body(response.json(), "authentication_required")
    assert response.json()["field"] is None


def test_a_console_session_does_not_authenticate_the_api(client, make_user):
    user = make_user("admin")
    client.post(
        "/signin/", {"username": user.username, "password": "correct-horse-battery-staple-42"}
    )
    client.post("/signin/code/", {"code": current_code(user)})
    assert client.get("/").status_code == 200

    response = client.get(ME)

    assert response.status_code == 401


def test_a_malformed_json_body_is_a_422_naming_the_body(client, make_user, bearer):
    headers = bearer(make_user("operator")) | {"Idempotency-Key": "malformed-1"}
    records = AuditRecord.objects.count()

    response = client.post(
        POST_ROUTE,
        data='{"code": "1000", "name": ',
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 422
    assert _is_error_body(response.json(), "malformed_json")
    assert response.json()["field"] == "body"
    assert AuditRecord.objects.count() == records


def test_a_body_of_the_wrong_shape_is_a_422_naming_the_field(client, make_user, bearer):
    headers = bearer(make_user("operator")) | {"Idempotency-Key": "shape-1"}

    response = client.post(
        POST_ROUTE,
        data={"code": "1000", "name": "Cash", "kind": "asset", "currency": "CNYX"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 422
    assert _is_error_body(response.json(), "invalid_input")
    assert response.json()["field"] == "currency"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/no-such-thing", "/api/v1/ledger/accounts/1/2/3", "/api/v1/me/extra", "/api/v1/a%0Ab"],
)
@pytest.mark.parametrize("with_token", [True, False])
def test_an_unknown_api_path_is_a_json_404(make_user, bearer, path, with_token):
    client = Client(enforce_csrf_checks=True)
    headers = bearer(make_user("auditor")) if with_token else {}

    responses = [client.get(path, headers=headers), client.post(path, headers=headers)]

    for response in responses:
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert _is_error_body(response.json(), "not_found")


def test_an_unsupported_method_on_a_known_path_is_still_a_405(client, make_user, bearer):
    response = client.delete(ME, headers=bearer(make_user("auditor")))

    assert response.status_code == 405


def test_every_request_gets_a_request_id_that_reaches_the_audit_trail(client, make_user, bearer):
    user = make_user("operator")

    response = client.get(
        "/api/v1/audit/records", headers=bearer(user) | {"X-Request-ID": "req-abc-123"}
    )

    assert response["X-Request-ID"] == "req-abc-123"
    denial = AuditRecord.objects.order_by("-seq").first()
    assert (denial.action, denial.request_id, denial.client_ip) == (
        "auth.permission_denied",
        "req-abc-123",
        "127.0.0.1",
    )


def test_the_openapi_document_is_valid_and_lists_the_foundation_operations(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    schemathesis.openapi.from_dict(document).validate()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/me", "/api/v1/audit/records", "/api/v1/audit/verify"):
        assert "get" in document["paths"][path], path
    schemes = document["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]


def test_the_docs_page_loads_every_script_and_style_from_our_own_static_files(client):
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets)
    assert any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = Client().get(asset)
        assert served.status_code == 200, asset
    assert "http://" not in html
    assert "https://" not in html
    policy = page.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy
    assert "http" not in policy


def test_usernames_with_spaces_or_capitals_are_one_user_everywhere():
    assert normalize_username(" Operator-1 ") == normalize_username("OPERATOR-1") == "operator-1"


def test_every_error_the_api_can_return_has_a_catalogued_code():
    assert {"authentication_required", "permission_denied", "malformed_json"} <= set(
        ERROR_CATALOGUE
    )
