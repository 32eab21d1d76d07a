from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from fundguard.audit.selectors import audit_chain_verify, audit_record_list
from fundguard.console.access import staff_page
from fundguard.console.forms import AuditFilterForm

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@staff_page("audit.view_audit_trail")
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_record_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "console/audit_table.html" if request.htmx else "console/audit_list.html"
    return render(request, template, context)


@staff_page("audit.verify_audit_trail")
def audit_verify(request: HttpRequest) -> HttpResponse:
    checked, problem = audit_chain_verify()
    return render(request, "console/audit_verify.html", {"checked": checked, "problem": problem})
