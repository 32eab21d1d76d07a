"""Console page of the notifications: the outbox and its delivery log, read-only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fundguard.console.access import staff_page
from fundguard.notifications.forms import NotificationFilterForm
from fundguard.notifications.selectors import notification_list as notifications_filtered

PAGE_SIZE = 50


@staff_page("notifications.view_deliveries")
def notification_list(request: HttpRequest) -> HttpResponse:
    form = NotificationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notifications = notifications_filtered(**filters)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    is_htmx = bool(getattr(request, "htmx", False))
    template = "notifications/notification_table.html" if is_htmx else "notifications/list.html"
    return render(request, template, context)
