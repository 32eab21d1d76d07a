"""Registering the company's bank accounts, each with its own ledger clearing account."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import currency_exponent
from fundguard.core.permissions import require_permission
from fundguard.customers.validation import account_number_clean, bic_clean, country_clean
from fundguard.ledger.models import AccountKind
from fundguard.ledger.services import account_open
from fundguard.payments.errors import PaymentError
from fundguard.payments.models import CompanyBankAccount, Rail

NAME_MAX_CHARS = 140


def _text(value: str, field: str, max_chars: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_chars:
        raise DomainError(CoreError.invalid_input, field=field)
    return value


def company_account_create(
    *,
    actor: Any,
    name: str,
    bank_name: str,
    account_number: str,
    currency: str,
    country: str,
    rail: str,
    bic: str = "",
    iban: str = "",
) -> CompanyBankAccount:
    """Register a company bank account and open its clearing account in the ledger: a
    liability ("payments in transit") in the same currency that may not go negative."""
    if actor is not None:
        require_permission(actor, "payments.manage_company_accounts")
    name = _text(name, "name", NAME_MAX_CHARS)
    bank_name = _text(bank_name, "bank_name", NAME_MAX_CHARS)
    currency = (currency or "").strip().upper()
    currency_exponent(currency)
    country = country_clean(country)
    if rail not in Rail.values:
        raise DomainError(PaymentError.rail_unknown, field="rail")
    scheme = "cn_account" if rail == Rail.cn_bank_batch else "other"
    _, account_number = account_number_clean(account_number, scheme=scheme)
    if rail == Rail.cn_bank_batch and currency != "CNY":
        raise DomainError(PaymentError.rail_needs_cny, field="currency")
    bic = bic_clean(bic)
    iban = account_number_clean(iban, scheme="iban", field="iban")[1] if iban.strip() else ""

    def once() -> CompanyBankAccount:
        with service_atomic():
            if CompanyBankAccount.objects.filter(
                account_number=account_number, currency=currency
            ).exists():
                raise DomainError(PaymentError.company_account_exists, field="account_number")
            clearing = account_open(
                actor=actor,
                code=f"CLR-{currency}-{account_number[-32:]}",
                name=f"Payments in transit: {name}"[:200],
                kind=AccountKind.liability,
                currency=currency,
                allow_negative=False,
            )
            company = CompanyBankAccount.objects.create(
                name=name,
                bank_name=bank_name,
                bic=bic,
                account_number=account_number,
                iban=iban,
                currency=currency,
                country=country,
                clearing_account=clearing,
                rail=rail,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="payments.company_account_created",
                target=company,
                changes={
                    "name": [None, name],
                    "bank_name": [None, bank_name],
                    "account_number": [None, account_number],
                    "currency": [None, currency],
                    "rail": [None, rail],
                    "clearing_account": [None, clearing.code],
                },
            )
            return company

    try:
        return retrying(once)
    except IntegrityError:
        raise DomainError(PaymentError.company_account_exists, field="account_number") from None
