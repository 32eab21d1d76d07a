"""Exports, each audited: one customer's personal data (access request under PIPL / GDPR) as a
ZIP, and the masked customer list as CSV or XLSX."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import format_amount
from fundguard.customers.exports import WRITERS, export_rows
from fundguard.customers.masking import mask_name, mask_value
from fundguard.customers.models import (
    BankAccount,
    BeneficialOwner,
    Beneficiary,
    Customer,
    CustomerDocument,
    IdentityDocument,
)
from fundguard.customers.selectors import customer_list, funds_accounts, search_is_number
from fundguard.customers.services._common import check, customer_locked
from fundguard.customers.validation import compact
from fundguard.customers.vault import Vault, vault_for

EXPORT_FORMAT_VERSION = 1


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _profile(customer: Customer, vault: Vault) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "kind": customer.kind,
        "name": customer.name,
        "name_latin": customer.name_latin,
        "gender": customer.gender,
        "nationality": customer.nationality,
        "country": customer.country,
        "phone": vault.open(Customer, "phone", customer.phone_sealed),
        "email": vault.open(Customer, "email", customer.email_sealed),
        "address": vault.open(Customer, "address", customer.address_sealed),
        "occupation": customer.occupation,
        "industry": customer.industry,
        "is_pep": customer.is_pep,
        "expected_monthly_volume": (
            format_amount(customer.expected_monthly_volume_minor, customer.expected_volume_currency)
            if customer.expected_monthly_volume_minor is not None
            else None
        ),
        "expected_volume_currency": customer.expected_volume_currency,
        "purposes": customer.purposes,
        "source_of_funds": customer.source_of_funds,
        "legal_representative_name": customer.legal_representative_name,
        "legal_representative_id_type": customer.legal_representative_id_type,
        "legal_representative_id_number": vault.open(
            Customer, "legal_representative_id", customer.legal_representative_id_sealed
        ),
        "kyc_status": customer.kyc_status,
        "next_review_on": customer.next_review_on,
        "risk_level": customer.risk_level,
        "value_class": customer.value_class,
        "category": customer.category,
        "created_at": customer.created_at,
    }


def _bank_rows(model: type[BankAccount | Beneficiary], customer: Customer, vault: Vault) -> Any:
    rows = []
    for row in model._default_manager.filter(customer=customer).order_by("pk"):
        item = {
            "id": row.pk,
            "bank_name": row.bank_name,
            "branch": row.branch,
            "bic": row.bic,
            "scheme": row.scheme,
            "account_number": vault.open(model, "number", row.number_sealed),
            "currency": row.currency,
            "verification_status": row.verification_status,
            "created_at": row.created_at,
        }
        if isinstance(row, Beneficiary):
            item["name"] = row.name
        rows.append(item)
    return rows


def _documents(customer: Customer, vault: Vault) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    listing: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    for doc in CustomerDocument.objects.filter(customer=customer).order_by("pk"):
        filename = vault.open(CustomerDocument, "filename", doc.filename_sealed)
        path = f"documents/{doc.pk}-{filename}"
        files[path] = vault.open_bytes(CustomerDocument, "content", doc.content_sealed)
        listing.append(
            {
                "id": doc.pk,
                "kind": doc.kind,
                "filename": filename,
                "file": path,
                "content_type": doc.content_type,
                "size_bytes": doc.size_bytes,
                "sha256": doc.sha256,
                "issued_on": doc.issued_on,
                "expires_on": doc.expires_on,
                "uploaded_at": doc.uploaded_at,
            }
        )
    return listing, files


def _archive(customer: Customer, vault: Vault, actor: Any) -> tuple[bytes, dict[str, int]]:
    identity = [
        {
            "id": d.pk,
            "id_type": d.id_type,
            "number": vault.open(IdentityDocument, "number", d.number_sealed),
            "issuing_country": d.issuing_country,
            "issued_on": d.issued_on,
            "expires_on": d.expires_on,
            "is_primary": d.is_primary,
        }
        for d in IdentityDocument.objects.filter(customer=customer).order_by("pk")
    ]
    owners = [
        {
            "id": o.pk,
            "name": o.name,
            "name_latin": o.name_latin,
            "nationality": o.nationality,
            "share_bp": o.share_bp,
            "id_type": o.id_type,
            "id_number": vault.open(BeneficialOwner, "id_number", o.id_sealed),
        }
        for o in BeneficialOwner.objects.filter(customer=customer).order_by("pk")
    ]
    reviews = [
        {
            "outcome": r.outcome,
            "findings": r.findings,
            "reviewed_on": r.reviewed_on,
            "next_review_on": r.next_review_on,
        }
        for r in customer.kyc_reviews.order_by("pk")
    ]
    ratings = [
        {
            "factors": r.factors,
            "total_score": r.total_score,
            "computed_level": r.computed_level,
            "override_level": r.override_level,
            "override_status": r.override_status,
            "created_at": r.created_at,
        }
        for r in customer.risk_ratings.order_by("pk")
    ]
    accounts = [
        {
            "account_id": account.pk,
            "code": account.code,
            "currency": account.currency,
            "balance": format_amount(account.balance_minor, account.currency),
        }
        for _link, account in funds_accounts(customer)
    ]
    documents, files = _documents(customer, vault)
    parts: dict[str, Any] = {
        "customer.json": _profile(customer, vault),
        "identity_documents.json": identity,
        "bank_accounts.json": _bank_rows(BankAccount, customer, vault),
        "beneficiaries.json": _bank_rows(Beneficiary, customer, vault),
        "beneficial_owners.json": owners,
        "kyc_reviews.json": reviews,
        "risk_ratings.json": ratings,
        "funds_accounts.json": accounts,
        "documents.json": documents,
    }
    manifest = {
        "format_version": EXPORT_FORMAT_VERSION,
        "customer_id": customer.pk,
        "exported_at": timezone.now(),
        "exported_by": getattr(actor, "username", "system"),
        "files": sorted([*parts, *files]),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _json(manifest))
        for name, value in parts.items():
            archive.writestr(name, _json(value))
        for name, content in files.items():
            archive.writestr(name, content)
    counts = {name: len(value) for name, value in parts.items() if isinstance(value, list)}
    return out.getvalue(), counts


def customer_data_export(*, actor: Any, customer_id: int) -> bytes:
    """Everything held on one customer, decrypted, as a ZIP of JSON files and their documents.

    Needs ``customers.export_personal_data``; writes ``customer.data_exported`` (who, when, how
    many records of each kind) in the same transaction. Refused once the data is erased.
    """
    check(actor, "customers.export_personal_data")
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        archive, counts = _archive(customer, vault_for(customer), actor)
        audit_record(
            actor=actor,
            action="customer.data_exported",
            target=customer,
            changes={"records": [None, counts], "size_bytes": [None, len(archive)]},
        )
    return archive


def _filters_for_audit(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters that were set; a search masked like any personal value (number or name)."""
    shown = {name: value for name, value in filters.items() if value not in ("", None, False)}
    search = str(shown.get("search", "")).strip()
    if search:
        shown["search"] = (
            mask_value(compact(search)) if search_is_number(search) else mask_name(search)
        )
    return shown


def customer_list_export(*, actor: Any, filters: Mapping[str, Any], file_format: str) -> bytes:
    """The filtered customer list, masked, as ``csv`` or ``xlsx`` (at most MAX_EXPORT_ROWS).

    Writes ``customer.list_exported`` (who, the filters, the format, how many rows) in the same
    transaction, so that an auditor sees who exported what. ``filters`` are customer_list's.
    """
    check(actor, "customers.view_customers")
    if file_format not in WRITERS:
        raise DomainError(CoreError.invalid_input, field="format")
    write = WRITERS[file_format][0]
    with transaction.atomic(durable=True):
        rows = list(export_rows(customer_list(**filters)))
        body = write(rows)
        audit_record(
            actor=actor,
            action="customer.list_exported",
            object_type="customers.customer",
            changes={
                "format": [None, file_format],
                "filters": [None, _filters_for_audit(filters)],
                "rows": [None, len(rows) - 1],
                "size_bytes": [None, len(body)],
            },
        )
    return body
