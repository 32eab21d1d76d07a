"""KYC reviews, risk ratings and overrides, customer class, credit profiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import currency_exponent
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.models import (
    CreditProfile,
    Customer,
    CustomerCategory,
    CustomerDocument,
    KycOutcome,
    KycReview,
    KycStatus,
    OverrideStatus,
    RiskLevel,
    RiskRating,
    ValueClass,
)
from fundguard.customers.risk import FACTOR_MAX
from fundguard.customers.services._common import check, customer_locked, next_review_on
from fundguard.customers.services.customers import rating_write, risk_level_apply

MAX_FINDINGS_CHARS = 5000
MAX_ID = 2**63
MAX_OVERDUE_COUNT = 1_000_000


def _require_person(actor: Any) -> None:
    """Reviews and approvals are a named person's judgement: the system cannot give them."""
    if actor is None:
        raise DomainError(CoreError.permission_denied, field="actor")


def kyc_review_record(
    *,
    actor: Any,
    customer_id: int,
    outcome: str,
    findings: str = "",
    reviewed_on: date | None = None,
    document_ids: Sequence[int] = (),
) -> KycReview:
    """Record a review. Verified: the next review falls due by risk level; rejected: none.

    Whoever registered the customer cannot verify them (four eyes).
    """
    _require_person(actor)
    check(actor, "customers.review_kyc")
    if outcome not in KycOutcome.values:
        raise invalid(CustomerError.kyc_outcome_unknown, "outcome")
    findings = (findings or "").strip()
    if len(findings) > MAX_FINDINGS_CHARS:
        raise DomainError(CoreError.invalid_input, field="notes")
    reviewed_on = reviewed_on or timezone.localdate()
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        if (
            outcome == KycOutcome.verified
            and actor is not None
            and customer.created_by_id == actor.pk
        ):
            raise DomainError(CustomerError.kyc_reviewer_is_creator, field="outcome")
        wanted = set(document_ids)
        documents = list(
            CustomerDocument.objects.filter(
                customer=customer, pk__in=[i for i in wanted if 0 < i < MAX_ID]
            )
        )
        if len(documents) != len(wanted):
            raise DomainError(CustomerError.customer_not_found, field="document_ids")
        before = {"kyc_status": customer.kyc_status, "next_review_on": customer.next_review_on}
        due = next_review_on(reviewed_on, customer.risk_level) if outcome == "verified" else None
        review = KycReview.objects.create(
            customer=customer,
            reviewer=actor,
            outcome=outcome,
            findings=findings,
            reviewed_on=reviewed_on,
            next_review_on=due,
        )
        review.documents.set(documents)
        customer.kyc_status = KycStatus(outcome)
        customer.next_review_on = due
        customer.kyc_verified_at = timezone.now() if outcome == "verified" else None
        customer.save(update_fields=["kyc_status", "next_review_on", "kyc_verified_at"])
        audit_record(
            actor=actor,
            action=f"customer.kyc_{outcome}",
            target=customer,
            changes={
                "kyc_status": [before["kyc_status"], customer.kyc_status],
                "next_review_on": [before["next_review_on"], due],
                "review_id": [None, review.pk],
                "documents": [None, sorted(d.pk for d in documents)],
            },
        )
    return review


def kyc_expire_due(*, today: date | None = None) -> int:
    """Verified customers whose review date has passed become expired (system task)."""
    today = today or timezone.localdate()
    expired = 0
    with transaction.atomic(durable=True):
        due = Customer.objects.select_for_update().filter(
            kyc_status=KycStatus.verified, next_review_on__lt=today, erased_at__isnull=True
        )
        for customer in due.order_by("pk"):
            customer.kyc_status = KycStatus.expired
            customer.save(update_fields=["kyc_status"])
            audit_record(
                actor=None,
                action="customer.kyc_expired",
                target=customer,
                changes={"kyc_status": [KycStatus.verified, KycStatus.expired]},
            )
            expired += 1
    return expired


