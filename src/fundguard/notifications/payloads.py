"""What a notification's payload may hold. Pure: no ORM.

The payload is stored in the outbox, shown in the console and sent to webhooks as it is, so it
is kept small, plain JSON, free of floats (amounts travel as decimal strings such as "1234.50")
and free of the personal fields that the customers app keeps sealed.
"""

from __future__ import annotations

import json
from typing import Any

PAYLOAD_MAX_BYTES = 8 * 1024
PAYLOAD_MAX_DEPTH = 4
# Keys that would carry a personal value in clear text; such values stay in the customers app.
PERSONAL_KEYS = frozenset(
    {"email", "phone", "address", "id_number", "account_number", "iban", "card_number"}
)


def payload_check(payload: dict[str, Any]) -> dict[str, Any]:
    """Return ``payload`` if it may be stored and sent; raise ``ValueError`` (a caller's bug)."""
    if not isinstance(payload, dict):
        raise ValueError("a notification payload is a JSON object")
    _check_value(payload, "payload", depth=0)
    size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    if size > PAYLOAD_MAX_BYTES:
        raise ValueError(f"the payload is {size} bytes; at most {PAYLOAD_MAX_BYTES}")
    return payload


def _check_value(value: Any, where: str, *, depth: int) -> None:
    if depth > PAYLOAD_MAX_DEPTH:
        raise ValueError(f"{where}: nested deeper than {PAYLOAD_MAX_DEPTH} levels")
    if isinstance(value, float):
        raise ValueError(f"{where}: floats never carry money; send a decimal string")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: keys are strings")
            if key.lower() in PERSONAL_KEYS:
                raise ValueError(f"{where}.{key}: personal data stays out of notifications")
            _check_value(item, f"{where}.{key}", depth=depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, f"{where}[{index}]", depth=depth + 1)
    elif value is not None and not isinstance(value, str | int | bool):
        raise ValueError(f"{where}: {type(value).__name__} is not plain JSON")
