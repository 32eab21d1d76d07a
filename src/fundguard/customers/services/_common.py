"""Helpers shared by the customers services."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from fundguard.core.errors import DomainError
from fundguard.core.permissions import require_permission
from fundguard.customers.conf import setting
from fundguard.customers.errors import CustomerError
from fundguard.customers.models import Customer


def check(actor: Any, permission: str) -> None:
    """``actor`` None is the system (CLI, tasks): no permission check."""
    if actor is not None:
        require_permission(actor, permission)


def customer_locked(customer_id: int) -> Customer:
    """The customer row, locked until the end of the transaction; refused if erased."""
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(CustomerError.customer_not_found, field="customer")
    if customer.is_erased:
        raise DomainError(CustomerError.personal_data_erased, field="customer")
    return customer


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_on(reviewed_on: date, risk_level: str) -> date:
    """KYC reviews come round by risk level: CUSTOMERS_KYC_REVIEW_MONTHS (12/24/36)."""
    return add_months(reviewed_on, int(setting("CUSTOMERS_KYC_REVIEW_MONTHS")[risk_level]))
