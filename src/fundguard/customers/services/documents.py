"""Uploaded files (ID scans, licences, contracts), sealed with the customer's data key."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date
from typing import Any

from django.db import transaction

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.customers.conf import setting
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.models import CustomerDocument, DocumentKind
from fundguard.customers.services._common import check, customer_locked
from fundguard.customers.vault import vault_for

MAX_FILENAME_CHARS = 200
# The first bytes each accepted type must start with: a renamed executable is refused.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def document_check(*, content_type: str, content: bytes, field: str = "content") -> None:
    """Size and type limits, without the database (the API checks before decoding, too)."""
    allowed = list(setting("CUSTOMERS_DOCUMENT_CONTENT_TYPES"))
    if content_type not in allowed:
        raise invalid(
            CustomerError.document_type_not_allowed,
            "content_type",
            value=content_type,
            allowed=", ".join(allowed),
        )
    limit = int(setting("CUSTOMERS_DOCUMENT_MAX_BYTES"))
    if len(content) > limit:
        raise invalid(CustomerError.document_too_large, field, limit=limit)
    if not content:
        raise invalid(CustomerError.document_empty, field)
    magic = MAGIC.get(content_type)
    if magic and not content.startswith(magic):
        raise invalid(
            CustomerError.document_type_not_allowed,
            field,
            value=f"{content_type} (content does not match)",
            allowed=", ".join(allowed),
        )


def document_content_decode(content_base64: str) -> bytes:
    """A file sent base64-encoded in JSON; its size is checked before it is decoded."""
    limit = int(setting("CUSTOMERS_DOCUMENT_MAX_BYTES"))
    if len(content_base64) > (limit // 3 + 1) * 4 + 4:
        raise invalid(CustomerError.document_too_large, "content_base64", limit=limit)
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(CoreError.invalid_input, field="content_base64") from None


def document_upload(
    *,
    actor: Any,
    customer_id: int,
    kind: str,
    filename: str,
    content_type: str,
    content: bytes,
    issued_on: date | None = None,
    expires_on: date | None = None,
) -> CustomerDocument:
    """Store a file sealed, with its SHA-256 (of the plain content), size and dates."""
    check(actor, "customers.manage_customers")
    if kind not in DocumentKind.values:
        raise DomainError(CoreError.invalid_input, field="kind")
    filename = (filename or "").strip().replace("/", "_").replace("\\", "_")
    if not filename or len(filename) > MAX_FILENAME_CHARS:
        raise DomainError(CoreError.invalid_input, field="filename")
    if issued_on and expires_on and expires_on < issued_on:
        raise invalid(CustomerError.document_dates_inverted, "expires_on")
    document_check(content_type=content_type, content=content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        vault = vault_for(customer)
        document = CustomerDocument.objects.create(
            customer=customer,
            kind=kind,
            filename_sealed=vault.seal(CustomerDocument, "filename", filename),
            content_type=content_type,
            size_bytes=len(content),
            sha256=digest,
            content_sealed=vault.seal_bytes(CustomerDocument, "content", content),
            issued_on=issued_on,
            expires_on=expires_on,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="customer.document_uploaded",
            target=customer,
            changes={
                "object_id": [None, document.pk],
                "kind": [None, kind],
                "sha256": [None, digest],
                "size_bytes": [None, len(content)],
                "expires_on": [None, expires_on],
            },
        )
    return document
