"""Revealing a masked field (audited) and erasing a customer's personal data."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.masking import masked
from fundguard.customers.models import (
    ERASED_NAME,
    BankAccount,
    BeneficialOwner,
    Beneficiary,
    Customer,
    CustomerDocument,
    IdentityDocument,
)
from fundguard.customers.services._common import check, customer_locked
from fundguard.customers.vault import data_key_destroy, vault_for
from fundguard.ledger.models import AccountStatus

# field name -> (model, sealed field, stored-as field name for the AAD, last-4 field, per row?)
REVEALABLE: dict[str, tuple[type[models.Model], str, str, str, bool]] = {
    "phone": (Customer, "phone_sealed", "phone", "phone_last4", False),
    "email": (Customer, "email_sealed", "email", "email_last4", False),
    "address": (Customer, "address_sealed", "address", "address_last4", False),
    "legal_representative_id_number": (
        Customer,
        "legal_representative_id_sealed",
        "legal_representative_id",
        "legal_representative_id_last4",
        False,
    ),
    "id_number": (IdentityDocument, "number_sealed", "number", "number_last4", True),
    "bank_account_number": (BankAccount, "number_sealed", "number", "number_last4", True),
    "beneficiary_account_number": (Beneficiary, "number_sealed", "number", "number_last4", True),
    "beneficial_owner_id_number": (BeneficialOwner, "id_sealed", "id_number", "id_last4", True),
}
REVEAL_ROWS_KEY = "object_id"


def customer_field_reveal(
    *, actor: Any, customer_id: int, field: str, object_id: int | None = None
) -> str:
    """The clear text of one personal field; who revealed what is written to the audit trail.

    ``object_id`` picks the row for per-row fields (an identity document, bank account,
    beneficiary or owner); for ``id_number`` it defaults to the primary document.
    """
    check(actor, "customers.reveal_personal_data")
    if field not in REVEALABLE:
        raise invalid(CustomerError.reveal_field_unknown, field)
    model, sealed_field, aad_field, last4_field, per_row = REVEALABLE[field]
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        if not per_row:
            row: models.Model | None = customer
        elif object_id is None and model is IdentityDocument:
            row = IdentityDocument.objects.filter(customer=customer, is_primary=True).first()
        else:
            row = model._default_manager.filter(customer=customer, pk=object_id).first()
        if row is None:
            raise DomainError(CoreError.not_found, field=REVEAL_ROWS_KEY)
        value = vault_for(customer).open(model, aad_field, getattr(row, sealed_field))
        audit_record(
            actor=actor,
            action="customer.field_revealed",
            target=customer,
            changes={
                "field": [None, field],
                "object": [None, f"{model._meta.label_lower}#{row.pk}"],
                "value": [None, masked(getattr(row, last4_field), present=bool(value))],
            },
        )
    return value


def document_content_reveal(*, actor: Any, document_id: int) -> tuple[CustomerDocument, bytes]:
    """Open an uploaded file (a reveal: needs the permission, and is audited)."""
    check(actor, "customers.reveal_personal_data")
    with transaction.atomic(durable=True):
        document = CustomerDocument.objects.filter(pk=document_id).first()
        if document is None:
            raise DomainError(CoreError.not_found, field="document")
        customer = customer_locked(document.customer_id)
        content = vault_for(customer).open_bytes(
            CustomerDocument, "content", document.content_sealed
        )
        audit_record(
            actor=actor,
            action="customer.field_revealed",
            target=customer,
            changes={
                "field": [None, "document_content"],
                "object": [None, f"customers.customerdocument#{document.pk}"],
                "sha256": [None, document.sha256],
            },
        )
    return document, content


def customer_erase(*, actor: Any, customer_id: int, reason: str) -> Customer:
    """Erasure (PIPL art. 47 / GDPR art. 17) by destroying the customer's data key.

    Every sealed field and file becomes unreadable for good; names are overwritten, last-4
    digits and blind indexes cleared. Customer, ledger and audit rows stay. Refused while the
    customer holds an open funds account (those records must be kept).
    """
    check(actor, "customers.erase_personal_data")
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise DomainError(CoreError.invalid_input, field="reason")
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        open_codes = list(
            customer.funds_accounts.exclude(account__status=AccountStatus.closed)
            .order_by("currency")
            .values_list("account__code", flat=True)
        )
        if open_codes:
            raise DomainError(
                CustomerError.erasure_blocked_by_open_accounts,
                field="customer",
                accounts=", ".join(open_codes),
            )
        destroyed = data_key_destroy(customer)
        now = timezone.now()
        Customer.objects.filter(pk=customer.pk).update(
            name=ERASED_NAME,
            name_latin="",
            phone_last4="",
            email_last4="",
            address_last4="",
            legal_representative_name="",
            legal_representative_id_last4="",
            erased_at=now,
        )
        for model in (IdentityDocument, BankAccount, Beneficiary):
            model.objects.filter(customer=customer).update(
                number_index="", number_index_key_id="", number_last4=""
            )
        Beneficiary.objects.filter(customer=customer).update(name=ERASED_NAME)
        BeneficialOwner.objects.filter(customer=customer).update(
            name=ERASED_NAME, name_latin="", id_last4=""
        )
        audit_record(
            actor=actor,
            action="customer.erased",
            target=customer,
            changes={"data_key_destroyed": [False, destroyed], "reason": [None, reason]},
        )
    customer.refresh_from_db()
    return customer
