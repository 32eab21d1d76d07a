"""A transfer executed on each rail of the company bank account: the ICBC batch file carries the
payee's province and city, and a pain.001 file validates against its XSD."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from fundguard.customers.models import Beneficiary
from fundguard.formats.iso20022.pain001 import pain001_validate
from fundguard.payments.models import CompanyBankAccount
from fundguard.payments.services import (
    company_account_create,
    payment_file_build,
    payment_file_release,
)
from fundguard.transfers.models import Transfer
from fundguard.transfers.services import (
    NewBeneficiary,
    transfer_approve,
    transfer_create,
    voucher_print,
)
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db


def pay_through(world: World, rail: str, **beneficiary: str) -> CompanyBankAccount:
    CompanyBankAccount.objects.update(active=False)
    company_account_create(
        actor=world.operator,
        name="FundGuard Payments Ltd",
        bank_name="中国工商银行深圳分行",
        account_number="4000023409200099999",
        currency="CNY",
        country="CN",
        rail=rail,
        **({"bic": "ICBKCNBJSZN"} if rail.startswith("pain") else {}),
    )
    company = CompanyBankAccount.objects.get(active=True)
    transfer = transfer_create(
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=1_234_500,
        currency="CNY",
        purpose="货款",
        new_beneficiary=NewBeneficiary(**{**payee(), **beneficiary}),
    )
    Beneficiary.objects.filter(pk=transfer.beneficiary_id).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    transfer_approve(actor=world.l1, transfer_id=transfer.pk)
    return company


def test_the_icbc_batch_file_names_the_payee_and_where_their_branch_is(world: World) -> None:
    company = pay_through(world, "cn_bank_batch", province="广东", city="广州")
    built = payment_file_build(actor=world.operator, company_account_id=company.pk)
    sheet = load_workbook(io.BytesIO(bytes(built.content))).worksheets[0]
    header, row = ([c.value for c in r] for r in sheet.iter_rows(max_row=2))
    record = dict(zip(header, row, strict=False))
    assert record["省份名"] == "广东"
    assert record["城市名"] == "广州"
    assert record["收款账号名称"] == "李四"
    assert record["金额"] == 12345  # 12,345.00 yuan, a number cell


@pytest.mark.parametrize(
    ("rail", "version"), [("pain001_09", "001.001.09"), ("pain001_03", "001.001.03")]
)
def test_a_pain001_file_of_an_executed_transfer_validates(
    world: World, rail: str, version: str
) -> None:
    company = pay_through(world, rail)
    built = payment_file_build(actor=world.operator, company_account_id=company.pk)
    pain001_validate(bytes(built.content), version)  # raises Pain001SchemaError if invalid
    assert "12345.00" in bytes(built.content).decode()


def test_the_voucher_names_who_released_the_payment_file_as_cashier(world: World) -> None:
    company = pay_through(world, "pain001_09")
    built = payment_file_build(actor=world.operator, company_account_id=company.pk)
    payment_file_release(actor=world.l2, payment_file_id=built.pk)
    voucher = Transfer.objects.get().voucher
    _, pdf, _ = voucher_print(actor=world.auditor, voucher_id=voucher.pk)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert world.l2.username in text
