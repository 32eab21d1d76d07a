"""Reading an uploaded table (CSV or XLSX) into rows of text, for the imports of every app.

Every row keeps its number as the user sees it in the file (the header is row 1), so that a
report can name it. Blank lines are skipped but keep their numbers. CSV is UTF-8 (with or without
a BOM) or GB 18030, which is what Excel in China saves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

ROW_NUMBER = "__row__"
HEADER_ROW = 1
MAX_CELL_CHARS = 1000


class TableFileError(Exception):
    """The file as a whole cannot be read (type, size, encoding, header, too many rows)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > MAX_CELL_CHARS:
        raise TableFileError(_("A cell is longer than %(n)s characters.") % {"n": MAX_CELL_CHARS})
    return text


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableFileError(_("The file is neither UTF-8 nor GB 18030 text."))


def _csv_grid(content: bytes, max_rows: int) -> list[list[str]]:
    grid: list[list[str]] = []
    for row in csv.reader(io.StringIO(_decode(content), newline="")):
        grid.append([_cell(c) for c in row])
        if len(grid) > max_rows + 1:
            break
    return grid


def _xlsx_grid(content: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        grid: list[list[str]] = []
        for values in book.worksheets[0].iter_rows(values_only=True):
            grid.append([_cell(c) for c in values])
            if len(grid) > max_rows + 1:
                break
    finally:
        book.close()
    return grid


def table_read(
    *,
    filename: str,
    content: bytes,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int = 5 * 1024 * 1024,
    max_rows: int = 5000,
) -> list[dict[str, str]]:
    """The data rows as {column: text, ROW_NUMBER: "n"}; the header must name every required
    column and nothing unknown."""
    if len(content) > max_bytes:
        raise TableFileError(_("The file is larger than %(n)s bytes.") % {"n": max_bytes})
    name = filename.lower()
    if name.endswith(".csv"):
        grid = _csv_grid(content, max_rows)
    elif name.endswith(".xlsx"):
        grid = _xlsx_grid(content, max_rows)
    else:
        raise TableFileError(_("Upload a .csv or .xlsx file."))
    if not grid:
        raise TableFileError(_("The file is empty."))
    if len(grid) > max_rows + 1:
        raise TableFileError(_("The file has more than %(n)s rows.") % {"n": max_rows})
    header = [h.strip().lower() for h in grid[0]]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h and h not in (*required, *optional)]
    if missing or unknown:
        raise TableFileError(
            _("Header row: missing columns %(missing)s; unknown columns %(unknown)s.")
            % {"missing": ", ".join(missing) or "-", "unknown": ", ".join(unknown) or "-"}
        )
    rows: list[dict[str, str]] = []
    for number, values in enumerate(grid[1:], start=HEADER_ROW + 1):
        if not any(values):
            continue
        row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}
        row[ROW_NUMBER] = str(number)
        rows.append(row)
    return rows
