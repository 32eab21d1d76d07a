"""Exports: the list masked (CSV, XLSX); one customer's personal data as a ZIP, audited."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.customers.services import (
    bank_account_add,
    beneficiary_add,
    customer_data_export,
    customer_erase,
    document_upload,
    funds_account_open,
)
from fundguard.customers.tests.conftest import card_number, resident_id
from fundguard.customers.tests.test_console import _sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nthe scan"


def test_the_list_exports_are_masked_and_filtered(client, operator, new_customer):
    numbers = [resident_id(), resident_id()]
    zhang = new_customer(id_number=numbers[0])
    new_customer(id_number=numbers[1], name="=HYPERLINK(1)", is_pep=True)
    _sign_in(client, operator)
    response = client.get("/customers/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert {r["id_number_masked"] for r in rows} == {"****" + n[-4:] for n in numbers}
    assert "'=HYPERLINK(1)" in {r["name"] for r in rows}  # no formula injection
    for secret in (*numbers, "13800138000", "zhang.san@example.cn"):
        assert secret not in text
    low = client.get("/customers/export.xlsx", {"risk_level": zhang.risk_level})
    book = load_workbook(io.BytesIO(low.content), read_only=True)
    cells = [[c for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert cells[0][0] == "id"
    assert [row[0] for row in cells[1:]] == [zhang.pk]
    assert not any(n in str(cells) for n in numbers)
    assert client.get("/customers/export.exe").status_code == 404


def test_every_list_export_is_audited_with_who_the_filters_and_the_row_count(
    client, operator, new_customer
):
    number = resident_id()
    zhang = new_customer(id_number=number)
    new_customer()
    _sign_in(client, operator)

    client.get("/customers/export.csv")
    client.get("/customers/export.xlsx", {"risk_level": zhang.risk_level, "search": "张三"})
    client.get("/customers/export.csv", {"search": number})  # by hand: the page offers no link

    records = list(AuditRecord.objects.filter(action="customer.list_exported").order_by("seq"))
    assert [r.actor_username for r in records] == [operator.username] * 3
    assert [r.changes["format"][1] for r in records] == ["csv", "xlsx", "csv"]
    assert [r.changes["rows"][1] for r in records] == [2, 2, 1]
    assert records[0].changes["filters"][1] == {}
    assert records[1].changes["filters"][1] == {"risk_level": zhang.risk_level, "search": "张*"}
    assert records[2].changes["filters"][1] == {"search": "****" + number[-4:]}
    assert number not in str([r.changes for r in records])


def test_a_list_export_needs_view_customers_and_a_refusal_writes_no_export_record(
    make_user, new_customer
):
    from fundguard.core.errors import DomainError as Refused
    from fundguard.customers.services import customer_list_export

    new_customer()
    with pytest.raises(Refused):
        customer_list_export(actor=make_user("administrator"), filters={}, file_format="csv")
    assert not AuditRecord.objects.filter(action="customer.list_exported").exists()


def test_the_personal_data_export_holds_everything_decrypted(risk_officer, operator, new_customer):
    number = resident_id()
    customer = new_customer(id_number=number)
    card = card_number()
    bank_account_add(
        actor=operator,
        customer_id=customer.pk,
        bank_name="ICBC",
        account_number=card,
        currency="CNY",
    )
    beneficiary_add(
        actor=operator,
        customer_id=customer.pk,
        name="王五",
        bank_name="Deutsche Bank",
        account_number="DE89370400440532013000",
        currency="EUR",
    )
    document_upload(
        actor=operator,
        customer_id=customer.pk,
        kind="id_scan",
        filename="身份证.pdf",
        content_type="application/pdf",
        content=PDF,
    )
    funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")

    archive = customer_data_export(actor=risk_officer, customer_id=customer.pk)

    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = set(z.namelist())
        profile = json.loads(z.read("customer.json"))
        identity = json.loads(z.read("identity_documents.json"))
        banks = json.loads(z.read("bank_accounts.json"))
        payees = json.loads(z.read("beneficiaries.json"))
        documents = json.loads(z.read("documents.json"))
        funds = json.loads(z.read("funds_accounts.json"))
        manifest = json.loads(z.read("manifest.json"))
        scan = z.read(documents[0]["file"])
    assert profile["name"] == "张三"
    assert profile["phone"] == "+8613800138000"
    assert profile["email"] == "zhang.san@example.cn"
    assert profile["address"] == "北京市朝阳区建国路1号"
    assert identity[0]["number"] == number
    assert banks[0]["account_number"] == card
    assert payees[0]["account_number"] == "DE89370400440532013000"
    assert payees[0]["name"] == "王五"
    assert documents[0]["filename"] == "身份证.pdf"
    assert scan == PDF
    assert funds[0]["currency"] == "CNY"
    assert funds[0]["balance"] == "0.00"
    assert manifest["exported_by"] == risk_officer.username
    assert set(manifest["files"]) | {"manifest.json"} == names
    record = AuditRecord.objects.get(action="customer.data_exported")
    assert record.actor_username == risk_officer.username
    assert record.object_id == str(customer.pk)
    assert number not in json.dumps(record.changes)


def test_only_the_permission_holder_exports_personal_data(client, operator, new_customer):
    customer = new_customer()
    with pytest.raises(DomainError):
        customer_data_export(actor=operator, customer_id=customer.pk)
    _sign_in(client, operator)
    assert client.post(f"/customers/{customer.pk}/personal-data.zip").status_code == 403
    assert not AuditRecord.objects.filter(action="customer.data_exported").exists()


def test_the_export_page_serves_the_zip_and_refuses_after_erasure(
    client, risk_officer, new_customer
):
    customer = new_customer()
    _sign_in(client, risk_officer)
    url = f"/customers/{customer.pk}/personal-data.zip"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    customer_erase(actor=risk_officer, customer_id=customer.pk, reason="request by the customer")
    refused = client.post(url)
    assert refused.status_code == 302
    assert AuditRecord.objects.filter(action="customer.data_exported").count() == 1
