"""What the customers API modules share: the router, the permission to read, the renderers."""

from __future__ import annotations

from typing import Any

from ninja import Router

from fundguard.core.money import format_amount
from fundguard.customers.masking import masked
from fundguard.customers.models import (
    BeneficialOwner,
    Customer,
    CustomerDocument,
    KycReview,
    RiskRating,
)
from fundguard.customers.selectors import customer_view
from fundguard.ledger.models import Account

router = Router(tags=["customers"])

VIEW = "customers.view_customers"


def _amount(amount_minor: int | None, currency: str) -> str | None:
    return None if amount_minor is None or not currency else format_amount(amount_minor, currency)


def customer_out(customer: Customer) -> dict[str, Any]:
    view = customer_view(customer)
    view["expected_monthly_volume"] = _amount(
        view.pop("expected_monthly_volume_minor"), view["expected_volume_currency"]
    )
    return view


def funds_out(account: Account) -> dict[str, Any]:
    return {
        "id": account.pk,
        "code": account.code,
        "currency": account.currency,
        "status": account.status,
        "balance": format_amount(account.balance_minor, account.currency),
        "available": format_amount(account.available_minor, account.currency),
        "opened_at": account.opened_at,
    }


def review_out(review: KycReview, customer: Customer) -> dict[str, Any]:
    return {
        "id": review.pk,
        "outcome": review.outcome,
        "notes": review.findings,
        "reviewer": review.reviewer.username,
        "reviewed_on": review.reviewed_on,
        "next_review_on": review.next_review_on,
        "kyc_status": customer.kyc_status,
    }


def rating_out(rating: RiskRating) -> dict[str, Any]:
    return {
        "id": rating.pk,
        "factors": rating.factors,
        "total_score": rating.total_score,
        "computed_level": rating.computed_level,
        "override_level": rating.override_level,
        "override_reason": rating.override_reason,
        "override_status": rating.override_status,
        "level_in_force": rating.level_in_force,
        "rated_by": rating.rated_by.username if rating.rated_by else None,
        "approved_by": rating.approved_by.username if rating.approved_by else None,
        "created_at": rating.created_at,
    }


def owner_out(owner: BeneficialOwner) -> dict[str, Any]:
    return {
        "id": owner.pk,
        "name": owner.name,
        "name_latin": owner.name_latin,
        "nationality": owner.nationality,
        "share_bp": owner.share_bp,
        "id_type": owner.id_type,
        "id_number_masked": masked(owner.id_last4, present=bool(owner.id_sealed)),
    }


def document_out(document: CustomerDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "content_type": document.content_type,
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "uploaded_at": document.uploaded_at,
    }


def credit_out(customer: Customer) -> dict[str, Any] | None:
    profile = getattr(customer, "credit_profile", None)
    if profile is None:
        return None
    return {
        "score": profile.score,
        "grade": profile.grade,
        "limit": _amount(profile.limit_minor, profile.limit_currency),
        "limit_currency": profile.limit_currency,
        "overdue_count": profile.overdue_count,
        "overdue_amount_minor": profile.overdue_amount_minor,
        "external_report_reference": profile.external_report_reference,
    }
