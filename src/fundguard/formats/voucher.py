"""记账凭证 (accounting voucher): one per executed transfer, and its printable PDF.

:class:`Voucher` is the voucher as an accountant reads it: word and number within the period
(记字第0007号), date, summary (摘要), lines each with an account code and name and a debit or a
credit, the total in figures and in Chinese capitals (大写金额, :func:`amount_in_chinese_capitals`),
the number of attachments (附单据 N 张), and who prepared (制单), reviewed (复核), approved (审批)
and paid (出纳). A reprint is marked as a copy (副本 / COPY) everywhere it is printed.

:func:`voucher_render_pdf` lays it out as the familiar printed form: title with double rule,
header line, a grid with 摘要 | 会计科目 | 借方金额 | 贷方金额 where each amount sits in digit
columns (亿 千 百 十 万 千 百 十 元 角 分), the total row, the amount in capitals and the
signature line. Chinese is set in reportlab's built-in CID font ``STSong-Light`` (Adobe's
standard Simplified Chinese font, with the UniGB-UCS2-H encoding): nothing is downloaded, text
extraction gives the Chinese back, and PDF readers render it with their own Song/Ming font.
Pass ``font_path`` (a TrueType font with CJK glyphs, e.g. Noto Sans CJK or WenQuanYi) to embed
that font instead, for archives that must not depend on the reader's fonts.

Amounts are CNY fen: vouchers are kept in the books' currency (记账本位币); a foreign-currency
transfer is booked at its CNY equivalent by the caller.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.colors import Color, black, red
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from fundguard.core.money import CAPITALS_MINOR_MAX, amount_in_chinese_capitals, format_amount

LINES_MAX = 60
"""The most lines one voucher holds (printed :data:`ROWS_PER_PAGE` to a page)."""

ROWS_PER_PAGE = 6
"""Rows of the printed form, as on the usual pre-printed 记账凭证."""

TEXT_MAX_CHARS = 60
CID_FONT = "STSong-Light"

# Digit columns of an amount, most significant first: up to 999,999,999.99 yuan.
_DIGIT_HEADINGS = ("亿", "千", "百", "十", "万", "千", "百", "十", "元", "角", "分")
_GRID_MINOR_MAX = 10 ** len(_DIGIT_HEADINGS) - 1

_PAGE_WIDTH = 240 * mm  # the common 240 x 140 mm voucher paper
_PAGE_HEIGHT = 140 * mm
_MARGIN = 10 * mm
_INK = Color(0.1, 0.35, 0.2)  # pre-printed forms are green; what is filled in is black


class VoucherError(ValueError):
    """A voucher that cannot be printed; ``field`` names the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _require_text(field: str, value: str | None, *, required: bool) -> None:
    if value is None or value == "":
        if required:
            raise VoucherError(field, "is required")
        return
    if not isinstance(value, str):
        raise VoucherError(field, f"must be text, not {type(value).__name__}")
    if len(value) > TEXT_MAX_CHARS:
        raise VoucherError(field, f"is {len(value)} characters; at most {TEXT_MAX_CHARS}")
    if any(ord(character) < 32 for character in value):
        raise VoucherError(field, "contains a control character")


