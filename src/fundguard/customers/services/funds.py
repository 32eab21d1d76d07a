"""Customer funds accounts: a ledger liability account per customer and currency."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.money import currency_exponent
from fundguard.customers.errors import CustomerError
from fundguard.customers.models import Customer, CustomerFundsAccount
from fundguard.customers.services._common import check, customer_locked
from fundguard.ledger.errors import LedgerError
from fundguard.ledger.models import Account, AccountKind
from fundguard.ledger.services import account_open


def funds_account_code(customer_id: int, currency: str) -> str:
    """The ledger code: one per customer and currency, so a retry cannot open a second one."""
    return f"CUST-{customer_id:010d}-{currency}"


def funds_account_open(*, actor: Any, customer_id: int, currency: str) -> CustomerFundsAccount:
    """Open the customer's funds account in ``currency``: a ledger liability owned by them.

    The ledger opens its account in its own transaction (``account_open`` is durable), then the
    link is written. Should the process die in between, the next call finds the ledger account
    by its code (owned by this customer) and links it instead of opening another.
    """
    check(actor, "customers.manage_customers")
    currency = (currency or "").upper()
    currency_exponent(currency)
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(CustomerError.customer_not_found, field="customer")
    if customer.is_erased:
        raise DomainError(CustomerError.personal_data_erased, field="customer")
    if CustomerFundsAccount.objects.filter(customer=customer, currency=currency).exists():
        raise DomainError(CustomerError.funds_account_exists, field="currency", currency=currency)
    code = funds_account_code(customer.pk, currency)
    try:
        account = account_open(
            actor=actor,
            code=code,
            name=f"Customer #{customer.pk} funds {currency}",
            kind=AccountKind.liability,
            currency=currency,
            owner=customer,
        )
    except DomainError as exc:
        if exc.code != LedgerError.account_code_taken:
            raise
        account = Account.objects.get(code=code)
        if account.owner_id != str(customer.pk):
            raise
    with transaction.atomic(durable=True):
        customer = customer_locked(customer.pk)
        if CustomerFundsAccount.objects.filter(customer=customer, currency=currency).exists():
            raise DomainError(
                CustomerError.funds_account_exists, field="currency", currency=currency
            )
        link = CustomerFundsAccount.objects.create(
            customer=customer, account=account, currency=currency, opened_by=actor
        )
        audit_record(
            actor=actor,
            action="customer.funds_account_opened",
            target=customer,
            changes={"account_id": [None, account.pk], "currency": [None, currency]},
        )
    return link
