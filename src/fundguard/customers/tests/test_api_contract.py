"""The customers operationIds in the OpenAPI document: outside clients generate code from them.

They are pinned as they were published before ``customers/api.py`` became a package (ninja
derives a default from the module and function name, so a move would silently rename them).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

OPERATION_IDS = {
    ("post", "/api/v1/customers"): "customer_create",
    ("get", "/api/v1/customers"): "customer_search",
    ("get", "/api/v1/customers/{customer_id}"): "customer_detail",
    ("patch", "/api/v1/customers/{customer_id}"): "customer_update",
    ("post", "/api/v1/customers/{customer_id}/identity-documents"): "identity_document_add",
    ("post", "/api/v1/customers/{customer_id}/beneficial-owners"): "beneficial_owner_add",
    ("post", "/api/v1/customers/{customer_id}/bank-accounts"): "bank_account_add",
    ("get", "/api/v1/customers/{customer_id}/bank-accounts"): "bank_account_list",
    ("post", "/api/v1/customers/{customer_id}/beneficiaries"): "beneficiary_add",
    ("get", "/api/v1/customers/{customer_id}/beneficiaries"): "beneficiary_list",
    ("post", "/api/v1/customers/{customer_id}/documents"): "document_upload",
    ("get", "/api/v1/customers/{customer_id}/documents"): "document_list",
    ("post", "/api/v1/customers/{customer_id}/kyc-reviews"): "kyc_review_record",
    ("post", "/api/v1/customers/{customer_id}/risk-ratings"): "risk_rating_compute",
    ("post", "/api/v1/customers/{customer_id}/risk-overrides"): "risk_override_propose",
    ("post", "/api/v1/customers/risk-ratings/{rating_id}/approve"): "risk_override_approve",
    ("post", "/api/v1/customers/{customer_id}/class"): "customer_classify",
    ("put", "/api/v1/customers/{customer_id}/credit-profile"): "credit_profile_set",
    ("post", "/api/v1/customers/{customer_id}/accounts"): "funds_account_open",
    ("get", "/api/v1/customers/{customer_id}/accounts"): "funds_account_list",
    ("post", "/api/v1/customers/{customer_id}/reveal"): "customer_field_reveal",
    ("post", "/api/v1/customers/{customer_id}/erase"): "customer_erase",
}


def test_customers_operation_ids_are_the_published_ones(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]

    published = {
        (method, path): paths[path][method]["operationId"] for method, path in OPERATION_IDS
    }

    assert published == {
        route: f"fundguard_customers_api_{name}" for route, name in OPERATION_IDS.items()
    }


def test_every_customers_operation_names_its_operation_id():
    """A new route must choose its id (and be pinned above), not inherit a module's name."""
    from fundguard.customers.api import router

    operations = [
        operation
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]
    assert sorted(operation.operation_id for operation in operations) == sorted(
        f"fundguard_customers_api_{name}" for name in OPERATION_IDS.values()
    )
