"""Vouchers (记账凭证): the list by period and printing (the first print is the original, every
later one a copy)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.downloads import file_response
from fundguard.core.errors import DomainError
from fundguard.transfers import services
from fundguard.transfers.forms import VoucherFilterForm
from fundguard.transfers.models import Voucher
from fundguard.transfers.views._common import PAGE_SIZE, VIEW_VOUCHERS


@staff_page(VIEW_VOUCHERS)
def voucher_list(request: HttpRequest) -> HttpResponse:
    form = VoucherFilterForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else ""
    vouchers = Voucher.objects.select_related("transfer").prefetch_related("prints")
    if period:
        vouchers = vouchers.filter(period=period)
    page = Paginator(vouchers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": f"period={period}" if period else ""}
    return render(request, "transfers/voucher_list.html", context)


@staff_page(VIEW_VOUCHERS)
@require_POST
def voucher_print(request: HttpRequest, voucher_id: int) -> HttpResponse:
    """The PDF as a download; the print is logged and audited by the service."""
    try:
        voucher, pdf, is_copy = services.voucher_print(actor=request.user, voucher_id=voucher_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        back = request.POST.get("back", "")
        if back.startswith("/transfers/") and "//" not in back:
            return redirect(back)
        return redirect("transfers:voucher_list")
    suffix = "-copy" if is_copy else ""
    name = f"voucher-{voucher.period}-{voucher.number:04d}{suffix}.pdf"
    return file_response(pdf, content_type="application/pdf", ascii_name=name, name=name)
