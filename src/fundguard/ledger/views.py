"""Console pages of the ledger: read-only views over the selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fundguard.audit.selectors import audit_records_for
from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.ledger import selectors

PAGE_SIZE = 50


@staff_page("ledger.view_ledger")
def account_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.account_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/account_list.html", {"page": page})


@staff_page("ledger.view_ledger")
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    try:
        account = selectors.account_get(account_id)
    except DomainError:
        raise Http404 from None
    lines = Paginator(selectors.account_lines(account), PAGE_SIZE).get_page(request.GET.get("page"))
    holds = selectors.account_holds(account)[:PAGE_SIZE]
    return render(
        request, "ledger/account_detail.html", {"account": account, "lines": lines, "holds": holds}
    )


@staff_page("ledger.view_ledger")
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        entry = selectors.entry_get(entry_id)
    except DomainError:
        raise Http404 from None
    context = {
        "entry": entry,
        "lines": selectors.entry_lines(entry),
        "reversed_by": selectors.entry_reversal(entry),
        "audit_records": audit_records_for(entry),
    }
    return render(request, "ledger/entry_detail.html", context)


@staff_page("ledger.view_ledger")
def trial_balance(request: HttpRequest) -> HttpResponse:
    return render(request, "ledger/trial_balance.html", {"rows": selectors.trial_balance()})
