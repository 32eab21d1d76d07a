from __future__ import annotations

from django import template

from fundguard.core.money import format_amount

register = template.Library()


@register.filter
def amount(amount_minor: int | None, currency: str) -> str:
    """``{{ line.amount_minor|amount:line.currency }}`` -> "1409.50"."""
    if amount_minor is None:
        return ""
    return format_amount(int(amount_minor), currency)
