from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fundguard.console.access import staff_page
from fundguard.console.selectors import dashboard_figures


@staff_page()
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "console/dashboard.html", {"figures": dashboard_figures(request.user)})
