"""ICBC 批量支付 workbook: exact headers, cells and types."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fundguard.core.money import Money
from fundguard.formats.cn_bank_batch import (
    ICBC_BATCH_HEADERS,
    CnBankBatchError,
    IcbcBatch,
    IcbcBatchPayment,
    icbc_batch_render_xlsx,
    icbc_batch_rows,
)


def _payment(**changes: object) -> IcbcBatchPayment:
    values: dict[str, object] = {
        "payee_bank": "农行",
        "payee_province": "广东",
        "payee_city": "广州",
        "payee_account": "6228480012345678901",
        "payee_name": "张三",
        "amount": Money(1234567, "CNY"),
        "purpose": "货款",
    }
    values.update(changes)
    return IcbcBatchPayment(**values)  # type: ignore[arg-type]


def _batch() -> IcbcBatch:
    return IcbcBatch(
        payer_account="3602000109000012345",
        payer_name="广州示例贸易有限公司",
        payments=(
            _payment(remark="INV-2026-11-07", sms_mobile="13800138000"),
            _payment(
                payee_bank="工行",
                payee_province="广东",
                payee_city="深圳",
                payee_account="6222020200112233445",
                payee_name="深圳某某电子有限公司",
                amount=Money(5, "CNY"),
                purpose="采购款",
            ),
            _payment(payee_name="李四", amount=Money(100000000, "CNY"), purpose="工资"),
        ),
    )


def test_workbook_has_the_template_headers_and_one_row_a_payment() -> None:
    # when
    workbook = load_workbook(io.BytesIO(icbc_batch_render_xlsx(_batch())))

    # then
    assert workbook.sheetnames == ["批量支付"]
    rows = [tuple(cell.value for cell in row) for row in workbook["批量支付"].iter_rows()]
    assert rows == [
        (
            "付款账号开户行",
            "付款账号",
            "付款账号名称",
            "收款账号开户行",
            "省份名",
            "城市名",
            "收款账号",
            "收款账号名称",
            "金额",
            "汇款用途",
            "备注",
            "短信通知手机号码",
        ),
        (
            "工行",
            "3602000109000012345",
            "广州示例贸易有限公司",
            "农行",
            "广东",
            "广州",
            "6228480012345678901",
            "张三",
            12345.67,
            "货款",
            "INV-2026-11-07",
            "13800138000",
        ),
        (
            "工行",
            "3602000109000012345",
            "广州示例贸易有限公司",
            "工行",
            "广东",
            "深圳",
            "6222020200112233445",
            "深圳某某电子有限公司",
            0.05,
            "采购款",
            None,
            None,
        ),
        (
            "工行",
            "3602000109000012345",
            "广州示例贸易有限公司",
            "农行",
            "广东",
            "广州",
            "6228480012345678901",
            "李四",
            1000000,
            "工资",
            None,
            None,
        ),
    ]


def test_amounts_are_exact_two_decimal_numbers_and_accounts_are_text() -> None:
    # given
    xlsx = icbc_batch_render_xlsx(_batch())
    sheet_xml = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()

    # then: the stored amount values are the decimal strings themselves (no float noise)
    amount_cells = re.findall(r'<c r="I[2-4]"[^>]*><v>([^<]*)</v>', sheet_xml)
    # (a whole amount is stored as the integer; the 0.00 format shows it as 1000000.00)
    assert amount_cells == ["12345.67", "0.05", "1000000"]
    sheet = load_workbook(io.BytesIO(xlsx))["批量支付"]
    assert {sheet[f"I{row}"].number_format for row in (2, 3, 4)} == {"0.00"}
    # account numbers and mobiles are strings, formatted as text
    assert sheet["G2"].data_type == "s"
    assert sheet["G2"].number_format == "@"
    assert sheet["B2"].data_type == "s"
    assert sheet["L2"].value == "13800138000"


def test_rows_give_decimal_amounts_summing_to_the_batch_total() -> None:
    batch = _batch()

    rows = icbc_batch_rows(batch)

    assert rows[0] == ICBC_BATCH_HEADERS
    assert sum(Decimal(row[8]) for row in rows[1:]) == Decimal(batch.total_minor) / 100
    assert batch.total_minor == 101234572


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"payee_account": "6228 4800 1234"}, "payee_account"),
        ({"payee_account": "6228-4800-1234"}, "payee_account"),
        ({"amount": Money(100, "USD")}, "amount"),
        ({"amount": Money(0, "CNY")}, "amount"),
        ({"payee_name": ""}, "payee_name"),
        ({"payee_name": "=HYPERLINK(1)"}, "payee_name"),
        ({"purpose": "货" * 31}, "purpose"),
        ({"sms_mobile": "0800123"}, "sms_mobile"),
        ({"remark": "a\tb"}, "remark"),
    ],
)
def test_payment_the_bank_would_refuse_is_refused_here_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(CnBankBatchError) as refused:
        _payment(**changes)

    assert refused.value.field == field


def test_batch_needs_a_digit_payer_account_and_at_least_one_payment() -> None:
    with pytest.raises(CnBankBatchError) as refused:
        IcbcBatch(payer_account="ICBC-1", payer_name="公司", payments=(_payment(),))
    assert refused.value.field == "payer_account"
    with pytest.raises(CnBankBatchError) as refused:
        IcbcBatch(payer_account="3602000109000012345", payer_name="公司", payments=())
    assert refused.value.field == "payments"


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@settings(max_examples=15, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.text(_CJK, min_size=2, max_size=20),
            st.text("0123456789", min_size=6, max_size=32),
            st.integers(min_value=1, max_value=10**13),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_batch_reads_back_cell_for_cell(rows: list[tuple[str, str, int]]) -> None:
    # given
    batch = IcbcBatch(
        payer_account="3602000109000012345",
        payer_name="广州示例贸易有限公司",
        payments=tuple(
            _payment(payee_name=name, payee_account=account, amount=Money(fen, "CNY"))
            for name, account, fen in rows
        ),
    )

    # when
    sheet = load_workbook(io.BytesIO(icbc_batch_render_xlsx(batch)))["批量支付"]

    # then
    read = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert [(r[7], r[6]) for r in read] == [(name, account) for name, account, _ in rows]
    assert [Decimal(str(r[8])) for r in read] == [Decimal(fen) / 100 for _, _, fen in rows]
