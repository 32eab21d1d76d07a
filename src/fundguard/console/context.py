"""Navigation by role: each item shows only to users holding its permission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fundguard.core.roles import ROLE_LABELS, role_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None


NAVIGATION: list[NavItem] = [
    NavItem(_("Dashboard"), "console:dashboard", None),
    NavItem(_("Audit trail"), "console:audit_list", "audit.view_audit_trail"),
    NavItem(_("Accounts"), "ledger:account_list", "ledger.view_ledger"),
    NavItem(_("Trial balance"), "ledger:trial_balance", "ledger.view_ledger"),
    NavItem(_("Customers"), "customers:customer_list", "customers.view_customers"),
    NavItem(_("Customer follow-up"), "customers:followup", "customers.view_customers"),
    NavItem(_("Payments"), "payments:file_list", "payments.view_payments"),
    NavItem(_("Transfers"), "transfers:transfer_list", "transfers.view_transfers"),
    NavItem(_("Approvals"), "transfers:inbox", "transfers.approve_transfers"),
    NavItem(_("Vouchers"), "transfers:voucher_list", "transfers.view_vouchers"),
    NavItem(_("Approval policy"), "transfers:policy", "core.manage_settings"),
    NavItem(_("Notifications"), "notifications:notification_list", "notifications.view_deliveries"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    items = [
        {"label": item.label, "url": url, "active": request.path == url}
        for item, url in ((item, reverse(item.url_name)) for item in NAVIGATION)
        if item.permission is None or user.has_perm(item.permission)
    ]
    return {"nav_items": items, "role_label": ROLE_LABELS.get(role, "") if role else ""}
