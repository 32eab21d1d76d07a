"""The payments app's settings, each overridable in Django settings under the same name."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The sandbox bank answers this many seconds after it was handed an order (and again after
    # accepting it, to settle it): long enough to see "sent" and "accepted" in the demo.
    "PAYMENTS_SANDBOX_DELAY_SECONDS": 5,
    # The name the company's files carry as initiating party and debtor, unless the company
    # bank account's own name is used (pain.001 Dbtr/Nm is the account's name).
    "PAYMENTS_INITIATING_PARTY_NAME": "FundGuard",
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
