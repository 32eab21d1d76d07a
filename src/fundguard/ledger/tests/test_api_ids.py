"""Ids beyond a BIGINT are bad input (422 naming the field), never a database error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

TOO_BIG = 2**64


def test_an_account_id_beyond_a_bigint_is_refused_naming_it(client, make_user, bearer):
    headers = bearer(make_user("operator"))

    response = client.get(f"/api/v1/ledger/accounts/{TOO_BIG}", headers=headers)

    assert response.status_code == 422
    assert response.json()["field"] == "account_id"


def test_a_hold_on_an_account_id_beyond_a_bigint_is_refused_naming_it(client, make_user, bearer):
    headers = {**bearer(make_user("operator")), "Idempotency-Key": "hold-too-big"}
    body = {"debit_account": TOO_BIG, "credit_account": 1, "amount": "1.00"}

    response = client.post(
        "/api/v1/ledger/holds", body, content_type="application/json", headers=headers
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": response.json()["message"],
        "field": "debit_account",
    }
