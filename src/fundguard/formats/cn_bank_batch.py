"""A batch payment file for ICBC (中国工商银行) corporate internet banking: 企业财务室 — 批量支付.

The layout follows ICBC's Excel template 批量支付.xls as shipped with its corporate banking
client tool and described in the bank's customer guide 《企业网银批量付款》 ("按照模版格式制作
excel表格 … 批量支付.xls"; a copy is published at http://www.bhygbaby.com/paper/179216634.html).
ICBC's own help pages describe the upload: 付款业务 → 企业财务室 → 批量支付 → 上传文件, with a
template to download first (https://xiaoimedia.icbc.com.cn/robot/imgmsgData/
05ea639340374a2b9f2612b8c0cc0773/index_1.html). One header row of Chinese titles, then one
row a payment, twelve columns in this order:

==  ==============  ==========================================================================
 1  付款账号开户行  the payer's bank; "工行" for an ICBC account
 2  付款账号        the company's (对公) account number
 3  付款账号名称    the company's account name
 4  收款账号开户行  the payee's bank: "工行", or the other bank as written ("农行", "建行")
 5  省份名          province of the payee's branch ("广东")
 6  城市名          city of the payee's branch ("广州")
 7  收款账号        the payee's account or card number: digits only, no spaces or "-"
 8  收款账号名称    the payee's name as the bank holds it
 9  金额            yuan, at most two decimals (the guide warns that a cell holding a third
                    decimal, even if shown with two, makes the batch total wrong)
10  汇款用途        货款 采购款 借款 拨款 上缴款 差旅费 运费 工资 退休金 …
11  备注            optional, completes the purpose
12  短信通知手机号码  optional, the payee's mobile for an SMS
==  ==============  ==========================================================================

Generated as XLSX with openpyxl (an Excel workbook carries its own encoding, so the GBK/UTF-8
question of CSV does not arise): account numbers and mobiles are text cells (Excel would turn
a 19-digit card number into 6.22202E+18), amounts are exact decimal numbers formatted ``0.00``.
The bank's template is the older ``.xls``; whether a given ICBC portal also takes ``.xlsx``
must be confirmed with the bank (see docs/formats.md).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from fundguard.core.money import Money, format_amount

PAYMENTS_MAX = 5_000
"""The most rows one file holds."""

ICBC_BATCH_HEADERS: tuple[str, ...] = (
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
)
SHEET_TITLE = "批量支付"

_ACCOUNT = re.compile(r"[0-9]{6,32}", re.ASCII)
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_TEXT_LIMITS = {
    "payer_bank": 40,
    "payer_name": 60,
    "payee_bank": 40,
    "payee_province": 20,
    "payee_city": 20,
    "payee_name": 60,
    "purpose": 30,
    "remark": 60,
}
_FIXED_TIME = datetime(2000, 1, 1)


class CnBankBatchError(ValueError):
    """A payment that cannot go into the bank's file; ``field`` names the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _require_text(field: str, value: str | None, *, required: bool) -> None:
    if value is None or value == "":
        if required:
            raise CnBankBatchError(field, "is required")
        return
    if not isinstance(value, str) or not value.strip():
        raise CnBankBatchError(field, "must be text that is not blank")
    limit = _TEXT_LIMITS[field]
    if len(value) > limit:
        raise CnBankBatchError(field, f"is {len(value)} characters; at most {limit}")
    if any(ord(character) < 32 for character in value):
        raise CnBankBatchError(field, "contains a control character")
    if value[0] in "=+-@":
        # A cell starting so would be read by Excel as a formula.
        raise CnBankBatchError(field, f"must not start with “{value[0]}”")


def _require_account(field: str, value: str) -> None:
    if not isinstance(value, str) or not _ACCOUNT.fullmatch(value):
        raise CnBankBatchError(field, "is 6 to 32 digits, without spaces or “-”")


@dataclass(frozen=True, slots=True)
class IcbcBatchPayment:
    payee_bank: str
    payee_province: str
    payee_city: str
    payee_account: str
    payee_name: str
    amount: Money
    purpose: str
    remark: str | None = None
    sms_mobile: str | None = None

    def __post_init__(self) -> None:
        for name in ("payee_bank", "payee_province", "payee_city", "payee_name", "purpose"):
            _require_text(name, getattr(self, name), required=True)
        _require_text("remark", self.remark, required=False)
        _require_account("payee_account", self.payee_account)
        if not isinstance(self.amount, Money) or self.amount.currency != "CNY":
            raise CnBankBatchError("amount", "must be a CNY Money")
        if self.amount.amount_minor <= 0:
            raise CnBankBatchError("amount", f"must be positive, not {self.amount}")
        if self.sms_mobile is not None and not _MOBILE.fullmatch(self.sms_mobile):
            raise CnBankBatchError("sms_mobile", "is an 11-digit mainland mobile number")


@dataclass(frozen=True, slots=True)
class IcbcBatch:
    payer_account: str
    payer_name: str
    payments: tuple[IcbcBatchPayment, ...]
    payer_bank: str = "工行"

    def __post_init__(self) -> None:
        _require_text("payer_bank", self.payer_bank, required=True)
        _require_text("payer_name", self.payer_name, required=True)
        _require_account("payer_account", self.payer_account)
        if not isinstance(self.payments, tuple) or not 1 <= len(self.payments) <= PAYMENTS_MAX:
            raise CnBankBatchError("payments", f"a file holds 1 to {PAYMENTS_MAX} payments")

    @property
    def total_minor(self) -> int:
        return sum(payment.amount.amount_minor for payment in self.payments)


def icbc_batch_rows(batch: IcbcBatch) -> list[tuple[str | Decimal, ...]]:
    """The file's rows as values: the header row, then one row a payment (amounts as Decimal)."""
    rows: list[tuple[str | Decimal, ...]] = [ICBC_BATCH_HEADERS]
    for payment in batch.payments:
        rows.append(
            (
                batch.payer_bank,
                batch.payer_account,
                batch.payer_name,
                payment.payee_bank,
                payment.payee_province,
                payment.payee_city,
                payment.payee_account,
                payment.payee_name,
                Decimal(format_amount(payment.amount.amount_minor, "CNY")),
                payment.purpose,
                payment.remark or "",
                payment.sms_mobile or "",
            )
        )
    return rows


def icbc_batch_render_xlsx(batch: IcbcBatch) -> bytes:
    """The batch as an XLSX workbook in ICBC's 批量支付 layout (one sheet, header row first)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    amount_column = ICBC_BATCH_HEADERS.index("金额") + 1
    for row_number, row in enumerate(icbc_batch_rows(batch), start=1):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if row_number == 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center")
            elif column_number == amount_column:
                cell.number_format = "0.00"
            else:
                cell.number_format = "@"  # text: long account numbers stay digits
    for column_number, header in enumerate(ICBC_BATCH_HEADERS, start=1):
        letter = sheet.cell(row=1, column=column_number).column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(header) + 4)
    sheet.freeze_panes = "A2"
    workbook.properties.creator = "FundGuard"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
