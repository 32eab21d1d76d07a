"""Payments test helpers: company accounts on each rail and payment instructions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count
from typing import Any

import pytest
from django.contrib.auth.models import User

from fundguard.payments import services
from fundguard.payments.instructions import PaymentInstruction
from fundguard.payments.models import CompanyBankAccount, PaymentFile, PaymentOrder, StatusReport

_serials = count(1)

WRITE_TABLES = (CompanyBankAccount, PaymentOrder, PaymentFile, StatusReport)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITE_TABLES}


def instruction(**overrides: Any) -> PaymentInstruction:
    """A valid CNY payment to a Chinese corporate account; override any field."""
    values: dict[str, Any] = {
        "end_to_end_id": f"E2E-{next(_serials):08d}",
        "amount_minor": 123_456,
        "currency": "CNY",
        "creditor_name": "上海明远贸易有限公司",
        "creditor_account_number": "6222021001122334455",
        "creditor_bank_name": "中国工商银行上海分行",
        "creditor_country": "CN",
        "requested_execution_date": date(2025, 3, 3),
        "remittance_information": "合同 HT-2025-001 货款",
        "purpose": "货款",
        "creditor_province": "上海",
        "creditor_city": "上海",
    }
    values.update(overrides)
    return PaymentInstruction(**values)


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user("operator")


@pytest.fixture
def releaser(make_user: Callable[..., User]) -> User:
    return make_user("approver_l2")


@pytest.fixture
def company_account(operator: User) -> Callable[..., CompanyBankAccount]:
    """``company_account("pain001_09")``: a company bank account on that rail."""

    def make(
        rail: str = "pain001_09", currency: str = "CNY", **overrides: Any
    ) -> CompanyBankAccount:
        values: dict[str, Any] = {
            "name": "示例资金管理有限公司",
            "bank_name": "中国工商银行北京分行",
            "account_number": f"0200{next(_serials):015d}",
            "currency": currency,
            "country": "CN",
            "rail": rail,
            "bic": "ICBKCNBJ",
        }
        values.update(overrides)
        return services.company_account_create(actor=operator, **values)

    return make


@pytest.fixture
def queue() -> Callable[..., PaymentOrder]:
    """``queue(company, **instruction_fields)``: a payment order queued by the system."""

    def make(company: CompanyBankAccount, **overrides: Any) -> PaymentOrder:
        return services.payment_order_queue(
            actor=None,
            company_account_id=company.pk,
            instruction=instruction(currency=company.currency, **overrides),
            cause=None,
        )

    return make
