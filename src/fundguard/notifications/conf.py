"""The notifications app's settings, each overridable in Django settings under the same name."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Attempts per notification before it is given up (status "dead").
    "NOTIFICATIONS_MAX_ATTEMPTS": 8,
    # Waits after a failed attempt: base * 2^(attempt - 1), at most the cap
    # (30 s, 1 min, 2 min, 4 min, ... 1 h).
    "NOTIFICATIONS_BACKOFF_BASE_SECONDS": 30,
    "NOTIFICATIONS_BACKOFF_MAX_SECONDS": 3600,
    # How long a webhook receiver or the mail server may take to answer.
    "NOTIFICATIONS_SEND_TIMEOUT_SECONDS": 5,
    # A claimed notification is not claimed again for this long, unless its worker reports back:
    # long enough to outlast any send, short enough to recover from a worker that died mid-way.
    "NOTIFICATIONS_CLAIM_LEASE_SECONDS": 120,
    # The language of a customer's e-mail by country of residence; others get the default.
    "NOTIFICATIONS_CUSTOMER_LANGUAGE_BY_COUNTRY": {"CN": "zh-hans", "SG": "zh-hans"},
    "NOTIFICATIONS_CUSTOMER_DEFAULT_LANGUAGE": "en",
    # Active webhook endpoints per customer.
    "NOTIFICATIONS_MAX_ENDPOINTS_PER_CUSTOMER": 10,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
