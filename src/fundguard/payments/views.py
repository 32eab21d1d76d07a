"""Console pages of the payments app: files, their release, status reports, company accounts."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.payments import selectors, services
from fundguard.payments.forms import StatusReportForm
from fundguard.payments.models import FileStatus, PaymentFile

VIEW = "payments.view_payments"
PAGE_SIZE = 50


def _file_or_404(payment_file_id: int) -> PaymentFile:
    try:
        return selectors.payment_file_get(payment_file_id)
    except DomainError:
        raise Http404 from None


@staff_page(VIEW)
def file_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.payment_files(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payments/file_list.html", {"page": page})


@staff_page(VIEW)
def file_detail(request: HttpRequest, payment_file_id: int) -> HttpResponse:
    payment_file = _file_or_404(payment_file_id)
    context = {
        "file": payment_file,
        "orders": selectors.file_orders(payment_file),
        "may_release": payment_file.status == FileStatus.built
        and request.user.has_perm("payments.release_payment_files")
        and payment_file.created_by_id != request.user.pk,
    }
    return render(request, "payments/file_detail.html", context)


@staff_page(VIEW)
def file_download(request: HttpRequest, payment_file_id: int) -> HttpResponse:
    payment_file = _file_or_404(payment_file_id)
    if payment_file.status == FileStatus.built:
        raise Http404
    response = HttpResponse(bytes(payment_file.content), content_type=payment_file.media_type)
    response["Content-Disposition"] = f'attachment; filename="{payment_file.file_name}"'
    return response


@require_POST
@staff_page("payments.release_payment_files")
def file_release(request: HttpRequest, payment_file_id: int) -> HttpResponse:
    try:
        services.payment_file_release(actor=request.user, payment_file_id=payment_file_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The payment file is released for the bank."))
    return redirect("payments:file_detail", payment_file_id)


@require_POST
@staff_page("payments.manage_payment_files")
def file_build(request: HttpRequest, company_account_id: int) -> HttpResponse:
    try:
        payment_file = services.payment_file_build(
            actor=request.user, company_account_id=company_account_id
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:company_account_list")
    messages.success(request, _("Payment file built: a second person now releases it."))
    return redirect("payments:file_detail", payment_file.pk)


@staff_page(VIEW)
def company_account_list(request: HttpRequest) -> HttpResponse:
    accounts = [
        (account, selectors.queued_orders(account).count())
        for account in selectors.company_accounts()
    ]
    return render(request, "payments/company_account_list.html", {"accounts": accounts})


@staff_page(VIEW)
def status_report_list(request: HttpRequest) -> HttpResponse:
    form = StatusReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("payments.manage_payment_files"):
            return render(request, "console/forbidden.html", status=403)
        if form.is_valid():
            try:
                report = services.status_report_import(
                    actor=request.user, xml_bytes=form.cleaned_data["file"]
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Status report imported: %(accepted)s accepted, %(settled)s settled, "
                        "%(rejected)s rejected, %(unchanged)s unchanged."
                    )
                    % {
                        "accepted": report.accepted_count,
                        "settled": report.settled_count,
                        "rejected": report.rejected_count,
                        "unchanged": report.unchanged_count,
                    },
                )
                return redirect("payments:status_report_list")
    page = Paginator(selectors.status_reports(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payments/status_reports.html", {"form": form, "page": page})
