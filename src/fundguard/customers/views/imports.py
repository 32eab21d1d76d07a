"""The import page: a dry run that lists every bad row, then the all-or-nothing import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.core.tabular import TableFileError
from fundguard.customers import services
from fundguard.customers.forms import ImportForm, error_place
from fundguard.customers.imports import COLUMNS, MAX_FILE_BYTES


@staff_page("customers.import_customers")
def customer_import_template(request: HttpRequest) -> HttpResponse:
    """An empty CSV with the header row the import expects."""
    response = HttpResponse(
        ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="customers-template.csv"'
    return response


@staff_page("customers.import_customers")
def customer_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = request.POST.get("action") != "import"
        try:
            result = services.customers_import(
                actor=request.user,
                filename=upload.name or "",
                content=upload.read(MAX_FILE_BYTES + 1),
                dry_run=dry_run,
            )
        except TableFileError as exc:
            form.add_error("file", exc.message)
        except DomainError as exc:
            error_place(form, exc)
        else:
            if result.imported:
                messages.success(
                    request,
                    _("%(n)s customers imported.") % {"n": len(result.customers)},
                )
                return redirect("customers:customer_list")
    context = {"form": form, "result": result, "columns": COLUMNS}
    return render(request, "customers/import.html", context)
