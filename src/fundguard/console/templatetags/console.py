"""Template filters for the console."""

from __future__ import annotations

from django import template

from fundguard.core.roles import ROLE_LABELS, Role

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    """The translated label of a role code (as stored in audit records); unknown codes as-is."""
    try:
        return str(ROLE_LABELS[Role(value)])
    except ValueError:
        return value
