"""Demo customers for the embedded mode, loaded idempotently by ``fundguard demo``.

Registered by the demo operator and verified by the demo risk officer (four eyes), each verified
one with a CNY funds account holding a deposit from the demo bank account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from fundguard.customers.models import Customer, CustomerFundsAccount
from fundguard.customers.services import customer_create, funds_account_open, kyc_review_record
from fundguard.ledger.models import Account
from fundguard.ledger.services import LineSpec, entry_post

DEMO_BANK_ACCOUNT = "1001-CNY"  # opened by the ledger demo


@dataclass(frozen=True)
class DemoCustomer:
    fields: dict[str, Any]
    verified: bool
    deposit_minor: int


DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        fields={
            "kind": "person",
            "name": "张伟",
            "name_latin": "ZHANG Wei",
            "id_type": "cn_resident_id",
            "id_number": "110105198506123577",
            "country": "CN",
            "phone": "+8613800138000",
            "email": "zhangwei@example.com",
            "occupation": "engineer",
        },
        verified=True,
        deposit_minor=200_000_000,  # 2,000,000.00
    ),
    DemoCustomer(
        fields={
            "kind": "organization",
            "name": "深圳前海示例贸易有限公司",
            "name_latin": "Shenzhen Qianhai Example Trading Co., Ltd.",
            "id_type": "cn_uscc",
            "id_number": "91440300MA5F2KXP0C",
            "country": "CN",
            "email": "finance@example.com",
            "industry": "import_export",
        },
        verified=True,
        deposit_minor=2_000_000_000,  # 20,000,000.00
    ),
    DemoCustomer(
        fields={
            "kind": "person",
            "name": "李娜",
            "id_type": "cn_resident_id",
            "id_number": "440305199003071244",
            "country": "CN",
        },
        verified=False,
        deposit_minor=0,
    ),
)


def customers_demo_load() -> list[Customer]:
    """Register the demo customers that do not exist yet; return them all."""
    operator = User.objects.get(username="operator")
    risk = User.objects.get(username="risk")
    bank = Account.objects.get(code=DEMO_BANK_ACCOUNT)
    customers = []
    for demo in DEMO_CUSTOMERS:
        customer = Customer.objects.filter(name=demo.fields["name"]).first()
        if customer is None:
            customer = customer_create(actor=operator, **demo.fields)
            if demo.verified:
                kyc_review_record(
                    actor=risk, customer_id=customer.pk, outcome="verified", findings="demo"
                )
        if demo.deposit_minor:
            link = CustomerFundsAccount.objects.filter(customer=customer, currency="CNY").first()
            if link is None:
                link = funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
            entry_post(
                actor=operator,
                lines=[
                    LineSpec(bank.pk, "debit", demo.deposit_minor),
                    LineSpec(link.account_id, "credit", demo.deposit_minor),
                ],
                memo=f"Deposit from {demo.fields['name']}",
                idempotency_key=f"demo-deposit-customer-{customer.pk}",
            )
        customers.append(customer)
    return customers
