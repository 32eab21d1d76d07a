"""A new transfer (customer, live checks, draft or submit), the list, the transfer page and what
its maker and compliance do there (submit a draft, cancel, clear or reject a review)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.downloads import file_response
from fundguard.core.errors import DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.customers.models import Customer
from fundguard.customers.selectors import customer_get, customer_list, funds_accounts
from fundguard.transfers import services
from fundguard.transfers.forms import (
    STATUS_LABELS,
    AttachmentForm,
    CancelForm,
    CustomerSearchForm,
    ReviewForm,
    TransferFilterForm,
    TransferForm,
    error_place,
)
from fundguard.transfers.lifecycle import TransferEvent, TransferStatus, allowed_events
from fundguard.transfers.models import Channel, Transfer
from fundguard.transfers.selectors import transfer_list, transfer_view
from fundguard.transfers.services.attachments import OPEN_FOR_ATTACHMENTS
from fundguard.transfers.views._common import (
    MAKE,
    PAGE_SIZE,
    REVIEW,
    VIEW,
    levels_text,
    payee_masked,
    transfer_or_404,
)
from fundguard.transfers.views.checks import transfer_checks

CUSTOMER_RESULTS_MAX = 20


def _customer_or_404(customer_id: Any) -> Customer:
    try:
        return customer_get(int(customer_id))
    except (DomainError, TypeError, ValueError):
        raise Http404 from None


def _transfer_form(customer: Customer, data: QueryDict | None = None) -> TransferForm:
    links = funds_accounts(customer)
    currency = links[0][0].currency if links else "CNY"
    accounts = [
        (
            account.pk,
            f"{account.code} · {link.currency} · "
            + _("available %(amount)s")
            % {"amount": format_amount(account.available_minor, account.currency)},
        )
        for link, account in links
    ]
    payees = [(b.pk, payee_masked(b)) for b in customer.beneficiaries.order_by("pk")]
    return TransferForm(
        data,
        accounts=accounts,
        beneficiaries=payees,
        initial={"customer": customer.pk, "currency": currency},
    )


def _new_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "transfers/transfer_new.html", context, status=status)


@staff_page(MAKE)
def transfer_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (no customer yet): find the customer. Step 2: the transfer form."""
    customer_id = request.POST.get("customer") or request.GET.get("customer")
    if not customer_id:
        return _new_page(request, {"search_form": CustomerSearchForm()})
    customer = _customer_or_404(customer_id)
    form = _transfer_form(customer, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        transfer = _create(request, form)
        if transfer is not None:
            if transfer.status == TransferStatus.draft:
                messages.success(request, _("Draft %(ref)s saved.") % {"ref": transfer.reference})
            else:
                messages.success(
                    request, _("Transfer %(ref)s submitted.") % {"ref": transfer.reference}
                )
            return redirect("transfers:transfer_detail", transfer_id=transfer.pk)
    context = {"customer": customer, "form": form, "checks": None}
    if form.is_bound:
        context["checks"] = transfer_checks(customer, form.data)
    return _new_page(request, context)


def _create(request: HttpRequest, form: TransferForm) -> Transfer | None:
    data = form.cleaned_data
    currency = data["currency"].strip().upper()
    try:
        amount_minor = parse_amount(data["amount"].strip().replace(",", ""), currency)
        new = None
        if not data["beneficiary"]:
            new = services.NewBeneficiary(
                name=data["beneficiary_name"],
                account_number=data["beneficiary_account_number"],
                bank_name=data["beneficiary_bank_name"],
                country=data["beneficiary_country"],
                bic=data["beneficiary_bic"],
                branch=data["beneficiary_branch"],
                province=data["beneficiary_province"],
                city=data["beneficiary_city"],
            )
        return services.transfer_create(
            actor=request.user,
            source_account_id=data["source_account"],
            amount_minor=amount_minor,
            currency=currency,
            purpose=data["purpose"],
            beneficiary_id=int(data["beneficiary"]) if data["beneficiary"] else None,
            new_beneficiary=new,
            remittance_information=data["remittance_information"],
            requested_execution_date=data["requested_execution_date"],
            channel=Channel.console,
            idempotency_key=f"console:{data['idempotency_key']}",
            submit=request.POST.get("action") != "draft",
        )
    except DomainError as exc:
        error_place(form, exc)
        return None


@staff_page(MAKE)
@require_POST
def customer_pick(request: HttpRequest) -> HttpResponse:
    """The customers matching a search (POSTed: a number never enters a URL); htmx swaps the
    results in place."""
    form = CustomerSearchForm(request.POST)
    found: list[Customer] = []
    if form.is_valid():
        found = list(customer_list(search=form.cleaned_data["search"])[:CUSTOMER_RESULTS_MAX])
    context = {"search_form": form, "customers": found, "searched": True}
    if getattr(request, "htmx", False):
        return render(request, "transfers/customer_results.html", context)
    return _new_page(request, context)


@staff_page(MAKE)
@require_POST
def transfer_new_checks(request: HttpRequest) -> HttpResponse:
    """The live checks of the new-transfer form as the operator types (htmx). Advice only: the
    service decides on submit."""
    customer = _customer_or_404(request.POST.get("customer"))
    return render(
        request,
        "transfers/transfer_checks.html",
        {"checks": transfer_checks(customer, request.POST)},
    )


def _filtered(request: HttpRequest) -> tuple[TransferFilterForm, Any, str]:
    form = TransferFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = transfer_list(status=filters.get("status", ""))
    if filters.get("customer"):
        rows = rows.filter(customer__in=customer_list(search=filters["customer"]))
    if filters.get("date_from"):
        rows = rows.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        rows = rows.filter(created_at__date__lte=filters["date_to"])
    query = QueryDict(mutable=True)
    for name in form.fields:
        if request.GET.get(name):
            query[name] = request.GET[name]
    return form, rows, query.urlencode()


@staff_page(VIEW)
def transfer_list_page(request: HttpRequest) -> HttpResponse:
    form, rows, query = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [(t, STATUS_LABELS.get(t.status, t.status)) for t in page],
        "query": query,
    }
    template = "transfers/transfer_table.html" if getattr(request, "htmx", False) else None
    return render(request, template or "transfers/transfer_list.html", context)


