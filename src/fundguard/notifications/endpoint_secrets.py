"""Webhook signing secrets, sealed under the owning customer's data key.

Sealed like the customer's personal fields (``fundguard.customers.vault``): key rotation re-wraps
the data key and so covers these too, and erasing the customer makes them unreadable for good,
so that nothing more can be signed in their name.
"""

from __future__ import annotations

import secrets

from fundguard.customers.vault import vault_for
from fundguard.notifications.models import WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_RANDOM_BYTES = 32
_FIELD = "secret"


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_RANDOM_BYTES)


def secret_seal(*, customer_id: int, secret: str) -> str:
    return vault_for(customer_id).seal(WebhookEndpoint, _FIELD, secret)


def secret_open(endpoint: WebhookEndpoint) -> str:
    """The clear secret, to sign with; raises ``DomainError`` once the customer is erased."""
    return vault_for(endpoint.customer_id).open(WebhookEndpoint, _FIELD, endpoint.secret_sealed)
