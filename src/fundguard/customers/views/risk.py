"""Risk pages: class and category, credit profile, manual risk override proposed by one
risk officer and approved by a second, and the erasure of a customer's personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.customers import services
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.forms import (
    ClassifyForm,
    CreditProfileForm,
    EraseForm,
    RiskOverrideForm,
    error_place,
)
from fundguard.customers.models import CreditProfile, OverrideStatus, RiskRating
from fundguard.customers.views.customers import customer_or_404
from fundguard.customers.views.records import _record_page

RATE = "customers.rate_risk"
APPROVE = "customers.approve_risk_override"
ERASE = "customers.erase_personal_data"


@staff_page(RATE)
def classify(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_or_404(customer_id)
    return _record_page(
        request,
        customer.pk,
        form_class=ClassifyForm,
        title=gettext_lazy("Set class and category"),
        call=lambda actor, cid, data: services.customer_classify(
            actor=actor, customer_id=cid, **data
        ),
        done=gettext_lazy("Class and category saved."),
        initial={"value_class": customer.value_class, "category": customer.category},
    )


def _count(text: str, field: str, *, blank: int | None) -> int | None:
    """A whole number typed in a form; a bad one is the service's refusal for that field."""
    text = text.strip().replace(",", "")
    if not text:
        return blank
    if not text.isdigit():
        raise invalid(CustomerError.credit_profile_invalid, field)
    return int(text)


def _money(text: str, currency: str, field: str) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return parse_amount(text, currency)
    except DomainError as exc:
        place = "limit_currency" if exc.field == "currency" else field
        raise DomainError(CoreError.invalid_input, field=place, message=exc.message) from None


def _credit_set(actor: Any, customer_id: int, data: dict[str, Any]) -> object:
    """The same parsing as ``PUT /api/v1/customers/{id}/credit-profile``."""
    currency = str(data["limit_currency"]).strip().upper()
    limit_minor = _money(data["limit"], currency, "limit") if data["limit"].strip() else None
    overdue = _money(data["overdue_amount"], currency or "CNY", "overdue_amount")
    return services.credit_profile_set(
        actor=actor,
        customer_id=customer_id,
        score=_count(data["score"], "score", blank=None),
        grade=data["grade"],
        limit_minor=limit_minor,
        limit_currency=currency,
        overdue_count=_count(data["overdue_count"], "overdue_count", blank=0) or 0,
        overdue_amount_minor=overdue or 0,
        external_report_reference=data["external_report_reference"],
    )


def _credit_initial(profile: CreditProfile | None) -> dict[str, Any]:
    if profile is None:
        return {}
    currency = profile.limit_currency or "CNY"
    return {
        "score": "" if profile.score is None else str(profile.score),
        "grade": profile.grade,
        "limit": (
            "" if profile.limit_minor is None else format_amount(profile.limit_minor, currency)
        ),
        "limit_currency": currency,
        "overdue_count": str(profile.overdue_count),
        "overdue_amount": format_amount(profile.overdue_amount_minor, currency),
        "external_report_reference": profile.external_report_reference,
    }


@staff_page(RATE)
def credit_profile(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_or_404(customer_id)
    return _record_page(
        request,
        customer.pk,
        form_class=CreditProfileForm,
        title=gettext_lazy("Enter the credit profile"),
        call=_credit_set,
        done=gettext_lazy("Credit profile saved."),
        initial=_credit_initial(getattr(customer, "credit_profile", None)),
    )


@staff_page(RATE)
def risk_override_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=RiskOverrideForm,
        title=gettext_lazy("Propose a manual risk level"),
        call=lambda actor, cid, data: services.risk_override_propose(
            actor=actor, customer_id=cid, **data
        ),
        done=gettext_lazy("Risk override proposed: it takes effect when a second person approves."),
    )


def pending_overrides() -> list[RiskRating]:
    """Each customer's latest rating, where it carries an override waiting for approval."""
    pending = (
        RiskRating.objects.filter(override_status=OverrideStatus.pending)
        .select_related("customer", "rated_by")
        .order_by("pk")
    )
    latest: dict[int, int] = {}
    for customer_id, rating_id in RiskRating.objects.filter(
        customer_id__in=pending.values("customer_id")
    ).values_list("customer_id", "pk"):
        latest[customer_id] = max(rating_id, latest.get(customer_id, 0))
    return [r for r in pending if latest.get(r.customer_id) == r.pk]


@staff_page(APPROVE)
def risk_override_list(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/risk_overrides.html", {"ratings": pending_overrides()})


@require_POST
@staff_page(APPROVE)
def risk_override_approve(request: HttpRequest, rating_id: int) -> HttpResponse:
    rating = RiskRating.objects.filter(pk=rating_id).only("customer_id").first()
    if rating is None:
        raise Http404
    try:
        services.risk_override_approve(actor=request.user, rating_id=rating.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Risk override approved."))
    if request.POST.get("next") == "list":
        return redirect("customers:risk_override_list")
    return redirect("customers:customer_detail", customer_id=rating.customer_id)


@staff_page(ERASE)
def erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_or_404(customer_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_erase(
                actor=request.user, customer_id=customer.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(request, _("The customer's personal data has been erased."))
            return redirect("customers:customer_detail", customer_id=customer.pk)
    context = {"customer": customer, "form": form}
    return render(request, "customers/erase.html", context)
