"""Masked exports of a customer list (CSV, XLSX): built from ``customer_view`` only.

No full personal value can appear: the rows come from the masked view, which never holds one.
Cells that a spreadsheet would read as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from fundguard.customers.models import Customer
from fundguard.customers.selectors import customer_view

MAX_EXPORT_ROWS = 10_000
COLUMNS = (
    "id",
    "kind",
    "name",
    "name_latin",
    "country",
    "id_type",
    "id_number_masked",
    "phone_masked",
    "email_masked",
    "is_pep",
    "kyc_status",
    "next_review_on",
    "risk_level",
    "value_class",
    "category",
    "created_at",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return value
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_rows(customers: QuerySet[Customer]) -> Iterable[list[Any]]:
    """The header, then one masked row per customer (at most MAX_EXPORT_ROWS)."""
    yield list(COLUMNS)
    for customer in customers.prefetch_related("identity_documents")[:MAX_EXPORT_ROWS]:
        view = customer_view(customer)
        yield [_safe(view[c]) for c in COLUMNS]


def rows_csv(rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel shows Chinese names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def rows_xlsx(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("customers")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WRITERS = {"csv": (rows_csv, CSV_CONTENT_TYPE), "xlsx": (rows_xlsx, XLSX_CONTENT_TYPE)}
