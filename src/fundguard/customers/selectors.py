"""Reading customers: search (names, or ID/account numbers through the blind index), lists
for follow-up (reviews due, documents expiring), funds balances, and the masked view that
every page, API response and export shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from fundguard.core.errors import DomainError
from fundguard.customers.conf import setting
from fundguard.customers.errors import CustomerError
from fundguard.customers.masking import masked
from fundguard.customers.models import (
    BankAccount,
    Beneficiary,
    Customer,
    CustomerDocument,
    CustomerFundsAccount,
    IdentityDocument,
    KycStatus,
)
from fundguard.customers.validation import compact
from fundguard.customers.vault import indexes_of
from fundguard.ledger.models import Account

MAX_SEARCH_CHARS = 100
NUMBER_SEARCH_MIN_DIGITS = 4


def search_is_number(search: str) -> bool:
    """A search for an ID or account number: never echoed back, put in a URL or audited."""
    return sum(ch.isdigit() for ch in search) >= NUMBER_SEARCH_MIN_DIGITS


def customer_get(customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(CustomerError.customer_not_found, field="customer")
    return customer


def customer_ids_by_number(number: str) -> set[int]:
    """Customers holding this ID number, or owning / paying to this account number (exact)."""
    value = compact(number)
    if not value:
        return set()
    # Every key of the blind-index ring: during a rebuild some rows still carry the old index.
    id_indexes = indexes_of(value, "id_number")
    account_indexes = indexes_of(value, "account_number")
    ids = set(
        IdentityDocument.objects.filter(number_index__in=id_indexes).values_list(
            "customer_id", flat=True
        )
    )
    for model in (BankAccount, Beneficiary):
        ids |= set(
            model.objects.filter(number_index__in=account_indexes).values_list(
                "customer_id", flat=True
            )
        )
    return ids


def customer_list(
    *,
    search: str = "",
    risk_level: str = "",
    kyc_status: str = "",
    value_class: str = "",
    category: str = "",
    review_due: bool = False,
    today: date | None = None,
) -> QuerySet[Customer]:
    """Newest first. ``search`` matches a name (either script) or, exactly, an ID or account
    number through the blind index."""
    customers = Customer.objects.order_by("-id")
    search = search.strip()[:MAX_SEARCH_CHARS]
    if search:
        by_number = customer_ids_by_number(search)
        customers = customers.filter(
            Q(name__icontains=search) | Q(name_latin__icontains=search) | Q(pk__in=by_number)
        )
    if risk_level:
        customers = customers.filter(risk_level=risk_level)
    if kyc_status:
        customers = customers.filter(kyc_status=kyc_status)
    if value_class:
        customers = customers.filter(value_class=value_class)
    if category:
        customers = customers.filter(category=category)
    if review_due:
        customers = customers.filter(reviews_due_q(today or timezone.localdate()))
    return customers


def reviews_due_q(today: date) -> Q:
    """Verified customers whose next review is due, and those already expired."""
    return (
        Q(kyc_status=KycStatus.verified, next_review_on__lte=today)
        | Q(kyc_status=KycStatus.expired)
    ) & Q(erased_at__isnull=True)


def kyc_reviews_overdue(*, today: date | None = None) -> QuerySet[Customer]:
    return Customer.objects.filter(reviews_due_q(today or timezone.localdate())).order_by(
        "next_review_on", "pk"
    )


@dataclass(frozen=True)
class ExpiringDocument:
    customer_id: int
    kind: str
    object_id: int
    expires_on: date


def documents_expiring(
    *, within_days: int | None = None, today: date | None = None
) -> list[ExpiringDocument]:
    """Identity documents and uploads expiring within the warning window (or expired)."""
    today = today or timezone.localdate()
    days = (
        within_days
        if within_days is not None
        else setting("CUSTOMERS_DOCUMENT_EXPIRY_WARNING_DAYS")
    )
    until = today + timedelta(days=int(days))
    found = [
        ExpiringDocument(d.customer_id, f"identity:{d.id_type}", d.pk, d.expires_on)
        for d in IdentityDocument.objects.filter(
            expires_on__lte=until, customer__erased_at__isnull=True
        )
        if d.expires_on is not None
    ]
    found += [
        ExpiringDocument(d.customer_id, f"document:{d.kind}", d.pk, d.expires_on)
        for d in CustomerDocument.objects.filter(
            expires_on__lte=until, customer__erased_at__isnull=True
        ).only("id", "customer_id", "kind", "expires_on")
        if d.expires_on is not None
    ]
    return sorted(found, key=lambda d: (d.expires_on, d.customer_id, d.object_id))


def beneficiary_cooling_off_ends_at(beneficiary: Beneficiary) -> datetime:
    hours = int(setting("CUSTOMERS_BENEFICIARY_COOLING_OFF_HOURS"))
    return beneficiary.created_at + timedelta(hours=hours)


def beneficiary_is_cooling_off(beneficiary: Beneficiary, *, now: datetime | None = None) -> bool:
    """True while a new beneficiary may not receive a large first transfer."""
    return (now or timezone.now()) < beneficiary_cooling_off_ends_at(beneficiary)


def funds_accounts(customer: Customer) -> list[tuple[CustomerFundsAccount, Account]]:
    """The customer's funds accounts with their ledger accounts (balances read from the ledger)."""
    links = CustomerFundsAccount.objects.filter(customer=customer).select_related("account")
    return [(link, link.account) for link in links.order_by("currency")]


