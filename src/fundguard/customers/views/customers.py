"""The customer list (filters, search, masked export), registration, the 360 page, follow-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from fundguard.audit.selectors import audit_records_for
from fundguard.console.access import staff_page
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.customers import exports, services
from fundguard.customers.forms import CustomerFilterForm, CustomerForm, error_place
from fundguard.customers.masking import mask_value, masked
from fundguard.customers.models import CreditProfile, Customer, OverrideStatus
from fundguard.customers.selectors import (
    bank_details_view,
    customer_get,
    customer_list,
    customer_view,
    documents_expiring,
    funds_accounts,
    identity_document_view,
    kyc_reviews_overdue,
    search_is_number,
)
from fundguard.customers.services.customers import id_type_label
from fundguard.customers.validation import compact

PAGE_SIZE = 50
VIEW = "customers.view_customers"
MANAGE = "customers.manage_customers"
EXPORT_FORMATS = ("csv", "xlsx")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _filtered(request: HttpRequest) -> tuple[CustomerFilterForm, Any, str]:
    """The filter form as shown (a number search blanked), the customers, the masked number."""
    data = request.POST if request.method == "POST" else request.GET
    form = CustomerFilterForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    customers = customer_list(**filters).prefetch_related("identity_documents")
    search = str(filters.get("search", ""))
    if not search_is_number(search):
        return form, customers, ""
    shown = data.copy()
    shown.pop("search", None)
    return CustomerFilterForm(shown), customers, mask_value(compact(search))


def _query(form: CustomerFilterForm) -> str:
    query = QueryDict(mutable=True)
    if form.is_bound:
        for name in form.fields:
            values = form.data.getlist(name) if isinstance(form.data, QueryDict) else []
            if values:
                query.setlist(name, values)
    return str(query.urlencode())


@staff_page(VIEW)
@require_http_methods(["GET", "POST"])
def customer_list_page(request: HtmxHttpRequest) -> HttpResponse:
    """GET for bookmarkable filters; htmx POSTs them, so that a number never enters a URL."""
    form, customers, number_masked = _filtered(request)
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [(c, customer_view(c)) for c in page],
        "query": _query(form),
        "number_masked": number_masked,
    }
    template = "customers/customer_table.html" if request.htmx else "customers/customer_list.html"
    return render(request, template, context)


@staff_page(VIEW)
def customer_list_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The filtered list, masked (no full ID number ever), as CSV or XLSX; audited."""
    if file_format not in exports.WRITERS:
        raise Http404
    form = CustomerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    body = services.customer_list_export(
        actor=request.user, filters=filters, file_format=file_format
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(body, content_type=exports.WRITERS[file_format][1])
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


def _volume_minor(text: str, currency: str) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        amount = parse_amount(text, currency.strip().upper())
    except DomainError as exc:
        raise DomainError(
            CoreError.invalid_input, field="expected_monthly_volume", message=exc.message
        ) from None
    if amount < 0:
        raise DomainError(CoreError.invalid_input, field="expected_monthly_volume")
    return amount


@staff_page(MANAGE)
def customer_new(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        volume = data.pop("expected_monthly_volume")
        purposes = data.pop("purposes")
        try:
            minor = _volume_minor(volume, data["expected_volume_currency"])
            if minor is None:
                data["expected_volume_currency"] = ""
            customer = services.customer_create(
                actor=request.user,
                expected_monthly_volume_minor=minor,
                purposes=[p.strip() for p in purposes.split(";") if p.strip()],
                **data,
            )
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(request, _("Customer registered."))
            return redirect("customers:customer_detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form})


def customer_or_404(customer_id: int) -> Customer:
    try:
        return customer_get(customer_id)
    except DomainError:
        raise Http404 from None


def _percent(share_bp: int) -> str:
    """Basis points as a percentage: 2500 -> "25.00"."""
    return f"{share_bp // 100}.{share_bp % 100:02d}"


@staff_page(VIEW)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_or_404(customer_id)
    view = customer_view(customer)
    view["id_type_label"] = id_type_label(view["id_type"]) if view["id_type"] else ""
    credit = CreditProfile.objects.filter(customer=customer).first()
    owners = list(customer.beneficial_owners.order_by("pk"))
    ratings = list(customer.risk_ratings.select_related("rated_by", "approved_by").order_by("-pk"))
    context = {
        "customer": customer,
        "view": view,
        "identity_documents": [
            identity_document_view(d) for d in customer.identity_documents.all()
        ],
        "bank_accounts": [bank_details_view(b) for b in customer.bank_accounts.order_by("pk")],
        "beneficiaries": [bank_details_view(b) for b in customer.beneficiaries.order_by("pk")],
        "documents": customer.documents.order_by("-pk"),
        "funds": funds_accounts(customer),
        "reviews": customer.kyc_reviews.select_related("reviewer").order_by("-pk"),
        "ratings": ratings,
        "pending_id": ratings[0].pk
        if ratings and ratings[0].override_status == OverrideStatus.pending
        else None,
        "owners": [
            (o, masked(o.id_last4, present=bool(o.id_sealed)), _percent(o.share_bp)) for o in owners
        ],
        "shares_total": _percent(sum(o.share_bp for o in owners)),
        "credit": credit,
        "credit_overdue": (
            f"{format_amount(credit.overdue_amount_minor, credit.limit_currency or 'CNY')} "
            f"{credit.limit_currency or 'CNY'}"
            if credit
            else ""
        ),
        "audit_records": audit_records_for(customer).order_by("-seq")[:PAGE_SIZE],
    }
    return render(request, "customers/customer_detail.html", context)


@staff_page(VIEW)
def followup(request: HttpRequest) -> HttpResponse:
    """Documents expiring (or expired) and KYC reviews overdue."""
    expiring = documents_expiring()[: PAGE_SIZE * 4]
    names = dict(
        Customer.objects.filter(pk__in={d.customer_id for d in expiring}).values_list("pk", "name")
    )
    context = {
        "expiring": [(d, names.get(d.customer_id, "")) for d in expiring],
        "overdue": kyc_reviews_overdue()[: PAGE_SIZE * 4],
        "today": timezone.localdate(),
    }
    return render(request, "customers/followup.html", context)
