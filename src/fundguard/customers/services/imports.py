"""Importing customers from a file: all rows or none, in one transaction, audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from fundguard.audit.services import audit_record
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.imports import ImportCheck, rows_check, rows_read
from fundguard.customers.models import Customer
from fundguard.customers.services._common import check
from fundguard.customers.services.customers import customer_insert

IMPORT_OBJECT_TYPE = "customers.import"


@dataclass
class ImportResult:
    check: ImportCheck
    customers: list[Customer] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return bool(self.customers)


def customers_import(
    *, actor: Any, filename: str, content: bytes, dry_run: bool = False
) -> ImportResult:
    """Check every row; unless ``dry_run``, store them all when (and only when) all are clean.

    The file is checked again here, so a real import of a file with one bad row writes nothing
    and returns the report. ``TableFileError`` (unreadable file, bad header) passes through.
    """
    check(actor, "customers.import_customers")
    result = ImportResult(check=rows_check(rows_read(filename=filename, content=content)))
    if dry_run or not result.check.is_clean:
        return result
    digest = hashlib.sha256(content).hexdigest()
    via = f"import:{digest[:16]}"
    try:
        with transaction.atomic(durable=True):
            customers = [
                customer_insert(actor=actor, clean=clean, via=via)
                for clean in result.check.clean_rows
            ]
            audit_record(
                actor=actor,
                action="customer.import_completed",
                object_type=IMPORT_OBJECT_TYPE,
                object_id=digest[:16],
                changes={
                    "sha256": [None, digest],
                    "rows": [None, len(customers)],
                    "customer_ids": [None, [c.pk for c in customers]],
                },
            )
    except IntegrityError:
        # Another writer took a number between the check and the insert: nothing was stored.
        raise invalid(CustomerError.id_number_taken, "id_number", id_type="") from None
    result.customers = customers
    return result
