"""System checks: the personal-data keys must parse (``fundguard check`` and every start-up)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from fundguard.core import crypto


@register()
def personal_data_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    try:
        crypto.configured_key_ring()
    except crypto.KeyConfigurationError as exc:
        errors.append(
            Error(
                f"FUNDGUARD_DATA_KEYS: {exc}",
                hint="Use 'id:<base64 of 32 bytes>' items, newest first; see docs/customers.md.",
                id="customers.E001",
            )
        )
    try:
        crypto.configured_blind_index_key()
    except crypto.KeyConfigurationError as exc:
        errors.append(
            Error(
                f"FUNDGUARD_BLIND_INDEX_KEY: {exc}",
                hint="Generate one with 'fundguard keys generate --blind-index'.",
                id="customers.E002",
            )
        )
    return errors
