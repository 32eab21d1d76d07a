"""记账凭证: the voucher's arithmetic and its PDF, read back as text."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from fundguard.formats.voucher import (
    LINES_MAX,
    Voucher,
    VoucherError,
    VoucherLine,
    voucher_render_pdf,
)


def _voucher(**changes: object) -> Voucher:
    values: dict[str, object] = {
        "number": 7,
        "period": "2026-11",
        "date": date(2026, 11, 23),
        "summary": "支付供应商货款 TR-20261123-0001",
        "lines": (
            VoucherLine("2241.01", "其他应付款—客户资金—张三", debit_minor=1234567),
            VoucherLine("1002.01", "银行存款—工商银行上海分行", credit_minor=1234567),
        ),
        "preparer": "王小明",
        "reviewer": "李华",
        "approver": "赵总监",
        "cashier": "陈出纳",
        "attachment_count": 2,
        "company_name": "上海示例科技有限公司",
    }
    values.update(changes)
    return Voucher(**values)  # type: ignore[arg-type]


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_voucher_gives_totals_number_and_amount_in_figures_and_capitals() -> None:
    voucher = _voucher()

    assert voucher.total_debit_minor == voucher.total_credit_minor == 1234567
    assert voucher.number_text == "记字第0007号"
    assert voucher.amount_in_figures == "¥12,345.67"
    assert voucher.amount_in_capitals == "人民币壹万贰仟叁佰肆拾伍元陆角柒分"


def test_pdf_text_holds_capital_amount_number_people_and_chinese_headings() -> None:
    # when
    (text,) = _pdf_text(voucher_render_pdf(_voucher()))

    # then
    flat = text.replace(" ", "")
    assert "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in flat
    assert "记字第0007号" in flat
    assert "¥12,345.67" in flat
    assert "记账凭证" in flat
    for expected in (
        "上海示例科技有限公司",
        "2026年11月23日",
        "2241.01",
        "银行存款—工商银行上海分行",
    ):
        assert expected in flat
    for role, person in (
        ("审批", "赵总监"),
        ("复核", "李华"),
        ("出纳", "陈出纳"),
        ("制单", "王小明"),
    ):
        assert role in flat
        assert person in flat
    assert "副本" not in flat
    assert "COPY" not in flat


def test_reprint_is_marked_as_a_copy() -> None:
    (text,) = _pdf_text(voucher_render_pdf(_voucher(is_copy=True)))

    assert "副本" in text
    assert "COPY" in text
    assert "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in text.replace(" ", "")


def test_round_amount_ends_with_zheng() -> None:
    lines = (
        VoucherLine("2241.01", "其他应付款", debit_minor=100000),
        VoucherLine("1002.01", "银行存款", credit_minor=100000),
    )
    (text,) = _pdf_text(voucher_render_pdf(_voucher(lines=lines)))

    assert "人民币壹仟元整" in text.replace(" ", "")


def test_many_lines_continue_on_further_pages_with_the_total_on_the_last() -> None:
    # given: 7 debits and one credit, 6 rows a page
    debits = tuple(
        VoucherLine(f"2241.{i:02d}", f"其他应付款—客户{i}", debit_minor=100 * i)
        for i in range(1, 8)
    )
    lines = (*debits, VoucherLine("1002.01", "银行存款", credit_minor=2800))

    # when
    first, second = _pdf_text(voucher_render_pdf(_voucher(lines=lines)))

    # then
    assert "过次页" in first.replace(" ", "")
    assert "人民币贰拾捌元整" not in first.replace(" ", "")
    assert "记字第0007号 1/2" in first
    assert "记字第0007号 2/2" in second
    assert "人民币贰拾捌元整" in second.replace(" ", "")


def test_amount_beyond_the_grid_is_written_in_figures() -> None:
    lines = (
        VoucherLine("2241.01", "其他应付款", debit_minor=123456789012),
        VoucherLine("1002.01", "银行存款", credit_minor=123456789012),
    )
    (text,) = _pdf_text(voucher_render_pdf(_voucher(lines=lines)))

    assert "1234567890.12" in text
    assert "人民币壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分" in text.replace(" ", "")


def test_embedded_truetype_font_also_gives_the_chinese_back() -> None:
    font = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if not font.exists():
        pytest.skip("WenQuanYi Micro Hei (Debian fonts-wqy-microhei) not installed")

    pdf = voucher_render_pdf(_voucher(is_copy=True), font_path=font)

    (text,) = _pdf_text(pdf)
    assert "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in text.replace(" ", "")
    assert b"FontFile2" in pdf  # the font travels inside the file


def test_pdf_is_reproducible() -> None:
    assert voucher_render_pdf(_voucher()) == voucher_render_pdf(_voucher())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": 0}, "number"),
        ({"summary": ""}, "summary"),
        ({"preparer": ""}, "preparer"),
        ({"attachment_count": -1}, "attachment_count"),
        ({"voucher_word": "借"}, "voucher_word"),
        ({"summary": "x" * 61}, "summary"),
        (
            {
                "lines": (
                    VoucherLine("2241", "其他应付款", debit_minor=100),
                    VoucherLine("1002", "银行存款", credit_minor=99),
                )
            },
            "lines",
        ),
        ({"lines": (VoucherLine("2241", "其他应付款", debit_minor=100),)}, "lines"),
        (
            {"lines": tuple(VoucherLine("1", "a", debit_minor=1) for _ in range(LINES_MAX + 1))},
            "lines",
        ),
    ],
)
def test_voucher_that_cannot_be_printed_is_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(VoucherError) as refused:
        _voucher(**changes)

    assert refused.value.field == field


@pytest.mark.parametrize(
    ("debit", "credit"),
    [(0, 0), (100, 100), (-1, 0), (0, -1)],
)
def test_line_has_exactly_one_positive_side(debit: int, credit: int) -> None:
    with pytest.raises(VoucherError):
        VoucherLine("2241", "其他应付款", debit_minor=debit, credit_minor=credit)


def test_total_too_large_for_capitals_is_refused() -> None:
    lines = (
        VoucherLine("2241", "其他应付款", debit_minor=10**18),
        VoucherLine("1002", "银行存款", credit_minor=10**18),
    )
    with pytest.raises(VoucherError, match="capitals"):
        _voucher(lines=lines)


@settings(max_examples=15, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**11), min_size=1, max_size=8),
    is_copy=st.booleans(),
)
def test_any_balanced_voucher_prints_its_capitals_and_number(
    amounts: list[int], is_copy: bool
) -> None:
    # given: one debit per amount, one credit for the total
    debits = tuple(
        VoucherLine(f"2241.{i:02d}", "其他应付款—客户资金", debit_minor=amount)
        for i, amount in enumerate(amounts)
    )
    lines = (*debits, VoucherLine("1002.01", "银行存款", credit_minor=sum(amounts)))
    voucher = _voucher(lines=lines, is_copy=is_copy, number=len(amounts))

    # when
    pages = _pdf_text(voucher_render_pdf(voucher))

    # then
    last = pages[-1].replace(" ", "")
    assert voucher.amount_in_capitals in last
    assert all(voucher.number_text in page.replace(" ", "") for page in pages)
    assert all(("副本" in page) is is_copy for page in pages)
