"""Batch transfers: every row a transfer with its own approvals, or nothing at all."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from fundguard.core.errors import DomainError
from fundguard.customers.models import Beneficiary
from fundguard.ledger.models import Hold
from fundguard.transfers.models import Transfer, TransferBatch
from fundguard.transfers.services import transfer_batch_submit
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db

HEADER = "source_account,amount,currency,purpose,beneficiary_name,account_number,bank_name,country"


def csv_file(world: World, *amounts: str, number: str = "") -> bytes:
    lines = [HEADER]
    for amount in amounts:
        p = payee(number)
        lines.append(
            f"{world.account.pk},{amount},CNY,工资,{p['name']},{p['account_number']},"
            f"{p['bank_name']},CN"
        )
    return "\n".join(lines).encode("utf-8")


def written() -> tuple[int, int, int, int]:
    return (
        Transfer.objects.count(),
        Beneficiary.objects.count(),
        Hold.objects.count(),
        TransferBatch.objects.count(),
    )


def test_a_clean_file_becomes_one_transfer_per_row(world: World) -> None:
    report = transfer_batch_submit(
        actor=world.operator,
        filename="payroll.csv",
        content=csv_file(world, "1000.00", "2500.50", "30000"),
        dry_run=False,
    )
    assert report.is_clean
    assert report.batch is not None
    transfers = list(Transfer.objects.filter(batch=report.batch).order_by("id"))
    assert [t.amount_minor for t in transfers] == [100_000, 250_050, 3_000_000]
    assert {t.status for t in transfers} == {"pending_approval"}
    assert {t.channel for t in transfers} == {"batch"}


def test_one_bad_row_keeps_every_row_out_and_is_named(world: World) -> None:
    before = written()
    content = csv_file(world, "1000.00", "12.345", "1000.00")
    report = transfer_batch_submit(
        actor=world.operator, filename="pay.csv", content=content, dry_run=False
    )
    assert not report.is_clean
    assert [(p.row, p.field) for p in report.problems] == [(3, "amount")]
    assert written() == before


def test_a_dry_run_checks_every_row_and_writes_nothing(world: World) -> None:
    before = written()
    content = csv_file(world, "1000.00", "2000.00")
    report = transfer_batch_submit(
        actor=world.operator, filename="pay.csv", content=content, dry_run=True
    )
    assert report.rows_total == 2
    assert report.problems == []
    assert written() == before
    real = transfer_batch_submit(
        actor=world.operator, filename="pay.csv", content=content, dry_run=False
    )
    assert len(real.transfers) == 2
    with pytest.raises(DomainError) as again:
        transfer_batch_submit(
            actor=world.operator, filename="pay.csv", content=content, dry_run=False
        )
    assert again.value.code == "batch_already_submitted"


def test_rows_that_together_exceed_the_balance_name_the_row_that_overdraws(
    world: World, settings: object
) -> None:
    settings.TRANSFERS_CUSTOMER_LIMITS = {}  # type: ignore[attr-defined]
    settings.TRANSFERS_COOLING_OFF_LARGE_MINOR = {}  # type: ignore[attr-defined]
    report = transfer_batch_submit(
        actor=world.operator,
        filename="big.csv",
        content=csv_file(world, "6000000.00", "5000000.00"),
        dry_run=False,
    )
    assert [(p.row, p.field) for p in report.problems] == [(3, "amount")]
    assert "available balance is not enough" in report.problems[0].reason


def test_an_xlsx_file_and_an_unreadable_one(world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    p = payee()
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            world.account.pk,
            "88.80",
            "CNY",
            "退款",
            p["name"],
            p["account_number"],
            p["bank_name"],
            "CN",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    report = transfer_batch_submit(
        actor=world.operator, filename="r.xlsx", content=buffer.getvalue(), dry_run=False
    )
    assert [t.amount_minor for t in report.transfers] == [8_880]
    with pytest.raises(DomainError) as unreadable:
        transfer_batch_submit(actor=world.operator, filename="r.txt", content=b"x", dry_run=True)
    assert unreadable.value.code == "batch_file_unreadable"
    assert unreadable.value.field == "file"
