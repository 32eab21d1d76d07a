"""The transfers app's settings, each overridable in Django settings under the same name.

Amounts are in minor units of the currency they are keyed by.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Per-customer limits on what may be submitted in a day and a calendar month.
    "TRANSFERS_CUSTOMER_LIMITS": {
        "CNY": {"daily": 500_000_000, "monthly": 5_000_000_000},  # 5,000,000.00 / 50,000,000.00
        "USD": {"daily": 50_000_000, "monthly": 500_000_000},
    },
    # A beneficiary still cooling off may not receive more than this.
    "TRANSFERS_COOLING_OFF_LARGE_MINOR": {"CNY": 5_000_000, "USD": 700_000},
    # Screening: a first transfer to a beneficiary younger than this many days is "new".
    "TRANSFERS_NEW_BENEFICIARY_DAYS": 30,
    # An approval above this amount needs a fresh one-time code.
    "TRANSFERS_OTP_THRESHOLD_MINOR": {"CNY": 5_000_000, "USD": 700_000},
    # Hours an approval level may wait before a reminder goes out and the level above is told.
    "TRANSFERS_APPROVAL_SLA_HOURS": {"l1": 4, "l2": 8, "l3": 24},
    # A transfer not approved this many days after its requested execution date expires.
    "TRANSFERS_EXPIRE_AFTER_DAYS": 7,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def per_currency(name: str, currency: str) -> Any:
    """The value of a per-currency setting for ``currency`` (None: not configured)."""
    return setting(name).get(currency)
