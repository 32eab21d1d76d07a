"""``/api/v1/customers``: parse, call one service or selector, render masked.

Responses never carry a full personal value: numbers, phone, e-mail and address go out as
``****1234`` (``*_masked``). The clear text comes only from ``POST /{id}/reveal``, which needs
``customers.reveal_personal_data`` and is audited. Documents are uploaded as JSON with the file
base64-encoded (``content_base64``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.core.permissions import require_permission
from fundguard.customers import services
from fundguard.customers.conf import setting
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.masking import masked
from fundguard.customers.models import (
    BankAccount,
    BeneficialOwner,
    Beneficiary,
    Customer,
    CustomerDocument,
    KycReview,
    RiskRating,
)
from fundguard.customers.schemas import (
    BankAccountIn,
    BankAccountOut,
    BeneficialOwnerIn,
    BeneficialOwnerOut,
    BeneficiaryIn,
    BeneficiaryOut,
    ClassifyIn,
    CreditProfileIn,
    CreditProfileOut,
    CustomerDetailOut,
    CustomerIn,
    CustomerOut,
    CustomerPageOut,
    CustomerPatch,
    DocumentIn,
    DocumentOut,
    EraseIn,
    FundsAccountIn,
    FundsAccountOut,
    IdentityDocumentIn,
    IdentityDocumentOut,
    KycReviewIn,
    KycReviewOut,
    RevealIn,
    RevealOut,
    RiskOverrideIn,
    RiskRatingIn,
    RiskRatingOut,
)
from fundguard.customers.selectors import (
    bank_details_view,
    customer_get,
    customer_list,
    customer_view,
    funds_accounts,
    identity_document_view,
)
from fundguard.ledger.models import Account

router = Router(tags=["customers"])

MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000
VIEW = "customers.view_customers"


class CustomerFilters(Schema):
    search: str = ""
    risk_level: str = ""
    kyc_status: str = ""
    value_class: str = ""
    category: str = ""
    review_due: bool = False
    limit: int = 50
    offset: int = 0


# --- rendering -----------------------------------------------------------------------------


def _amount(amount_minor: int | None, currency: str) -> str | None:
    return None if amount_minor is None or not currency else format_amount(amount_minor, currency)


def _customer_out(customer: Customer) -> dict[str, Any]:
    view = customer_view(customer)
    view["expected_monthly_volume"] = _amount(
        view.pop("expected_monthly_volume_minor"), view["expected_volume_currency"]
    )
    return view


def _funds_out(account: Account) -> dict[str, Any]:
    return {
        "id": account.pk,
        "code": account.code,
        "currency": account.currency,
        "status": account.status,
        "balance": format_amount(account.balance_minor, account.currency),
        "available": format_amount(account.available_minor, account.currency),
        "opened_at": account.opened_at,
    }


def _review_out(review: KycReview, customer: Customer) -> dict[str, Any]:
    return {
        "id": review.pk,
        "outcome": review.outcome,
        "notes": review.findings,
        "reviewer": review.reviewer.username,
        "reviewed_on": review.reviewed_on,
        "next_review_on": review.next_review_on,
        "kyc_status": customer.kyc_status,
    }


def _rating_out(rating: RiskRating) -> dict[str, Any]:
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


def _owner_out(owner: BeneficialOwner) -> dict[str, Any]:
    return {
        "id": owner.pk,
        "name": owner.name,
        "name_latin": owner.name_latin,
        "nationality": owner.nationality,
        "share_bp": owner.share_bp,
        "id_type": owner.id_type,
        "id_number_masked": masked(owner.id_last4, present=bool(owner.id_sealed)),
    }


def _document_out(document: CustomerDocument) -> dict[str, Any]:
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


def _credit_out(customer: Customer) -> dict[str, Any] | None:
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


def _detail(customer: Customer) -> dict[str, Any]:
    out = _customer_out(customer)
    out["identity_documents"] = [
        identity_document_view(d) for d in customer.identity_documents.all()
    ]
    out["beneficial_owners"] = [_owner_out(o) for o in customer.beneficial_owners.all()]
    out["bank_accounts"] = [bank_details_view(a) for a in customer.bank_accounts.all()]
    out["beneficiaries"] = [bank_details_view(b) for b in customer.beneficiaries.all()]
    out["documents"] = [
        _document_out(d) for d in customer.documents.defer("content_sealed").order_by("id")
    ]
    out["funds_accounts"] = [_funds_out(account) for _, account in funds_accounts(customer)]
    out["kyc_reviews"] = [
        _review_out(r, customer) for r in customer.kyc_reviews.select_related("reviewer")
    ]
    out["risk_ratings"] = [
        _rating_out(r) for r in customer.risk_ratings.select_related("rated_by", "approved_by")
    ]
    out["credit_profile"] = _credit_out(customer)
    return out


def _volume_minor(text: str | None, currency: str) -> int | None:
    if text is None or text == "":
        return None
    amount = parse_amount(text, (currency or "").upper())
    if amount < 0:
        raise DomainError(CoreError.invalid_input, field="expected_monthly_volume")
    return amount


# --- customers -----------------------------------------------------------------------------


@router.post("", response={201: CustomerOut}, summary="Register a customer")
def customer_create(request: HttpRequest, payload: CustomerIn) -> tuple[int, dict[str, Any]]:
    fields = payload.dict()
    volume = fields.pop("expected_monthly_volume")
    fields["expected_monthly_volume_minor"] = _volume_minor(
        volume, fields["expected_volume_currency"]
    )
    customer = services.customer_create(actor=request.user, **fields)
    return 201, _customer_out(customer)


@router.get("", response=CustomerPageOut, summary="Customers: search and filters")
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
    return {"count": customers.count(), "results": [_customer_out(c) for c in page]}


@router.get("/{int:customer_id}", response=CustomerDetailOut, summary="One customer, 360°")
def customer_detail(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    require_permission(request.user, VIEW)
    return _detail(customer_get(customer_id))


@router.patch("/{int:customer_id}", response=CustomerOut, summary="Change a customer")
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
    return _customer_out(customer)


# --- identity, owners ----------------------------------------------------------------------


@router.post(
    "/{int:customer_id}/identity-documents",
    response={201: IdentityDocumentOut},
    summary="Add an identity document",
)
def identity_document_add(
    request: HttpRequest, customer_id: int, payload: IdentityDocumentIn
) -> tuple[int, dict[str, Any]]:
    document = services.identity_document_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, identity_document_view(document)


@router.post(
    "/{int:customer_id}/beneficial-owners",
    response={201: BeneficialOwnerOut},
    summary="Add a beneficial owner (organizations)",
)
def beneficial_owner_add(
    request: HttpRequest, customer_id: int, payload: BeneficialOwnerIn
) -> tuple[int, dict[str, Any]]:
    owner = services.beneficial_owner_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, _owner_out(owner)


# --- bank accounts and beneficiaries -------------------------------------------------------


@router.post(
    "/{int:customer_id}/bank-accounts",
    response={201: BankAccountOut},
    summary="Add one of the customer's own bank accounts",
)
def bank_account_add(
    request: HttpRequest, customer_id: int, payload: BankAccountIn
) -> tuple[int, dict[str, Any]]:
    account = services.bank_account_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, bank_details_view(account)


@router.get(
    "/{int:customer_id}/bank-accounts", response=list[BankAccountOut], summary="Bank accounts"
)
def bank_account_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    customer = customer_get(customer_id)
    return [bank_details_view(a) for a in BankAccount.objects.filter(customer=customer)]


@router.post(
    "/{int:customer_id}/beneficiaries",
    response={201: BeneficiaryOut},
    summary="Save a beneficiary (收款人)",
)
def beneficiary_add(
    request: HttpRequest, customer_id: int, payload: BeneficiaryIn
) -> tuple[int, dict[str, Any]]:
    beneficiary = services.beneficiary_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, bank_details_view(beneficiary)


@router.get(
    "/{int:customer_id}/beneficiaries", response=list[BeneficiaryOut], summary="Beneficiaries"
)
def beneficiary_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    customer = customer_get(customer_id)
    return [bank_details_view(b) for b in Beneficiary.objects.filter(customer=customer)]


# --- documents -----------------------------------------------------------------------------


def _decode(payload: DocumentIn) -> bytes:
    limit = int(setting("CUSTOMERS_DOCUMENT_MAX_BYTES"))
    if len(payload.content_base64) > (limit // 3 + 1) * 4 + 4:
        raise invalid(CustomerError.document_too_large, "content_base64", limit=limit)
    try:
        return base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(CoreError.invalid_input, field="content_base64") from None


@router.post(
    "/{int:customer_id}/documents",
    response={201: DocumentOut},
    summary="Upload a document (JSON, file base64-encoded); stored encrypted",
)
def document_upload(
    request: HttpRequest, customer_id: int, payload: DocumentIn
) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "customers.manage_customers")
    content = _decode(payload)
    document = services.document_upload(
        actor=request.user,
        customer_id=customer_id,
        kind=payload.kind,
        filename=payload.filename,
        content_type=payload.content_type,
        content=content,
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
    )
    return 201, _document_out(document)


@router.get("/{int:customer_id}/documents", response=list[DocumentOut], summary="Documents")
def document_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    customer = customer_get(customer_id)
    documents = CustomerDocument.objects.filter(customer=customer).defer("content_sealed")
    return [_document_out(d) for d in documents.order_by("id")]


# --- KYC, risk, credit ---------------------------------------------------------------------


@router.post(
    "/{int:customer_id}/kyc-reviews", response={201: KycReviewOut}, summary="Record a KYC review"
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
    return 201, _review_out(review, customer_get(customer_id))


@router.post(
    "/{int:customer_id}/risk-ratings",
    response={201: RiskRatingOut},
    summary="Rate the customer's risk from its factors",
)
def risk_rating_compute(
    request: HttpRequest, customer_id: int, payload: RiskRatingIn
) -> tuple[int, dict[str, Any]]:
    rating = services.risk_rating_compute(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, _rating_out(rating)


@router.post(
    "/{int:customer_id}/risk-overrides",
    response={201: RiskRatingOut},
    summary="Propose a manual risk level (needs a second person's approval)",
)
def risk_override_propose(
    request: HttpRequest, customer_id: int, payload: RiskOverrideIn
) -> tuple[int, dict[str, Any]]:
    rating = services.risk_override_propose(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, _rating_out(rating)


@router.post(
    "/risk-ratings/{int:rating_id}/approve",
    response=RiskRatingOut,
    summary="Approve another person's risk override",
)
def risk_override_approve(request: HttpRequest, rating_id: int) -> dict[str, Any]:
    return _rating_out(services.risk_override_approve(actor=request.user, rating_id=rating_id))


@router.post("/{int:customer_id}/class", response=CustomerOut, summary="Set class and category")
def customer_classify(request: HttpRequest, customer_id: int, payload: ClassifyIn) -> Any:
    customer = services.customer_classify(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return _customer_out(customer)


@router.put(
    "/{int:customer_id}/credit-profile",
    response=CreditProfileOut,
    summary="Enter the credit profile by hand",
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
    return _credit_out(customer_get(customer_id))


# --- funds accounts ------------------------------------------------------------------------


@router.post(
    "/{int:customer_id}/accounts",
    response={201: FundsAccountOut},
    summary="Open a funds account (a ledger liability account owned by the customer)",
)
def funds_account_open(
    request: HttpRequest, customer_id: int, payload: FundsAccountIn
) -> tuple[int, dict[str, Any]]:
    link = services.funds_account_open(
        actor=request.user, customer_id=customer_id, currency=payload.currency
    )
    return 201, _funds_out(link.account)


@router.get(
    "/{int:customer_id}/accounts",
    response=list[FundsAccountOut],
    summary="Funds accounts and balances",
)
def funds_account_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    return [_funds_out(account) for _, account in funds_accounts(customer_get(customer_id))]


# --- personal data -------------------------------------------------------------------------


@router.post(
    "/{int:customer_id}/reveal",
    response=RevealOut,
    summary="Reveal one personal field in clear (audited)",
)
def customer_field_reveal(request: HttpRequest, customer_id: int, payload: RevealIn) -> Any:
    value = services.customer_field_reveal(
        actor=request.user,
        customer_id=customer_id,
        field=payload.field,
        object_id=payload.object_id,
    )
    return {"field": payload.field, "value": value}


@router.post(
    "/{int:customer_id}/erase",
    response=CustomerOut,
    summary="Erase personal data by destroying the customer's data key",
)
def customer_erase(request: HttpRequest, customer_id: int, payload: EraseIn) -> Any:
    customer = services.customer_erase(
        actor=request.user, customer_id=customer_id, reason=payload.reason
    )
    return _customer_out(customer)
