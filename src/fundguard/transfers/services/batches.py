"""Batch transfers: a CSV/XLSX file whose rows become transfers, all of them or none.

Every row is tried for real (the same ``transfer_create`` as one transfer, holds included, so a
file that would overdraw the account shows on the row that does) inside one transaction, each
row in a savepoint. Any bad row, or a dry run, rolls the whole transaction back: the report
lists every problem by row number, field and reason, and nothing stays written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import service_atomic
from fundguard.core.money import parse_amount
from fundguard.core.permissions import require_permission
from fundguard.core.tabular import ROW_NUMBER, TableFileError, table_read
from fundguard.transfers.errors import TransferError
from fundguard.transfers.models import Channel, Transfer, TransferBatch
from fundguard.transfers.services.requests import NewBeneficiary, transfer_create

REQUIRED_COLUMNS = ("source_account", "amount", "currency", "purpose")
OPTIONAL_COLUMNS = (
    "beneficiary_id",
    "beneficiary_name",
    "account_number",
    "bank_name",
    "country",
    "bic",
    "remittance_information",
    "requested_execution_date",
)
MAX_ROWS = 1000


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    field: str
    reason: str


@dataclass
class BatchReport:
    rows_total: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    batch: TransferBatch | None = None
    dry_run: bool = False

    @property
    def is_clean(self) -> bool:
        return self.rows_total > 0 and not self.problems


class _RollBack(Exception):
    """Leaves the batch's transaction without keeping anything."""


def _row_arguments(row: dict[str, str]) -> dict[str, Any]:
    """The row as ``transfer_create`` arguments; a DomainError names the bad column."""
    currency = row["currency"].upper()
    arguments: dict[str, Any] = {
        "currency": currency,
        "purpose": row["purpose"],
        "remittance_information": row.get("remittance_information", ""),
    }
    for name in ("source_account", "beneficiary_id"):
        text = row.get(name, "")
        if text and not text.isdigit():
            raise DomainError(CoreError.invalid_input, field=name)
    arguments["source_account_id"] = int(row["source_account"] or 0)
    try:
        arguments["amount_minor"] = parse_amount(row["amount"], currency)
    except DomainError as exc:
        exc.field = "amount"
        raise
    if row.get("requested_execution_date"):
        try:
            arguments["requested_execution_date"] = date.fromisoformat(
                row["requested_execution_date"]
            )
        except ValueError:
            raise DomainError(
                TransferError.execution_date_in_past, field="requested_execution_date"
            ) from None
    if row.get("beneficiary_id"):
        arguments["beneficiary_id"] = int(row["beneficiary_id"])
    elif row.get("account_number"):
        arguments["new_beneficiary"] = NewBeneficiary(
            name=row.get("beneficiary_name", ""),
            account_number=row["account_number"],
            bank_name=row.get("bank_name", ""),
            country=row.get("country", "") or "CN",
            bic=row.get("bic", ""),
        )
    return arguments


def _problem(number: int, exc: DomainError) -> RowProblem:
    column = (exc.field or "").removeprefix("beneficiary.")
    column = {"name": "beneficiary_name", "source_account_id": "source_account"}.get(column, column)
    return RowProblem(row=number, field=column, reason=str(exc.message))


def transfer_batch_submit(
    *, actor: Any, filename: str, content: bytes, dry_run: bool
) -> BatchReport:
    """Check (``dry_run``) or submit a batch file: every row a transfer, or none at all."""
    require_permission(actor, "transfers.make_transfers")
    try:
        rows = table_read(
            filename=filename,
            content=content,
            required=REQUIRED_COLUMNS,
            optional=OPTIONAL_COLUMNS,
            max_rows=MAX_ROWS,
        )
    except TableFileError as exc:
        raise DomainError(
            TransferError.batch_file_unreadable, field="file", detail=exc.message
        ) from None
    digest = hashlib.sha256(content).hexdigest()
    earlier = TransferBatch.objects.filter(file_sha256=digest).first()
    if earlier is not None:
        raise DomainError(TransferError.batch_already_submitted, field="file", batch=earlier.pk)
    report = BatchReport(rows_total=len(rows), dry_run=dry_run)
    try:
        with service_atomic():
            batch = TransferBatch.objects.create(
                file_name=filename[:200], file_sha256=digest, row_count=len(rows), maker=actor
            )
            for row in rows:
                number = int(row[ROW_NUMBER])
                try:
                    with transaction.atomic():
                        transfer = transfer_create(
                            actor=actor, channel=Channel.batch, batch=batch, **_row_arguments(row)
                        )
                except DomainError as exc:
                    report.problems.append(_problem(number, exc))
                else:
                    report.transfers.append(transfer)
            if dry_run or not report.is_clean:
                raise _RollBack
            audit_record(
                actor=actor,
                action="transfer.batch_submitted",
                target=batch,
                changes={
                    "file_name": [None, batch.file_name],
                    "sha256": [None, digest],
                    "transfers": [None, [t.reference for t in report.transfers]],
                },
            )
            report.batch = batch
    except _RollBack:
        report.transfers = []
    return report
