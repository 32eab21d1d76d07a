"""The dashboard's figures: real counts of what exists, each shown to those who may read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fundguard.audit.models import AuditRecord


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int | str


def dashboard_figures(user: Any) -> list[Figure]:
    figures = [Figure(_("Active users"), User.objects.filter(is_active=True).count())]
    if user.has_perm("audit.view_audit_trail"):
        since = timezone.now() - timedelta(hours=24)
        recent = AuditRecord.objects.filter(occurred_at__gte=since)
        figures += [
            Figure(_("Audit records"), AuditRecord.objects.count()),
            Figure(_("Audit records, last 24 hours"), recent.count()),
            Figure(
                _("Failed sign-ins, last 24 hours"),
                recent.filter(action="auth.signin_failed").count(),
            ),
        ]
    if user.has_perm("customers.view_customers"):
        from fundguard.customers.selectors import documents_expiring, kyc_reviews_overdue

        figures += [
            Figure(_("Customer documents expiring"), len(documents_expiring())),
            Figure(_("KYC reviews overdue"), kyc_reviews_overdue().count()),
        ]
    if user.has_perm("transfers.approve_transfers"):
        from fundguard.transfers.selectors import approval_inbox

        figures.append(Figure(_("Approvals waiting for you"), len(approval_inbox(user))))
    if user.has_perm("transfers.view_transfers"):
        from fundguard.transfers.models import Transfer

        today = timezone.localdate()
        figures += [
            Figure(
                _("Transfers pending approval"),
                Transfer.objects.filter(status="pending_approval").count(),
            ),
            Figure(_("Transfers executing"), Transfer.objects.filter(status="executing").count()),
            Figure(
                _("Transfers completed today"),
                Transfer.objects.filter(status="completed", status_changed_at__date=today).count(),
            ),
        ]
    return figures