def _score(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FACTOR_MAX:
        raise invalid(CustomerError.risk_score_out_of_range, field)
    return value


def risk_rating_compute(
    *,
    actor: Any,
    customer_id: int,
    products_channels_score: int = 0,
    adverse_history_score: int = 0,
) -> RiskRating:
    """Rate anew from the factors; a fresh rating ends any earlier override."""
    check(actor, "customers.rate_risk")
    products = _score(products_channels_score, "products_channels_score")
    adverse = _score(adverse_history_score, "adverse_history_score")
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        rating = rating_write(
            customer=customer,
            actor=actor,
            products_channels_score=products,
            adverse_history_score=adverse,
            carry_override=False,
        )
        changes = risk_level_apply(customer, rating.level_in_force)
        customer.save()
        audit_record(
            actor=actor,
            action="customer.risk_rated",
            target=customer,
            changes={
                "rating_id": [None, rating.pk],
                "factors": [None, rating.factors],
                "computed_level": [None, rating.computed_level],
                **changes,
            },
        )
    return rating


def risk_override_propose(*, actor: Any, customer_id: int, level: str, reason: str) -> RiskRating:
    """Propose a manual level; it takes effect only when a second person approves it."""
    check(actor, "customers.rate_risk")
    if level not in RiskLevel.values:
        raise invalid(CustomerError.risk_level_unknown, "level")
    reason = (reason or "").strip()
    if not reason:
        raise invalid(CustomerError.risk_override_reason_missing, "reason")
    if len(reason) > MAX_FINDINGS_CHARS:
        raise DomainError(CoreError.invalid_input, field="reason")
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        rating = rating_write(customer=customer, actor=actor, carry_override=False)
        rating.override_level = level
        rating.override_reason = reason
        rating.override_status = OverrideStatus.pending
        rating.save(update_fields=["override_level", "override_reason", "override_status"])
        audit_record(
            actor=actor,
            action="customer.risk_override_proposed",
            target=customer,
            changes={
                "rating_id": [None, rating.pk],
                "override_level": [customer.risk_level, level],
                "reason": [None, reason],
            },
        )
    return rating


def risk_override_approve(*, actor: Any, rating_id: int) -> RiskRating:
    """A second person puts a proposed override in force."""
    _require_person(actor)
    check(actor, "customers.approve_risk_override")
    with transaction.atomic(durable=True):
        rating = RiskRating.objects.select_for_update().filter(pk=rating_id).first()
        if rating is None:
            raise DomainError(CustomerError.risk_override_not_pending, field="rating_id")
        customer = customer_locked(rating.customer_id)
        latest = RiskRating.objects.filter(customer=customer).order_by("-id").first()
        if rating.override_status != OverrideStatus.pending or latest != rating:
            raise DomainError(CustomerError.risk_override_not_pending, field="rating_id")
        if actor is not None and rating.rated_by_id == actor.pk:
            raise DomainError(CustomerError.risk_override_approver_is_proposer, field="rating_id")
        rating.override_status = OverrideStatus.approved
        rating.approved_by = actor
        rating.approved_at = timezone.now()
        rating.save(update_fields=["override_status", "approved_by", "approved_at"])
        changes = risk_level_apply(customer, rating.override_level)
        customer.save()
        audit_record(
            actor=actor,
            action="customer.risk_override_approved",
            target=customer,
            changes={"rating_id": [None, rating.pk], **changes},
        )
    return rating


def customer_classify(
    *, actor: Any, customer_id: int, value_class: str = "", category: str = ""
) -> Customer:
    """Set the class (A/B/C by value) and/or category (重要 / 一般 / 高风险)."""
    check(actor, "customers.rate_risk")
    if value_class and value_class not in ValueClass.values:
        raise invalid(CustomerError.customer_class_unknown, "value_class")
    if category and category not in CustomerCategory.values:
        raise invalid(CustomerError.customer_class_unknown, "category")
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        changes: dict[str, list[Any]] = {}
        for name, value in (("value_class", value_class), ("category", category)):
            if value and getattr(customer, name) != value:
                changes[name] = [getattr(customer, name), value]
                setattr(customer, name, value)
        if changes:
            customer.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="customer.classified", target=customer, changes=changes
            )
    return customer


def _nonneg(value: int | None, field: str, *, optional: bool = True) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(CustomerError.credit_profile_invalid, field)
    return value


def credit_profile_set(
    *,
    actor: Any,
    customer_id: int,
    score: int | None = None,
    grade: str = "",
    limit_minor: int | None = None,
    limit_currency: str = "",
    overdue_count: int = 0,
    overdue_amount_minor: int = 0,
    external_report_reference: str = "",
) -> CreditProfile:
    """Enter the credit profile by hand (replaces the previous values; history in the audit)."""
    check(actor, "customers.rate_risk")
    if score is not None and (_nonneg(score, "score") or 0) > 1000:
        raise invalid(CustomerError.credit_profile_invalid, "score")
    grade = (grade or "").strip()
    if len(grade) > 8:
        raise invalid(CustomerError.credit_profile_invalid, "grade")
    _nonneg(limit_minor, "limit")
    limit_currency = (limit_currency or "").upper()
    if limit_minor is not None:
        currency_exponent(limit_currency)
    else:
        limit_currency = ""
    if (_nonneg(overdue_count, "overdue_count", optional=False) or 0) > MAX_OVERDUE_COUNT:
        raise invalid(CustomerError.credit_profile_invalid, "overdue_count")
    _nonneg(overdue_amount_minor, "overdue_amount", optional=False)
    reference = (external_report_reference or "").strip()
    if len(reference) > 100:
        raise invalid(CustomerError.credit_profile_invalid, "external_report_reference")
    values = {
        "score": score,
        "grade": grade,
        "limit_minor": limit_minor,
        "limit_currency": limit_currency,
        "overdue_count": overdue_count,
        "overdue_amount_minor": overdue_amount_minor,
        "external_report_reference": reference,
    }
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        profile, _ = CreditProfile.objects.select_for_update().get_or_create(customer=customer)
        changes = {
            name: [getattr(profile, name), value]
            for name, value in values.items()
            if getattr(profile, name) != value
        }
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save()
        if changes:
            audit_record(
                actor=actor, action="customer.credit_profile_set", target=customer, changes=changes
            )
    return profile
