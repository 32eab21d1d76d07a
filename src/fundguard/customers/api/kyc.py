"""KYC reviews, risk ratings and their four-eyes overrides, class and credit profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fundguard.core.money import parse_amount
from fundguard.customers import services
from fundguard.customers.api._common import credit_out, customer_out, rating_out, review_out, router
from fundguard.customers.schemas import (
    ClassifyIn,
    CreditProfileIn,
    CreditProfileOut,
    CustomerOut,
    KycReviewIn,
    KycReviewOut,
    RiskOverrideIn,
    RiskRatingIn,
    RiskRatingOut,
)
from fundguard.customers.selectors import customer_get


@router.post(
    "/{int:customer_id}/kyc-reviews",
    response={201: KycReviewOut},
    summary="Record a KYC review",
    operation_id="fundguard_customers_api_kyc_review_record",
)
def kyc_review_record(
    request: HttpRequest, customer_id: int, payload: KycReviewIn
) -> tuple[int, dict[str, Any]]:
    review = services.kyc_review_record(
        actor=request.user,
        customer_id=customer_id,
        outcome=payload.outcome,
        findings=payload.notes,
        reviewed_on=payload.reviewed_on,
        document_ids=payload.document_ids,
    )
    return 201, review_out(review, customer_get(customer_id))


@router.post(
    "/{int:customer_id}/risk-ratings",
    response={201: RiskRatingOut},
    summary="Rate the customer's risk from its factors",
    operation_id="fundguard_customers_api_risk_rating_compute",
)
def risk_rating_compute(
    request: HttpRequest, customer_id: int, payload: RiskRatingIn
) -> tuple[int, dict[str, Any]]:
    rating = services.risk_rating_compute(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, rating_out(rating)


@router.post(
    "/{int:customer_id}/risk-overrides",
    response={201: RiskRatingOut},
    summary="Propose a manual risk level (needs a second person's approval)",
    operation_id="fundguard_customers_api_risk_override_propose",
)
def risk_override_propose(
    request: HttpRequest, customer_id: int, payload: RiskOverrideIn
) -> tuple[int, dict[str, Any]]:
    rating = services.risk_override_propose(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, rating_out(rating)


@router.post(
    "/risk-ratings/{int:rating_id}/approve",
    response=RiskRatingOut,
    summary="Approve another person's risk override",
    operation_id="fundguard_customers_api_risk_override_approve",
)
def risk_override_approve(request: HttpRequest, rating_id: int) -> dict[str, Any]:
    return rating_out(services.risk_override_approve(actor=request.user, rating_id=rating_id))


@router.post(
    "/{int:customer_id}/class",
    response=CustomerOut,
    summary="Set class and category",
    operation_id="fundguard_customers_api_customer_classify",
)
def customer_classify(request: HttpRequest, customer_id: int, payload: ClassifyIn) -> Any:
    customer = services.customer_classify(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return customer_out(customer)


@router.put(
    "/{int:customer_id}/credit-profile",
    response=CreditProfileOut,
    summary="Enter the credit profile by hand",
    operation_id="fundguard_customers_api_credit_profile_set",
)
def credit_profile_set(request: HttpRequest, customer_id: int, payload: CreditProfileIn) -> Any:
    limit_currency = payload.limit_currency.upper()
    limit_minor = None
    if payload.limit:
        limit_minor = parse_amount(payload.limit, limit_currency)
    services.credit_profile_set(
        actor=request.user,
        customer_id=customer_id,
        score=payload.score,
        grade=payload.grade,
        limit_minor=limit_minor,
        limit_currency=limit_currency,
        overdue_count=payload.overdue_count,
        overdue_amount_minor=parse_amount(payload.overdue_amount, limit_currency or "CNY"),
        external_report_reference=payload.external_report_reference,
    )
    return credit_out(customer_get(customer_id))
