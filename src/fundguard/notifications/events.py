"""The events FundGuard notifies about, and who may receive each.

Customer events go to the customer (e-mail, webhooks); staff events go to staff users by
e-mail only. The title is the e-mail's subject line and heading.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CUSTOMER_EVENTS: dict[str, Promise] = {
    "transfer.submitted": _("Your transfer was submitted"),
    "transfer.approved": _("Your transfer was approved"),
    "transfer.rejected": _("Your transfer was rejected"),
    "transfer.completed": _("Your transfer was completed"),
    "transfer.failed": _("Your transfer failed"),
    "transfer.returned": _("Your transfer was returned"),
    "transfer.cancelled": _("Your transfer was cancelled"),
    "transfer.expired": _("Your transfer expired before it was approved"),
}
STAFF_EVENTS: dict[str, Promise] = {
    "approval.waiting": _("A transfer is waiting for your approval"),
    "approval.sla_breached": _("A transfer approval is overdue"),
}
# Customer events may also be sent to staff (e.g. a failed transfer to its maker).
EVENTS: dict[str, Promise] = {**CUSTOMER_EVENTS, **STAFF_EVENTS}


def event_title(event: str) -> Promise:
    return EVENTS[event]
