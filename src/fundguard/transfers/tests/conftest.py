"""Transfers test world: staff of every role, approver limits, a verified customer with money in a
CNY funds account, and a company bank account paid out through the sandbox bank."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from fundguard.core.otp import current_code
from fundguard.customers.services import customer_create, funds_account_open, kyc_review_record
from fundguard.customers.tests.conftest import card_number, resident_id, uscc_number
from fundguard.ledger.models import Account
from fundguard.ledger.services import LineSpec, account_open, entry_post
from fundguard.payments.services import company_account_create
from fundguard.transfers.services import approver_limit_set

FUNDED_MINOR = 1_000_000_000  # 10,000,000.00 CNY
LIMITS_MINOR = {  # single, daily
    "approver_l1": (10_000_000, 30_000_000),
    "approver_l2": (100_000_000, 300_000_000),
    "approver_l3": (1_000_000_000, 3_000_000_000),
}


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """These tests read the English refusal messages; the site's default language is zh-Hans."""
    with translation.override("en"):
        yield


@dataclass
class World:
    operator: User
    l1: User
    l2: User
    l3: User
    risk: User
    admin: User
    auditor: User
    customer_id: int
    account: Account
    bank: Account
    make_user: Callable[..., User]

    def otp(self, user: User) -> str:
        return current_code(user)

    def fund(self, amount_minor: int, account: Account | None = None) -> None:
        entry_post(
            actor=None,
            lines=[
                LineSpec(account_id=self.bank.pk, side="debit", amount_minor=amount_minor),
                LineSpec(
                    account_id=(account or self.account).pk,
                    side="credit",
                    amount_minor=amount_minor,
                ),
            ],
            memo="deposit",
        )

    def approver(self, role: str) -> User:
        """Another approver of ``role`` with the usual limits."""
        user = self.make_user(role)
        single, daily = LIMITS_MINOR[role]
        approver_limit_set(
            actor=self.admin,
            user_id=user.pk,
            currency="CNY",
            single_minor=single,
            daily_minor=daily,
        )
        return user


def verified_customer(operator: User, risk: User, *, kind: str = "person") -> tuple[int, Account]:
    fields: dict[str, Any] = (
        {"kind": "person", "name": "张三", "id_type": "cn_resident_id", "id_number": resident_id()}
        if kind == "person"
        else {
            "kind": "organization",
            "name": "深圳市示例贸易有限公司",
            "id_type": "cn_uscc",
            "id_number": uscc_number(),
        }
    )
    customer = customer_create(actor=operator, country="CN", email="zhang@example.com", **fields)
    kyc_review_record(actor=risk, customer_id=customer.pk, outcome="verified", findings="ok")
    link = funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    return customer.pk, link.account


@pytest.fixture
def world(make_user: Callable[..., User]) -> World:
    operator = make_user("operator")
    admin = make_user("admin")
    risk = make_user("risk_officer")
    approvers = {}
    for role, (single, daily) in LIMITS_MINOR.items():
        approvers[role] = make_user(role)
        approvers[role].email = f"{approvers[role].username}@example.com"
        approvers[role].save(update_fields=["email"])
        approver_limit_set(
            actor=admin,
            user_id=approvers[role].pk,
            currency="CNY",
            single_minor=single,
            daily_minor=daily,
        )
    customer_id, account = verified_customer(operator, risk)
    bank = account_open(
        actor=None,
        code="BANK-CNY",
        name="Bank CNY",
        kind="asset",
        currency="CNY",
        allow_negative=True,
    )
    company_account_create(
        actor=operator,
        name="FundGuard Payments Ltd",
        bank_name="中国工商银行深圳分行",
        account_number="4000023409200123456",
        currency="CNY",
        country="CN",
        rail="sandbox",
    )
    world = World(
        operator=operator,
        l1=approvers["approver_l1"],
        l2=approvers["approver_l2"],
        l3=approvers["approver_l3"],
        risk=risk,
        admin=admin,
        auditor=make_user("auditor"),
        customer_id=customer_id,
        account=account,
        bank=bank,
        make_user=make_user,
    )
    world.fund(FUNDED_MINOR)
    return world


def payee(number: str = "") -> dict[str, str]:
    return {
        "name": "李四",
        "account_number": number or card_number(),
        "bank_name": "中国建设银行北京分行",
        "country": "CN",
    }
