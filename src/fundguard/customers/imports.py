"""Reading a customers file (CSV or XLSX) into rows, and checking every row without writing.

``rows_read`` parses the file; ``rows_check`` validates each row with the services' own
``customer_input_clean`` and lists every bad row (row number as the user sees it in the file,
field, reason). The import itself is the service ``customers_import``: it refuses a file that is
not clean, so the dry run and the real import cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import parse_amount
from fundguard.core.tabular import ROW_NUMBER, table_read
from fundguard.customers.models import IdentityDocument
from fundguard.customers.services.customers import CustomerInput, customer_input_clean
from fundguard.customers.vault import indexes_of

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("kind", "name", "id_type", "id_number", "country")
OPTIONAL_COLUMNS = (
    "name_latin",
    "gender",
    "nationality",
    "phone",
    "email",
    "address",
    "occupation",
    "industry",
    "is_pep",
    "expected_monthly_volume",
    "expected_volume_currency",
    "purposes",
    "source_of_funds",
    "legal_representative_name",
    "legal_representative_id_type",
    "legal_representative_id_number",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})


@dataclass(frozen=True)
class RowProblem:
    row: int  # as numbered in the file: the header is row 1
    field: str
    reason: str


@dataclass
class ImportCheck:
    """The dry run's result: every problem, and the rows ready to store when there are none."""

    rows_total: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    clean_rows: list[CustomerInput] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return self.rows_total > 0 and not self.problems


def rows_read(*, filename: str, content: bytes) -> list[dict[str, str]]:
    """The data rows as {column: text}; blank lines are skipped but keep their numbers."""
    return table_read(
        filename=filename,
        content=content,
        required=REQUIRED_COLUMNS,
        optional=OPTIONAL_COLUMNS,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
    )


def _bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise DomainError(CoreError.invalid_input, field="is_pep")


def row_clean(row: dict[str, str]) -> CustomerInput:
    """One row through the same validation as the API and the console form."""
    fields: dict[str, Any] = {c: row.get(c, "") for c in COLUMNS if c in row}
    volume = fields.pop("expected_monthly_volume", "")
    currency = fields.get("expected_volume_currency", "").upper()
    if volume:
        try:
            amount = parse_amount(volume.replace(",", ""), currency)
        except DomainError as exc:
            raise DomainError(
                CoreError.invalid_input, field="expected_monthly_volume", message=exc.message
            ) from None
        if amount < 0:
            raise DomainError(CoreError.invalid_input, field="expected_monthly_volume")
        fields["expected_monthly_volume_minor"] = amount
    else:
        fields.pop("expected_volume_currency", None)
    fields["expected_volume_currency"] = currency if volume else ""
    fields["is_pep"] = _bool(fields.get("is_pep", ""))
    purposes = fields.pop("purposes", "")
    fields["purposes"] = [p for p in purposes.replace("\uff1b", ";").split(";") if p.strip()]
    return customer_input_clean(
        kind=fields.pop("kind", ""),
        name=fields.pop("name", ""),
        id_type=fields.pop("id_type", ""),
        id_number=fields.pop("id_number", ""),
        country=fields.pop("country", "").upper(),
        **fields,
    )


def rows_check(rows: list[dict[str, str]]) -> ImportCheck:
    """Validate every row; duplicates within the file and numbers already on file count too.

    Reads the database (the blind index) but writes nothing.
    """
    result = ImportCheck(rows_total=len(rows))
    seen: dict[tuple[str, str], int] = {}
    indexed: list[tuple[int, CustomerInput, list[str]]] = []
    for row in rows:
        number = int(row[ROW_NUMBER])
        try:
            clean = row_clean(row)
        except DomainError as exc:
            result.problems.append(RowProblem(number, exc.field or "", exc.message))
            continue
        key = (clean.id_type, clean.id_number)
        if key in seen:
            result.problems.append(
                RowProblem(
                    number,
                    "id_number",
                    _("the same number as row %(row)s of this file") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        indexed.append((number, clean, indexes_of(clean.id_number, "id_number")))
    # Under every blind-index key: rows not yet rebuilt under a new key still count.
    taken = set(
        IdentityDocument.objects.filter(
            number_index__in=[index for _n, _c, indexes in indexed for index in indexes]
        ).values_list("id_type", "number_index")
    )
    for number, clean, indexes in indexed:
        if any((clean.id_type, index) in taken for index in indexes):
            result.problems.append(
                RowProblem(number, "id_number", _("another customer already holds this number"))
            )
        else:
            result.clean_rows.append(clean)
    result.problems.sort(key=lambda p: p.row)
    if result.problems:
        result.clean_rows = []
    return result
