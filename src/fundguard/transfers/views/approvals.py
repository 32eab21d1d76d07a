"""The approval inbox: what the approver may approve now, the most overdue first; approve (with a
comment and the one-time code) or reject (with a reason) one, or approve several at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.transfers import services
from fundguard.transfers.forms import (
    STATUS_LABELS,
    ApproveForm,
    ApproveManyForm,
    RejectForm,
    error_place,
)
from fundguard.transfers.models import Transfer
from fundguard.transfers.selectors import approval_inbox
from fundguard.transfers.services import BulkOutcome, waiting_levels
from fundguard.transfers.services.approvals import sla_due_at
from fundguard.transfers.views._common import APPROVE, levels_text, transfer_or_404


@dataclass
class InboxRow:
    transfer: Transfer
    due_at: datetime | None
    is_overdue: bool
    done: str
    waiting: str
    payee: str
    approve_form: ApproveForm
    reject_form: RejectForm


def _rows(
    user: Any, bound: dict[int, tuple[ApproveForm | None, RejectForm | None]]
) -> list[InboxRow]:
    now = timezone.now()
    rows = []
    for t in approval_inbox(user, now=now):
        due = sla_due_at(t)
        approve, reject = bound.get(t.pk, (None, None))
        rows.append(
            InboxRow(
                transfer=t,
                due_at=due,
                is_overdue=due is not None and due < now,
                done=levels_text(a.level for a in t.approvals.all()),
                waiting=levels_text(waiting_levels(t)),
                payee=f"{t.beneficiary.name} · ****{t.beneficiary.number_last4}",
                approve_form=approve or ApproveForm(prefix=f"t{t.pk}"),
                reject_form=reject or RejectForm(prefix=f"t{t.pk}"),
            )
        )
    return rows


def _inbox(
    request: HttpRequest,
    *,
    bound: dict[int, tuple[ApproveForm | None, RejectForm | None]] | None = None,
    many_form: ApproveManyForm | None = None,
    outcomes: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    rows = _rows(request.user, bound or {})
    context = {
        "rows": rows,
        "many_form": many_form or ApproveManyForm(transfer_ids=[r.transfer.pk for r in rows]),
        "outcomes": outcomes,
    }
    return render(request, "transfers/inbox.html", context)


@staff_page(APPROVE)
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox(request)


@staff_page(APPROVE)
@require_POST
def transfer_approve(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    form = ApproveForm(request.POST, prefix=f"t{transfer.pk}")
    if form.is_valid():
        try:
            done = services.transfer_approve(
                actor=request.user,
                transfer_id=transfer.pk,
                comment=form.cleaned_data["comment"],
                otp=form.cleaned_data["otp"],
            )
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(
                request,
                _("%(ref)s approved: now %(status)s.")
                % {"ref": done.reference, "status": STATUS_LABELS.get(done.status, done.status)},
            )
            return redirect("transfers:inbox")
    return _inbox(request, bound={transfer.pk: (form, None)})


@staff_page(APPROVE)
@require_POST
def transfer_reject(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(transfer_id)
    form = RejectForm(request.POST, prefix=f"t{transfer.pk}")
    if form.is_valid():
        try:
            services.transfer_reject(
                actor=request.user, transfer_id=transfer.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(request, _("%(ref)s rejected.") % {"ref": transfer.reference})
            return redirect("transfers:inbox")
    return _inbox(request, bound={transfer.pk: (None, form)})


def _outcome_rows(outcomes: list[BulkOutcome]) -> list[dict[str, Any]]:
    references = dict(
        Transfer.objects.filter(pk__in=[o.transfer_id for o in outcomes]).values_list(
            "pk", "reference"
        )
    )
    return [
        {
            "transfer_id": o.transfer_id,
            "reference": references.get(o.transfer_id, str(o.transfer_id)),
            "is_refused": o.status == "refused",
            "status": _("Refused")
            if o.status == "refused"
            else STATUS_LABELS.get(o.status, o.status),
            "message": o.message,
        }
        for o in outcomes
    ]


@staff_page(APPROVE)
@require_POST
def approve_many(request: HttpRequest) -> HttpResponse:
    """Each selected transfer approved in its own transaction under every check; each outcome
    is listed (one refusal does not stop the rest)."""
    ids = [r.pk for r in approval_inbox(request.user)]
    ids += [int(x) for x in request.POST.getlist("transfers") if x.isdigit() and int(x) not in ids]
    form = ApproveManyForm(request.POST, transfer_ids=ids)
    if not form.is_valid():
        return _inbox(request, many_form=form)
    try:
        outcomes = services.transfers_approve_many(
            actor=request.user,
            transfer_ids=form.cleaned_data["transfers"],
            comment=form.cleaned_data["comment"],
            otp=form.cleaned_data["otp"],
        )
    except DomainError as exc:
        error_place(form, exc)
        return _inbox(request, many_form=form)
    return _inbox(request, outcomes=_outcome_rows(outcomes))
