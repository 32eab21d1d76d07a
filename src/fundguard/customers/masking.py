"""Masking: only the last four characters of a personal value are ever shown unrevealed."""

from __future__ import annotations

MASK = "****"
VISIBLE_CHARS = 4


def last4(value: str) -> str:
    """What is stored beside a sealed value for masking (nothing for values of <= 4 chars)."""
    return value[-VISIBLE_CHARS:] if len(value) > VISIBLE_CHARS else ""


def masked(last_four: str, *, present: bool = True) -> str:
    """``****1234``; ``****`` for short values; empty when there is no value at all."""
    if not present:
        return ""
    return f"{MASK}{last_four}"


def mask_value(value: str) -> str:
    return masked(last4(value), present=bool(value))


def mask_name(name: str) -> str:
    """For audit records: the first character, the rest starred ("张**", "J***")."""
    if not name:
        return ""
    return name[0] + "*" * min(len(name) - 1, 8)