# --- the masked view ----------------------------------------------------------------------


def _masked(last_four: str, sealed: str) -> str:
    return masked(last_four, present=bool(sealed))


def identity_document_view(document: IdentityDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "id_type": document.id_type,
        "number_masked": _masked(document.number_last4, document.number_sealed),
        "issuing_country": document.issuing_country,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "is_primary": document.is_primary,
    }


def bank_details_view(row: BankAccount | Beneficiary) -> dict[str, Any]:
    view = {
        "id": row.pk,
        "bank_name": row.bank_name,
        "branch": row.branch,
        "bic": row.bic,
        "scheme": row.scheme,
        "account_number_masked": _masked(row.number_last4, row.number_sealed),
        "currency": row.currency,
        "verification_status": row.verification_status,
        "created_at": row.created_at,
    }
    if isinstance(row, Beneficiary):
        view["name"] = row.name
        view["province"] = row.province
        view["city"] = row.city
        view["cooling_off_until"] = beneficiary_cooling_off_ends_at(row)
    return view


def customer_view(customer: Customer) -> dict[str, Any]:
    """Every field a staff member may see without a reveal: personal values masked."""
    # Through .all() so that a list prefetching identity_documents runs no query per row.
    primary = next((d for d in customer.identity_documents.all() if d.is_primary), None)
    return {
        "id": customer.pk,
        "kind": customer.kind,
        "name": customer.name,
        "name_latin": customer.name_latin,
        "gender": customer.gender,
        "nationality": customer.nationality,
        "country": customer.country,
        "occupation": customer.occupation,
        "industry": customer.industry,
        "is_pep": customer.is_pep,
        "expected_monthly_volume_minor": customer.expected_monthly_volume_minor,
        "expected_volume_currency": customer.expected_volume_currency,
        "purposes": customer.purposes,
        "source_of_funds": customer.source_of_funds,
        "id_type": primary.id_type if primary else "",
        "id_number_masked": (
            _masked(primary.number_last4, primary.number_sealed) if primary else ""
        ),
        "phone_masked": _masked(customer.phone_last4, customer.phone_sealed),
        "email_masked": _masked(customer.email_last4, customer.email_sealed),
        "address_masked": _masked(customer.address_last4, customer.address_sealed),
        "legal_representative_name": customer.legal_representative_name,
        "legal_representative_id_type": customer.legal_representative_id_type,
        "legal_representative_id_masked": _masked(
            customer.legal_representative_id_last4, customer.legal_representative_id_sealed
        ),
        "kyc_status": customer.kyc_status,
        "next_review_on": customer.next_review_on,
        "risk_level": customer.risk_level,
        "value_class": customer.value_class,
        "category": customer.category,
        "created_at": customer.created_at,
        "is_erased": customer.is_erased,
    }
