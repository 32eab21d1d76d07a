"""Import: a dry run lists every bad row; the real import is all rows or none, audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fundguard.audit.models import AuditRecord
from fundguard.core.tabular import TableFileError
from fundguard.customers.imports import rows_read
from fundguard.customers.models import Customer
from fundguard.customers.services import customers_import
from fundguard.customers.tests.conftest import (
    resident_id,
    resident_id_with_wrong_check_digit,
    row_counts,
    uscc_number,
)
from fundguard.customers.tests.test_console import _sign_in

pytestmark = pytest.mark.django_db

HEADER = (
    "kind,name,name_latin,id_type,id_number,country,phone,is_pep,"
    "expected_monthly_volume,expected_volume_currency"
)


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def _good_rows() -> list[str]:
    return [
        f"person,张三,ZHANG San,cn_resident_id,{resident_id()},CN,13800138000,否,5000.00,CNY",
        f"organization,北京某某科技有限公司,,cn_uscc,{uscc_number()},CN,,0,,",
        "person,John Smith,John Smith,passport,K12345678,GB,+44 20 7946 0958,yes,,",
    ]


def test_a_clean_file_imports_every_row_in_one_audited_transaction(operator):
    content = _csv(*_good_rows())
    result = customers_import(actor=operator, filename="customers.csv", content=content)
    assert result.check.is_clean
    assert len(result.customers) == 3
    assert Customer.objects.count() == 3
    assert Customer.objects.get(name="John Smith").is_pep is True
    zhang = Customer.objects.get(name="张三")
    assert zhang.expected_monthly_volume_minor == 500_000
    created = AuditRecord.objects.filter(action="customer.created")
    assert created.count() == 3
    assert all(r.changes["via"][1].startswith("import:") for r in created)
    summary = AuditRecord.objects.get(action="customer.import_completed")
    assert summary.actor_username == operator.username
    assert summary.changes["rows"] == [None, 3]


def test_a_file_with_one_bad_row_imports_nothing(operator):
    rows = _good_rows()
    rows.insert(1, f"person,李四,,cn_resident_id,{resident_id_with_wrong_check_digit()},CN,,,,")
    before = row_counts()
    result = customers_import(actor=operator, filename="customers.csv", content=_csv(*rows))
    assert not result.imported
    assert [(p.row, p.field) for p in result.check.problems] == [(3, "id_number")]
    assert row_counts() == before


def test_the_dry_run_lists_every_bad_row_with_field_and_reason(operator, new_customer):
    taken = resident_id()
    new_customer(id_number=taken)
    twice = resident_id()
    rows = [
        f"person,甲,,cn_resident_id,{twice},CN,,,,",
        f"person,乙,,cn_resident_id,{twice},CN,,,,",
        f"person,丙,,cn_resident_id,{taken},CN,,,,",
        f"person,丁,,cn_resident_id,{resident_id()[:10]},CN,,,,",
        f"person,戊,,cn_uscc,{uscc_number()},CN,,,,",
        "person,己,,passport,K1234567,XX,,,,",
        "person,庚,,passport,K1234567,CN,12,,,",
        "person,辛,,passport,K7654321,CN,,perhaps,,",
        "person,壬,,passport,K7654322,CN,,,1.234,CNY",
        ",,,,,,,,,",  # blank lines are skipped but keep their numbers
        "person,,,passport,K7654323,CN,,,,",
    ]
    before = row_counts()
    result = customers_import(
        actor=operator, filename="customers.csv", content=_csv(*rows), dry_run=True
    )
    problems = {p.row: (p.field, p.reason) for p in result.check.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 12]
    assert problems[3] == ("id_number", "the same number as row 2 of this file")
    assert problems[4] == ("id_number", "another customer already holds this number")
    assert problems[5][0] == "id_number"
    assert "length" in problems[5][1]
    assert problems[6][0] == "id_type"
    assert problems[7][0] == "country"
    assert problems[8][0] == "phone"
    assert problems[9][0] == "is_pep"
    assert problems[10][0] == "expected_monthly_volume"
    assert problems[12][0] == "name"
    assert not result.imported
    assert row_counts() == before


def test_a_clean_dry_run_writes_nothing(operator):
    before = row_counts()
    result = customers_import(
        actor=operator, filename="c.csv", content=_csv(*_good_rows()), dry_run=True
    )
    assert result.check.is_clean
    assert not result.imported
    assert row_counts() == before


def test_xlsx_and_gb18030_csv_are_read(operator):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    number = resident_id()
    sheet.append(["person", "张三", "", "cn_resident_id", number, "CN", None, False, 100, "CNY"])
    out = io.BytesIO()
    book.save(out)
    rows = rows_read(filename="c.xlsx", content=out.getvalue())
    assert rows[0]["id_number"] == number
    assert rows[0]["__row__"] == "2"
    gbk = _csv(f"person,张三,,cn_resident_id,{resident_id()},CN,,,,").decode().encode("gb18030")
    assert rows_read(filename="c.csv", content=gbk)[0]["name"] == "张三"
    result = customers_import(actor=operator, filename="c.xlsx", content=out.getvalue())
    assert len(result.customers) == 1


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("c.txt", b"kind", "Upload a .csv or .xlsx file"),
        ("c.csv", b"", "empty"),
        ("c.csv", b"name,country\n", "missing columns kind, id_type, id_number"),
        ("c.csv", HEADER.encode() + b",shoe_size\n", "unknown columns shoe_size"),
        ("c.xlsx", b"PK not a workbook", "XLSX"),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(filename, content, words):
    with pytest.raises(TableFileError) as caught:
        rows_read(filename=filename, content=content)
    assert words in caught.value.message


def test_the_import_page_reports_then_imports(client, operator, make_user):
    _sign_in(client, operator)
    bad = _csv(*_good_rows(), "person,李四,,passport,K1,CN,,,,")
    response = client.post(
        "/customers/import/",
        {"file": SimpleUploadedFile("c.csv", bad), "action": "import"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in page
    assert "<td>5</td>" in page
    assert not Customer.objects.exists()
    good = _csv(*_good_rows())
    checked = client.post(
        "/customers/import/", {"file": SimpleUploadedFile("c.csv", good), "action": "check"}
    )
    assert "ready to import" in checked.content.decode()
    assert not Customer.objects.exists()
    done = client.post(
        "/customers/import/", {"file": SimpleUploadedFile("c.csv", good), "action": "import"}
    )
    assert done.status_code == 302
    assert Customer.objects.count() == 3
    template = client.get("/customers/import/template.csv").content.decode("utf-8-sig")
    assert template.strip().split(",")[:5] == ["kind", "name", "id_type", "id_number", "country"]
    _sign_in(client, make_user("risk_officer"))
    assert client.get("/customers/import/").status_code == 403