def _detail_context(request: HttpRequest, transfer: Transfer) -> dict[str, Any]:
    view = transfer_view(transfer)
    user: Any = request.user
    events = allowed_events(TransferStatus(transfer.status))
    is_maker = transfer.maker_id == user.pk and user.has_perm(MAKE)
    return {
        "transfer": transfer,
        "view": view,
        "status_label": STATUS_LABELS.get(transfer.status, transfer.status),
        "required_text": levels_text(view["required_levels"]),
        "waiting_text": levels_text(view["waiting_levels"]),
        "payee": payee_masked(transfer.beneficiary),
        "timeline": [
            {**step, "to_label": STATUS_LABELS.get(step["to_status"], step["to_status"])}
            for step in view["timeline"]
        ],
        "overdue": view["sla_due_at"] is not None and view["sla_due_at"] < timezone.now(),
        "can_submit": is_maker and transfer.status == TransferStatus.draft,
        "can_cancel": is_maker and TransferEvent.cancel in events,
        "can_review": user.has_perm(REVIEW) and transfer.status == TransferStatus.under_review,
        "can_attach": is_maker and transfer.status in OPEN_FOR_ATTACHMENTS,
        "attachment_form": AttachmentForm(),
        "cancel_form": CancelForm(),
        "review_form": ReviewForm(),
    }


@staff_page(VIEW)
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    return render(request, "transfers/transfer_detail.html", _detail_context(request, transfer))


def _refused(
    request: HttpRequest, transfer: Transfer, form_name: str, form: Any, error: DomainError | None
) -> HttpResponse:
    if error is not None:
        error_place(form, error)
    context = _detail_context(request, transfer_or_404(transfer.pk))
    context[form_name] = form
    return render(request, "transfers/transfer_detail.html", context, status=200)


@staff_page(MAKE)
@require_POST
def transfer_submit(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    try:
        services.transfer_submit(actor=request.user, transfer_id=transfer.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Transfer %(ref)s submitted.") % {"ref": transfer.reference})
    return redirect("transfers:transfer_detail", transfer_id=transfer.pk)


@staff_page(MAKE)
@require_POST
def transfer_attach(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, transfer, "attachment_form", form, None)
    upload = form.cleaned_data["file"]
    try:
        services.transfer_attachment_add(
            actor=request.user,
            transfer_id=transfer.pk,
            filename=upload.name or "",
            content_type=upload.content_type or "",
            content=upload.read(),
        )
    except DomainError as exc:
        if exc.field in ("content", "content_type", "filename"):
            exc.field = "file"
        return _refused(request, transfer, "attachment_form", form, exc)
    messages.success(request, _("Document attached to %(ref)s.") % {"ref": transfer.reference})
    return redirect("transfers:transfer_detail", transfer_id=transfer.pk)


@staff_page(VIEW)
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        attachment, filename, content = services.transfer_attachment_open(
            actor=request.user, attachment_id=attachment_id
        )
    except DomainError as exc:
        raise Http404 from exc
    return file_response(
        content,
        content_type=attachment.content_type,
        ascii_name=f"attachment-{attachment.pk}",
        name=filename,
    )


@staff_page(MAKE)
@require_POST
def transfer_cancel(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _refused(request, transfer, "cancel_form", form, None)
    try:
        services.transfer_cancel(
            actor=request.user, transfer_id=transfer.pk, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return _refused(request, transfer, "cancel_form", form, exc)
    messages.success(request, _("Transfer %(ref)s cancelled.") % {"ref": transfer.reference})
    return redirect("transfers:transfer_detail", transfer_id=transfer.pk)


@staff_page(REVIEW)
@require_POST
def transfer_review(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, transfer, "review_form", form, None)
    clear = form.cleaned_data["decision"] == "clear"
    try:
        services.transfer_review_decide(
            actor=request.user,
            transfer_id=transfer.pk,
            clear=clear,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return _refused(request, transfer, "review_form", form, exc)
    text = _("Transfer %(ref)s cleared.") if clear else _("Transfer %(ref)s rejected.")
    messages.success(request, text % {"ref": transfer.reference})
    return redirect("transfers:transfer_detail", transfer_id=transfer.pk)
