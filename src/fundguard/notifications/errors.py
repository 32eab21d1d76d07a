"""The notifications app's error codes."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import register_errors


class NotificationError(StrEnum):
    webhook_url_invalid = "webhook_url_invalid"
    webhook_event_unknown = "webhook_event_unknown"
    webhook_endpoint_not_found = "webhook_endpoint_not_found"
    webhook_endpoint_already_inactive = "webhook_endpoint_already_inactive"
    webhook_endpoints_too_many = "webhook_endpoints_too_many"


register_errors(
    {
        NotificationError.webhook_url_invalid: (
            422,
            _("%(label)s: a webhook URL is an http:// or https:// address with a host name."),
        ),
        NotificationError.webhook_event_unknown: (
            422,
            _("%(label)s: “%(value)s” is not an event a customer can subscribe to."),
        ),
        NotificationError.webhook_endpoint_not_found: (404, _("No such webhook endpoint.")),
        NotificationError.webhook_endpoint_already_inactive: (
            409,
            _("This webhook endpoint is already deactivated."),
        ),
        NotificationError.webhook_endpoints_too_many: (
            409,
            _("A customer may have at most %(limit)s active webhook endpoints."),
        ),
    }
)
