"""Forms on the 360 page: bank account, beneficiary, document, KYC review, funds account;
the audited reveal of one masked value and the personal-data export."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.customers import services
from fundguard.customers.conf import setting
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.forms import (
    BankAccountForm,
    BeneficialOwnerForm,
    BeneficiaryForm,
    DocumentForm,
    FundsAccountForm,
    KycReviewForm,
    error_place,
)
from fundguard.customers.views.customers import HtmxHttpRequest, customer_or_404

MANAGE = "customers.manage_customers"
Call = Callable[[Any, int, dict[str, Any]], object]


def _record_page(
    request: HttpRequest,
    customer_id: int,
    *,
    form_class: type[forms.Form],
    title: str | Promise,
    call: Call,
    done: str | Promise,
    initial: dict[str, Any] | None = None,
    template: str = "customers/record_form.html",
) -> HttpResponse:
    customer = customer_or_404(customer_id)
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            call(request.user, customer.pk, dict(form.cleaned_data))
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(request, str(done))
            return redirect("customers:customer_detail", customer_id=customer.pk)
    context = {"customer": customer, "form": form, "title": title}
    return render(request, template, context)


@staff_page(MANAGE)
def bank_account_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=BankAccountForm,
        title=gettext_lazy("Add a bank account"),
        call=lambda actor, cid, data: services.bank_account_add(
            actor=actor, customer_id=cid, **data
        ),
        done=gettext_lazy("Bank account added."),
    )


@staff_page(MANAGE)
def beneficiary_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=BeneficiaryForm,
        title=gettext_lazy("Add a beneficiary"),
        call=lambda actor, cid, data: services.beneficiary_add(
            actor=actor, customer_id=cid, **data
        ),
        done=gettext_lazy("Beneficiary added."),
    )


def _share_bp(text: str) -> int:
    """A share typed as a percentage ("25", "12.5") in basis points; the service checks range."""
    try:
        bp = Decimal(text.strip().rstrip("%").strip() or "x") * 100
    except InvalidOperation:
        raise invalid(CustomerError.share_invalid, "share_bp") from None
    if not bp.is_finite() or bp != bp.to_integral_value():
        raise invalid(CustomerError.share_invalid, "share_bp")
    return int(bp)


def _owner_add(actor: Any, customer_id: int, data: dict[str, Any]) -> object:
    share_bp = _share_bp(data.pop("share"))
    return services.beneficial_owner_add(
        actor=actor, customer_id=customer_id, share_bp=share_bp, **data
    )


@staff_page(MANAGE)
def beneficial_owner_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=BeneficialOwnerForm,
        title=gettext_lazy("Add a beneficial owner"),
        call=_owner_add,
        done=gettext_lazy("Beneficial owner added."),
    )


def _upload(actor: Any, customer_id: int, data: dict[str, Any]) -> object:
    upload = data.pop("file")
    # Read one byte more than allowed: the service refuses it without reading the rest.
    limit = int(setting("CUSTOMERS_DOCUMENT_MAX_BYTES")) + 1
    return services.document_upload(
        actor=actor,
        customer_id=customer_id,
        filename=upload.name or "",
        content_type=upload.content_type or "",
        content=upload.read(limit),
        **data,
    )


@staff_page(MANAGE)
def document_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=DocumentForm,
        title=gettext_lazy("Upload a document"),
        call=_upload,
        done=gettext_lazy("Document uploaded."),
    )


@staff_page("customers.review_kyc")
def kyc_review_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=KycReviewForm,
        title=gettext_lazy("Record a KYC review"),
        call=lambda actor, cid, data: services.kyc_review_record(
            actor=actor, customer_id=cid, **data
        ),
        done=gettext_lazy("KYC review recorded."),
    )


@staff_page(MANAGE)
def funds_account_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_page(
        request,
        customer_id,
        form_class=FundsAccountForm,
        title=gettext_lazy("Open a funds account"),
        call=lambda actor, cid, data: services.funds_account_open(
            actor=actor, customer_id=cid, currency=data["currency"]
        ),
        done=gettext_lazy("Funds account opened."),
    )


@require_POST
@staff_page("customers.reveal_personal_data")
def field_reveal(request: HtmxHttpRequest, customer_id: int) -> HttpResponse:
    """The clear value of one field, through the audited service."""
    customer = customer_or_404(customer_id)
    field = request.POST.get("field", "")
    object_text = request.POST.get("object_id", "")
    object_id = int(object_text) if object_text.isdigit() else None
    try:
        value, problem = (
            services.customer_field_reveal(
                actor=request.user, customer_id=customer.pk, field=field, object_id=object_id
            ),
            "",
        )
    except DomainError as exc:
        value, problem = "", exc.message
    context = {"customer": customer, "field": field, "value": value, "problem": problem}
    template = "customers/revealed.html" if request.htmx else "customers/revealed_page.html"
    return render(request, template, context, status=422 if problem else 200)


@require_POST
@staff_page("customers.export_personal_data")
def data_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The access-request ZIP (decrypted), audited by the service."""
    customer = customer_or_404(customer_id)
    try:
        archive = services.customer_data_export(actor=request.user, customer_id=customer.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("customers:customer_detail", customer_id=customer.pk)
    response = HttpResponse(archive, content_type="application/zip")
    name = f"customer-{customer.pk}-personal-data.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
