"""Batch upload: a dry run lists every bad row (row, field, reason); then all rows are submitted
together, or none."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.transfers.forms import BatchForm, error_place
from fundguard.transfers.services.batches import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    transfer_batch_submit,
)
from fundguard.transfers.views._common import MAKE

MAX_FILE_BYTES = 5 * 1024 * 1024


@staff_page(MAKE)
def batch_upload(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                report = transfer_batch_submit(
                    actor=request.user,
                    filename=upload.name or "",
                    content=content,
                    dry_run=request.POST.get("action") != "submit",
                )
            except DomainError as exc:
                error_place(form, exc)
            else:
                if report.batch is not None:
                    messages.success(
                        request,
                        _("Batch %(id)s: %(n)s transfers submitted.")
                        % {"id": report.batch.pk, "n": len(report.transfers)},
                    )
                    return redirect("transfers:transfer_list")
    context = {
        "form": form,
        "report": report,
        "required_columns": REQUIRED_COLUMNS,
        "optional_columns": OPTIONAL_COLUMNS,
    }
    return render(request, "transfers/batch.html", context)
