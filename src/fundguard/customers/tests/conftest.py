"""Customers test helpers: identity vectors built with the real check-digit algorithms."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from stdnum import luhn
from stdnum.cn import ric, uscc

from fundguard.audit.models import AuditRecord
from fundguard.customers.models import (
    BankAccount,
    Beneficiary,
    Customer,
    CustomerDataKey,
    CustomerDocument,
    IdentityDocument,
    KycReview,
    RiskRating,
)
from fundguard.customers.services import customer_create

_serials = count(1)


def resident_id(birth: str = "19900307", region: str = "110105", serial: str = "") -> str:
    """A valid 18-digit resident ID: region, birth date, 3-digit serial (odd: male), check."""
    serial = serial or f"{next(_serials) % 1000:03d}"
    body = f"{region}{birth}{serial}"
    return body + ric.calc_check_digit(body + "0")


def resident_id_with_wrong_check_digit() -> str:
    """A resident ID whose check digit is wrong (never accidentally the right one)."""
    valid = resident_id()
    wrong = "1" if valid[-1] != "1" else "2"
    return valid[:-1] + wrong


def uscc_number(body: str = "") -> str:
    """A valid USCC: 17 characters and the GB 32100 check character."""
    body = body or f"9111010{next(_serials):010d}"
    return body + uscc.calc_check_digit(body)


def card_number(prefix: str = "622202", length: int = 19) -> str:
    """A Luhn-valid UnionPay-style card number."""
    body = f"{prefix}{next(_serials):0{length - len(prefix) - 1}d}"
    return body + luhn.calc_check_digit(body)


WRITE_TABLES = (
    Customer,
    CustomerDataKey,
    IdentityDocument,
    BankAccount,
    Beneficiary,
    CustomerDocument,
    KycReview,
    RiskRating,
    AuditRecord,
)


def row_counts() -> dict[str, int]:
    """Rows per table that a customers write could touch (for 'nothing was written')."""
    return {model._meta.label: model.objects.count() for model in WRITE_TABLES}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user("operator")


@pytest.fixture
def risk_officer(make_user: Callable[..., User]) -> User:
    return make_user("risk_officer")


@pytest.fixture
def new_customer(operator: User) -> Callable[..., Customer]:
    def make(**overrides: Any) -> Customer:
        fields: dict[str, Any] = {
            "kind": "person",
            "name": "张三",
            "name_latin": "ZHANG San",
            "id_type": "cn_resident_id",
            "id_number": resident_id(),
            "country": "CN",
            "phone": "+86 138 0013 8000",
            "email": "zhang.san@example.cn",
            "address": "北京市朝阳区建国路1号",
        }
        fields.update(overrides)
        return customer_create(actor=overrides.pop("actor", operator), **fields)

    return make
