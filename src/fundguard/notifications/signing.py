"""The body and signature of a webhook POST. Pure: no ORM, no network.

The receiver recomputes ``HMAC-SHA256(secret, f"{timestamp}.{body}")`` over the raw body it got
and compares it with the ``X-FundGuard-Signature`` header (``sha256=<hex>``); the timestamp
inside the signed text lets it refuse replays of old deliveries (docs/notifications.md).
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import Any

SIGNATURE_SCHEME = "sha256"


def webhook_body(*, notification_id: int, event: str, created_at: datetime, data: Any) -> bytes:
    """``{"id", "event", "created_at", "data"}`` as compact UTF-8 JSON, the bytes signed."""
    document = {
        "id": notification_id,
        "event": event,
        "created_at": created_at.isoformat(),
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-FundGuard-Signature`` header value: ``sha256=<hex digest>``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return f"{SIGNATURE_SCHEME}={digest.hexdigest()}"
