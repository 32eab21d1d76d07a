"""Registering, finding, reading and changing customers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema

from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import parse_amount
from fundguard.core.permissions import require_permission
from fundguard.customers import services
from fundguard.customers.api._common import (
    VIEW,
    credit_out,
    customer_out,
    document_out,
    funds_out,
    owner_out,
    rating_out,
    review_out,
    router,
)
from fundguard.customers.models import Customer
from fundguard.customers.schemas import (
    CustomerDetailOut,
    CustomerIn,
    CustomerOut,
    CustomerPageOut,
    CustomerPatch,
)
from fundguard.customers.selectors import (
    bank_details_view,
    customer_get,
    customer_list,
    funds_accounts,
    identity_document_view,
)

MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000


class CustomerFilters(Schema):
    search: str = ""
    risk_level: str = ""
    kyc_status: str = ""
    value_class: str = ""
    category: str = ""
    review_due: bool = False
    limit: int = 50
    offset: int = 0


def _detail(customer: Customer) -> dict[str, Any]:
    out = customer_out(customer)
    out["identity_documents"] = [
        identity_document_view(d) for d in customer.identity_documents.all()
    ]
    out["beneficial_owners"] = [owner_out(o) for o in customer.beneficial_owners.all()]
    out["bank_accounts"] = [bank_details_view(a) for a in customer.bank_accounts.all()]
    out["beneficiaries"] = [bank_details_view(b) for b in customer.beneficiaries.all()]
    out["documents"] = [
        document_out(d) for d in customer.documents.defer("content_sealed").order_by("id")
    ]
    out["funds_accounts"] = [funds_out(account) for _, account in funds_accounts(customer)]
    out["kyc_reviews"] = [
        review_out(r, customer) for r in customer.kyc_reviews.select_related("reviewer")
    ]
    out["risk_ratings"] = [
        rating_out(r) for r in customer.risk_ratings.select_related("rated_by", "approved_by")
    ]
    out["credit_profile"] = credit_out(customer)
    return out


def _volume_minor(text: str | None, currency: str) -> int | None:
    if text is None or text == "":
        return None
    amount = parse_amount(text, (currency or "").upper())
    if amount < 0:
        raise DomainError(CoreError.invalid_input, field="expected_monthly_volume")
    return amount


@router.post(
    "",
    response={201: CustomerOut},
    summary="Register a customer",
    operation_id="fundguard_customers_api_customer_create",
)
def customer_create(request: HttpRequest, payload: CustomerIn) -> tuple[int, dict[str, Any]]:
    fields = payload.dict()
    volume = fields.pop("expected_monthly_volume")
    fields["expected_monthly_volume_minor"] = _volume_minor(
        volume, fields["expected_volume_currency"]
    )
    customer = services.customer_create(actor=request.user, **fields)
    return 201, customer_out(customer)


@router.get(
    "",
    response=CustomerPageOut,
    summary="Customers: search and filters",
    operation_id="fundguard_customers_api_customer_search",
)
def customer_search(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    require_permission(request.user, VIEW)
    customers = customer_list(
        search=filters.search,
        risk_level=filters.risk_level,
        kyc_status=filters.kyc_status,
        value_class=filters.value_class,
        category=filters.category,
        review_due=filters.review_due,
    )
    limit = max(1, min(filters.limit, MAX_PAGE_SIZE))
    offset = min(max(0, filters.offset), MAX_OFFSET)
    page = customers.prefetch_related("identity_documents")[offset : offset + limit]
    return {"count": customers.count(), "results": [customer_out(c) for c in page]}


@router.get(
    "/{int:customer_id}",
    response=CustomerDetailOut,
    summary="One customer, 360°",
    operation_id="fundguard_customers_api_customer_detail",
)
def customer_detail(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    require_permission(request.user, VIEW)
    return _detail(customer_get(customer_id))


@router.patch(
    "/{int:customer_id}",
    response=CustomerOut,
    summary="Change a customer",
    operation_id="fundguard_customers_api_customer_update",
)
def customer_update(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    if "expected_monthly_volume" in changes or "expected_volume_currency" in changes:
        current = customer_get(customer_id)
        currency = changes.get("expected_volume_currency") or current.expected_volume_currency
        text = changes.pop("expected_monthly_volume", None)
        if text is not None:
            changes["expected_monthly_volume_minor"] = _volume_minor(text, currency)
        changes["expected_volume_currency"] = currency
    changes = {k: v for k, v in changes.items() if v is not None or k.startswith("expected")}
    customer = services.customer_update(
        actor=request.user, customer_id=customer_id, changes=changes
    )
    return customer_out(customer)
