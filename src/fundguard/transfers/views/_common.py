"""What the transfers pages share: access by any of several permissions, the object or 404,
the masked payee, level labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fundguard.audit.permission_events import permission_denied_record
from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.customers.models import Beneficiary
from fundguard.transfers.models import Transfer
from fundguard.transfers.selectors import transfer_get

View = Callable[..., HttpResponse]

VIEW = "transfers.view_transfers"
MAKE = "transfers.make_transfers"
APPROVE = "transfers.approve_transfers"
REVIEW = "transfers.review_transfers"
MANAGE_POLICY = "core.manage_settings"
VIEW_VOUCHERS = "transfers.view_vouchers"
PAGE_SIZE = 50


def staff_page_any(*permissions: str) -> Callable[[View], View]:
    """A console page for users holding at least one of ``permissions``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(p) for p in permissions):
                permission_denied_record(actor=request.user, attempted=permissions[0])
                return render(request, "console/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return staff_page()(checked)

    return decorate


def transfer_or_404(transfer_id: int) -> Transfer:
    try:
        return transfer_get(transfer_id)
    except DomainError:
        raise Http404 from None


def payee_masked(beneficiary: Beneficiary) -> str:
    return f"{beneficiary.name} · {beneficiary.bank_name} · ****{beneficiary.number_last4}"


def levels_text(levels: Iterable[str]) -> str:
    """["l1", "l2"] -> "L1 + L2" (empty: a dash)."""
    return " + ".join(str(level).upper() for level in levels) or "\u2013"