@dataclass(frozen=True, slots=True)
class VoucherLine:
    """One line: an account and either a debit or a credit, in fen."""

    account_code: str
    account_name: str
    debit_minor: int = 0
    credit_minor: int = 0
    summary: str | None = None
    """The line's 摘要; the voucher's summary when None."""

    def __post_init__(self) -> None:
        _require_text("account_code", self.account_code, required=True)
        _require_text("account_name", self.account_name, required=True)
        _require_text("summary", self.summary, required=False)
        for name in ("debit_minor", "credit_minor"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise VoucherError(name, f"must be a whole number of fen, 0 or more: {value!r}")
        if (self.debit_minor > 0) == (self.credit_minor > 0):
            raise VoucherError("line", "has exactly one of a debit and a credit")


@dataclass(frozen=True, slots=True)
class Voucher:
    number: int
    """Sequence within the period, from 1."""
    period: str
    """The accounting period the number runs in, e.g. ``2026-11``."""
    date: date
    summary: str
    lines: tuple[VoucherLine, ...]
    preparer: str
    reviewer: str | None = None
    approver: str | None = None
    cashier: str | None = None
    attachment_count: int = 0
    company_name: str | None = None
    voucher_word: str = "记"
    """凭证字: 记 (general), or 收/付/转 where receipts, payments and transfers are kept apart."""
    is_copy: bool = False
    """A reprint: marked 副本 / COPY."""

    def __post_init__(self) -> None:
        if not isinstance(self.number, int) or isinstance(self.number, bool) or self.number < 1:
            raise VoucherError("number", f"must be 1 or more: {self.number!r}")
        _require_text("period", self.period, required=True)
        _require_text("summary", self.summary, required=True)
        _require_text("preparer", self.preparer, required=True)
        for name in ("reviewer", "approver", "cashier", "company_name"):
            _require_text(name, getattr(self, name), required=False)
        if self.voucher_word not in {"记", "收", "付", "转"}:
            raise VoucherError("voucher_word", f"is one of 记 收 付 转, not {self.voucher_word!r}")
        if not isinstance(self.attachment_count, int) or not 0 <= self.attachment_count <= 999:
            raise VoucherError("attachment_count", "must be 0 to 999")
        if not isinstance(self.lines, tuple) or not 2 <= len(self.lines) <= LINES_MAX:
            raise VoucherError("lines", f"a voucher has 2 to {LINES_MAX} lines")
        if self.total_debit_minor != self.total_credit_minor:
            raise VoucherError(
                "lines",
                f"debits {format_amount(self.total_debit_minor, 'CNY')} differ from credits "
                f"{format_amount(self.total_credit_minor, 'CNY')}",
            )
        if self.total_debit_minor == 0:
            raise VoucherError("lines", "a voucher moves a positive amount")
        if self.total_debit_minor > CAPITALS_MINOR_MAX:
            raise VoucherError("lines", "the total is too large to write in capitals")

    @property
    def total_debit_minor(self) -> int:
        return sum(line.debit_minor for line in self.lines)

    @property
    def total_credit_minor(self) -> int:
        return sum(line.credit_minor for line in self.lines)

    @property
    def number_text(self) -> str:
        """As printed: 记字第0007号."""
        return f"{self.voucher_word}字第{self.number:04d}号"

    @property
    def amount_in_figures(self) -> str:
        """¥12,345.67"""
        yuan, fen = divmod(self.total_debit_minor, 100)
        return f"¥{yuan:,}.{fen:02d}"

    @property
    def amount_in_capitals(self) -> str:
        """人民币壹万贰仟叁佰肆拾伍元陆角柒分"""
        return amount_in_chinese_capitals(self.total_debit_minor)


def voucher_render_pdf(voucher: Voucher, *, font_path: Path | None = None) -> bytes:
    """The voucher as a printable PDF (240 x 140 mm pages, 6 rows a page)."""
    font = _font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(_PAGE_WIDTH, _PAGE_HEIGHT), invariant=True, initialFontName=font
    )
    canvas.setTitle(f"记账凭证 {voucher.period} {voucher.number_text}")
    canvas.setAuthor("FundGuard")
    canvas.setSubject(voucher.summary)
    pages = [
        voucher.lines[start : start + ROWS_PER_PAGE]
        for start in range(0, len(voucher.lines), ROWS_PER_PAGE)
    ]
    for index, page_lines in enumerate(pages):
        _draw_page(canvas, font, voucher, page_lines, page=index + 1, pages=len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _font(font_path: Path | None) -> str:
    if font_path is None:
        if CID_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        return CID_FONT
    name = f"FG-{font_path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_path), subfontIndex=0))
    return name


def _draw_page(
    canvas: Canvas,
    font: str,
    voucher: Voucher,
    lines: tuple[VoucherLine, ...],
    *,
    page: int,
    pages: int,
) -> None:
    width, height = _PAGE_WIDTH, _PAGE_HEIGHT
    left, right = _MARGIN, width - _MARGIN
    is_last_page = page == pages

    if voucher.is_copy:
        _draw_copy_marks(canvas, font, width, height)

    # Title with its double rule.
    canvas.setFillColor(_INK)
    canvas.setStrokeColor(_INK)
    canvas.setFont(font, 18)
    title_y = height - 16 * mm
    canvas.drawCentredString(width / 2, title_y, "记  账  凭  证")
    canvas.setLineWidth(0.8)
    canvas.line(width / 2 - 30 * mm, title_y - 2.5 * mm, width / 2 + 30 * mm, title_y - 2.5 * mm)
    canvas.setLineWidth(0.4)
    canvas.line(width / 2 - 30 * mm, title_y - 3.5 * mm, width / 2 + 30 * mm, title_y - 3.5 * mm)

    # Header: company, date, number (and page), attachments.
    header_y = title_y - 10 * mm
    canvas.setFont(font, 9)
    canvas.drawString(left, header_y, "核算单位：")
    canvas.drawCentredString(width / 2 - 12 * mm, header_y, "日期：")
    canvas.drawRightString(right - 30 * mm, header_y, "凭证号：")
    canvas.setFillColor(black)
    canvas.drawString(left + 16 * mm, header_y, voucher.company_name or "")
    d = voucher.date
    canvas.drawString(width / 2 - 7 * mm, header_y, f"{d.year}年{d.month:02d}月{d.day:02d}日")
    number = voucher.number_text + (f" {page}/{pages}" if pages > 1 else "")
    canvas.drawString(right - 29 * mm, header_y, number)
    canvas.setFillColor(_INK)
    canvas.drawString(right + 1.5 * mm, height / 2 + 12 * mm, "附")
    canvas.drawString(right + 1.5 * mm, height / 2 - 4 * mm, "张")
    canvas.setFillColor(black)
    canvas.drawCentredString(right + 3.5 * mm, height / 2 + 4 * mm, str(voucher.attachment_count))

    # The grid.
    summary_w, account_w = 52 * mm, 58 * mm
    cell_w = (right - left - summary_w - account_w) / (2 * len(_DIGIT_HEADINGS))
    amount_w = cell_w * len(_DIGIT_HEADINGS)
    x_summary, x_account = left, left + summary_w
    x_debit = x_account + account_w
    x_credit = x_debit + amount_w
    top = header_y - 3 * mm
    head_h, row_h = 10 * mm, 8.5 * mm
    rows = ROWS_PER_PAGE + 1  # the lines, then the total
    bottom = top - head_h - rows * row_h

    canvas.setStrokeColor(_INK)
    canvas.setLineWidth(1.0)
    canvas.rect(left, bottom, right - left, top - bottom)
    canvas.setLineWidth(0.5)
    for x in (x_account, x_debit, x_credit):
        canvas.line(x, bottom, x, top)
    canvas.line(left, top - head_h, right, top - head_h)
    for row in range(1, rows + 1):
        y = top - head_h - row * row_h
        canvas.line(left, y, right, y)
    # Digit columns: hairlines, the 元 column's right edge (the decimal point) in red, as printed.
    canvas.setLineWidth(0.25)
    for x_start in (x_debit, x_credit):
        canvas.line(x_start, top - head_h / 2, x_start + amount_w, top - head_h / 2)
        for index in range(1, len(_DIGIT_HEADINGS)):
            x = x_start + index * cell_w
            is_point = _DIGIT_HEADINGS[index - 1] == "元"
            canvas.setStrokeColor(red if is_point else _INK)
            canvas.line(x, bottom, x, top - head_h / 2)
        canvas.setStrokeColor(_INK)

    canvas.setFillColor(_INK)
    canvas.setFont(font, 10)
    heading_y = top - head_h / 2 - 1.5 * mm
    canvas.drawCentredString(x_summary + summary_w / 2, heading_y, "摘    要")
    canvas.drawCentredString(x_account + account_w / 2, heading_y, "会 计 科 目")
    canvas.setFont(font, 9)
    canvas.drawCentredString(x_debit + amount_w / 2, top - 3.8 * mm, "借方金额")
    canvas.drawCentredString(x_credit + amount_w / 2, top - 3.8 * mm, "贷方金额")
    canvas.setFont(font, 6.5)
    for x_start in (x_debit, x_credit):
        for index, heading in enumerate(_DIGIT_HEADINGS):
            canvas.drawCentredString(
                x_start + (index + 0.5) * cell_w, top - head_h + 1.6 * mm, heading
            )

    # The lines.
    canvas.setFillColor(black)
    for row, line in enumerate(lines):
        baseline = top - head_h - (row + 1) * row_h + 2.5 * mm
        canvas.setFont(font, 8.5)
        summary = line.summary or voucher.summary
        canvas.drawString(x_summary + 1.5 * mm, baseline, _fit(summary, font, 8.5, summary_w))
        account = f"{line.account_code} {line.account_name}"
        canvas.drawString(x_account + 1.5 * mm, baseline, _fit(account, font, 8.5, account_w))
        _draw_digits(canvas, font, x_debit, cell_w, baseline, line.debit_minor)
        _draw_digits(canvas, font, x_credit, cell_w, baseline, line.credit_minor)

    # The total row.
    total_baseline = bottom + 2.5 * mm
    canvas.setFont(font, 9)
    canvas.setFillColor(_INK)
    if is_last_page:
        canvas.drawCentredString(x_account + account_w / 2, total_baseline, "合    计")
        canvas.setFillColor(black)
        _draw_digits(canvas, font, x_debit, cell_w, total_baseline, voucher.total_debit_minor, True)
        _draw_digits(
            canvas, font, x_credit, cell_w, total_baseline, voucher.total_credit_minor, True
        )
    else:
        canvas.drawCentredString(x_account + account_w / 2, total_baseline, "过 次 页")

    # Amount in capitals and in figures.
    words_y = bottom - 6 * mm
    canvas.setFont(font, 9)
    canvas.setFillColor(_INK)
    canvas.drawString(left, words_y, "合计金额（大写）：")
    canvas.drawRightString(right - 32 * mm, words_y, "（小写）：")
    canvas.setFillColor(black)
    if is_last_page:
        canvas.setFont(font, 10)
        canvas.drawString(left + 28 * mm, words_y, voucher.amount_in_capitals)
        canvas.drawString(right - 31 * mm, words_y, voucher.amount_in_figures)

    # Signatures.
    sign_y = words_y - 10 * mm
    canvas.setFont(font, 9)
    slot_w = (right - left) / 4
    signatures = (
        ("审批", voucher.approver),
        ("复核", voucher.reviewer),
        ("出纳", voucher.cashier),
        ("制单", voucher.preparer),
    )
    for index, (role, person) in enumerate(signatures):
        x = left + index * slot_w
        canvas.setFillColor(_INK)
        canvas.drawString(x, sign_y, f"{role}：")
        canvas.setFillColor(black)
        canvas.drawString(x + 10 * mm, sign_y, person or "")
    canvas.setFillColor(_INK)
    canvas.setFont(font, 6.5)
    canvas.drawString(left, 4 * mm, f"会计期间 {voucher.period}    FundGuard 客户资金管控平台")


def _draw_digits(
    canvas: Canvas,
    font: str,
    x_start: float,
    cell_w: float,
    baseline: float,
    amount_minor: int,
    is_total: bool = False,
) -> None:
    """An amount in the digit columns, with ¥ in the cell before its first digit."""
    if amount_minor == 0:
        return
    canvas.setFont(font, 9.5 if is_total else 9)
    if amount_minor > _GRID_MINOR_MAX:
        # Beyond 亿: too wide for the grid; written across it instead.
        text = format_amount(amount_minor, "CNY")
        canvas.drawRightString(x_start + cell_w * len(_DIGIT_HEADINGS) - 1, baseline, text)
        return
    digits = str(amount_minor).rjust(3, "0")
    first_cell = len(_DIGIT_HEADINGS) - len(digits)
    for offset, digit in enumerate(digits):
        cell = first_cell + offset
        canvas.drawCentredString(x_start + (cell + 0.5) * cell_w, baseline, digit)
    if first_cell > 0:
        canvas.drawCentredString(x_start + (first_cell - 0.5) * cell_w, baseline, "¥")


def _draw_copy_marks(canvas: Canvas, font: str, width: float, height: float) -> None:
    """A reprint: a red 副本 COPY stamp by the title and a pale diagonal 副本 across the page."""
    canvas.saveState()
    canvas.setFillColor(Color(0.85, 0.1, 0.1, alpha=0.12))
    canvas.setFont(font, 72)
    canvas.translate(width / 2, height / 2 - 10 * mm)
    canvas.rotate(18)
    canvas.drawCentredString(0, 0, "副本")
    canvas.restoreState()
    canvas.saveState()
    canvas.setStrokeColor(red)
    canvas.setFillColor(red)
    canvas.setLineWidth(1.2)
    x, y = width - _MARGIN - 32 * mm, height - 20 * mm
    canvas.roundRect(x, y, 30 * mm, 10 * mm, 2 * mm)
    canvas.setFont(font, 13)
    canvas.drawCentredString(x + 15 * mm, y + 3.2 * mm, "副本 COPY")
    canvas.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Cut text to fit a column, marking the cut with an ellipsis."""
    limit = width - 3 * mm
    if pdfmetrics.stringWidth(text, font, size) <= limit:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > limit:
        text = text[:-1]
    return text + "…"
