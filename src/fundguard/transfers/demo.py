"""Demo transfers for the embedded mode, loaded idempotently by ``fundguard demo``.

A company bank account paid out through the sandbox bank, approver limits for the demo
approvers, saved payees, the demo customer's webhook, and one transfer of each approval tier
waiting in the approvers' inboxes.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from fundguard.customers.models import Beneficiary, Customer, CustomerFundsAccount
from fundguard.customers.services import beneficiary_add
from fundguard.notifications.demo_receiver import secret_path
from fundguard.notifications.models import WebhookEndpoint
from fundguard.notifications.services import webhook_endpoint_create
from fundguard.payments.models import CompanyBankAccount
from fundguard.payments.services import company_account_create
from fundguard.transfers.services import NewBeneficiary, approver_limit_set, transfer_create

# Single and daily limits in CNY fen. A limit bounds every approval its holder gives, at any
# level, so the first-level approver of a large transfer needs a limit that covers it too.
APPROVER_LIMITS_MINOR = {
    "approver1": (200_000_000, 1_000_000_000),  # 2,000,000.00 / 10,000,000.00
    "approver2": (1_000_000_000, 5_000_000_000),  # 10,000,000.00 / 50,000,000.00
    "approver3": (10_000_000_000, 50_000_000_000),  # 100,000,000.00 / 500,000,000.00
}
DEMO_TRANSFERS = (  # idempotency key, amount in fen, purpose: one per tier
    ("demo-transfer-tier-1", 3_000_000, "货款"),
    ("demo-transfer-tier-2", 28_000_000, "设备采购"),
    ("demo-transfer-tier-3", 120_000_000, "工程款"),
)


def _payees(customer: Customer, operator: User) -> Beneficiary:
    """The organisation's supplier, saved "a month ago" so that it is past its cooling-off."""
    payee = Beneficiary.objects.filter(customer=customer).first()
    if payee is None:
        payee = beneficiary_add(
            actor=operator,
            customer_id=customer.pk,
            name="广州示例机械设备有限公司",
            bank_name="中国建设银行广州天河支行",
            account_number="44050146010800001234",
            currency="CNY",
        )
        # Demo history, not a workflow: the payee has been on file for a month.
        Beneficiary.objects.filter(pk=payee.pk).update(
            created_at=timezone.now() - timedelta(days=31)
        )
    return payee


def transfers_demo_load(*, port: int) -> None:
    admin = User.objects.get(username="admin")
    operator = User.objects.get(username="operator")
    if not CompanyBankAccount.objects.filter(currency="CNY").exists():
        company_account_create(
            actor=operator,
            name="FundGuard 演示客户备付金账户",
            bank_name="中国工商银行深圳分行营业部",
            account_number="4000023409200088888",
            currency="CNY",
            country="CN",
            rail="sandbox",
        )
    for username, (single, daily) in APPROVER_LIMITS_MINOR.items():
        user = User.objects.get(username=username)
        approver_limit_set(
            actor=admin, user_id=user.pk, currency="CNY", single_minor=single, daily_minor=daily
        )
    person = Customer.objects.get(name="张伟")
    if not WebhookEndpoint.objects.filter(customer=person).exists():
        created = webhook_endpoint_create(
            actor=operator, customer_id=person.pk, url=f"http://127.0.0.1:{port}/demo/webhook/"
        )
        secret_path().write_text(created.secret, encoding="utf-8")
    organisation = Customer.objects.get(name="深圳前海示例贸易有限公司")
    source = CustomerFundsAccount.objects.get(customer=organisation, currency="CNY")
    payee = _payees(organisation, operator)
    for key, amount_minor, purpose in DEMO_TRANSFERS:
        transfer_create(
            actor=operator,
            source_account_id=source.account_id,
            amount_minor=amount_minor,
            currency="CNY",
            purpose=purpose,
            beneficiary_id=payee.pk,
            idempotency_key=key,
        )
    person_source = CustomerFundsAccount.objects.get(customer=person, currency="CNY")
    transfer_create(
        actor=operator,
        source_account_id=person_source.account_id,
        amount_minor=880_000,
        currency="CNY",
        purpose="房租",
        new_beneficiary=NewBeneficiary(
            name="王芳",
            account_number="6222021001115678903",
            bank_name="中国工商银行北京朝阳支行",
            country="CN",
        ),
        idempotency_key="demo-transfer-rent",
    )
