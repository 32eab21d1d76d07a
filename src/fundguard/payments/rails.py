"""From payments to the rail's format: pain.001 (.001.09 or .001.03) or ICBC's batch file.

No ORM here: the functions take anything with a payment's fields (a :class:`PaymentInstruction`
before it is queued, a :class:`PaymentOrder` when its file is built), so that an order that
could never go in its rail's file is refused when it is queued, while the caller's transaction
(a transfer's final approval) can still roll back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from fundguard.core.errors import DomainError
from fundguard.core.money import Money
from fundguard.formats.cn_bank_batch import (
    CnBankBatchError,
    IcbcBatch,
    IcbcBatchPayment,
    icbc_batch_render_xlsx,
)
from fundguard.formats.iso20022.pain001 import (
    Account,
    Agent,
    CreditTransfer,
    CreditTransferBatch,
    Pain001InputError,
    Pain001SchemaError,
    Pain001Version,
    pain001_render,
    pain001_validate,
)
from fundguard.payments.errors import PaymentError
from fundguard.payments.models import Rail

PAIN001_VERSION_OF_RAIL: dict[str, Pain001Version] = {
    Rail.pain001_09: "001.001.09",
    Rail.pain001_03: "001.001.03",
    # The sandbox bank reads what a real bank reads.
    Rail.sandbox: "001.001.09",
}
XML_MEDIA_TYPE = "application/xml"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_PURPOSE_CODE = re.compile(r"[A-Z0-9]{1,4}", re.ASCII)
# The formats' field names, as the payment's.
_FIELDS = {
    "account.other_id": "creditor_account_number",
    "account.iban": "creditor_iban",
    "account": "creditor_account_number",
    "agent.bic": "creditor_bic",
    "agent.name": "creditor_bank_name",
    "amount": "amount_minor",
    "payee_bank": "creditor_bank_name",
    "payee_province": "creditor_province",
    "payee_city": "creditor_city",
    "payee_account": "creditor_account_number",
    "payee_name": "creditor_name",
    "purpose_code": "purpose",
}


class PaymentDetails(Protocol):
    @property
    def end_to_end_id(self) -> str: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def creditor_name(self) -> str: ...
    @property
    def creditor_account_number(self) -> str: ...
    @property
    def creditor_iban(self) -> str: ...
    @property
    def creditor_bic(self) -> str: ...
    @property
    def creditor_bank_name(self) -> str: ...
    @property
    def creditor_province(self) -> str: ...
    @property
    def creditor_city(self) -> str: ...
    @property
    def remittance_information(self) -> str: ...
    @property
    def purpose(self) -> str: ...


class DebtorDetails(Protocol):
    """The company bank account the payments leave from."""

    @property
    def name(self) -> str: ...
    @property
    def bank_name(self) -> str: ...
    @property
    def bic(self) -> str: ...
    @property
    def account_number(self) -> str: ...
    @property
    def iban(self) -> str: ...
    @property
    def currency(self) -> str: ...


@dataclass(frozen=True, slots=True)
class FileHeader:
    message_id: str
    created_at: datetime
    requested_execution_date: date
    initiating_party_name: str


def _pain001_transfer(payment: PaymentDetails) -> CreditTransfer:
    is_code = bool(_PURPOSE_CODE.fullmatch(payment.purpose))
    remittance = " / ".join(
        text
        for text in ("" if is_code else payment.purpose, payment.remittance_information)
        if text
    )
    has_agent = payment.creditor_bic or payment.creditor_bank_name
    return CreditTransfer(
        end_to_end_id=payment.end_to_end_id,
        amount=Money(payment.amount_minor, payment.currency),
        creditor_name=payment.creditor_name,
        creditor_account=Account(iban=payment.creditor_iban)
        if payment.creditor_iban
        else Account(other_id=payment.creditor_account_number),
        creditor_agent=Agent(
            bic=payment.creditor_bic or None, name=payment.creditor_bank_name or None
        )
        if has_agent
        else None,
        remittance_information=remittance or None,
        purpose_code=payment.purpose if is_code else None,
    )


def _icbc_payment(payment: PaymentDetails) -> IcbcBatchPayment:
    purpose = payment.purpose or payment.remittance_information
    remark = payment.remittance_information if payment.purpose else ""
    return IcbcBatchPayment(
        payee_bank=payment.creditor_bank_name,
        payee_province=payment.creditor_province,
        payee_city=payment.creditor_city,
        payee_account=payment.creditor_account_number,
        payee_name=payment.creditor_name,
        amount=Money(payment.amount_minor, payment.currency),
        purpose=purpose,
        remark=remark or None,
    )


def _invalid(rail: str, error: Pain001InputError | CnBankBatchError, where: str) -> DomainError:
    field = _FIELDS.get(error.field, error.field)
    return DomainError(
        PaymentError.payment_order_invalid, field=field, rail=rail, detail=f"{where}{error}"
    )


def rail_check(rail: str, payment: PaymentDetails) -> None:
    """Refuse (``payment_order_invalid``, naming the field) a payment the rail cannot carry."""
    try:
        if rail == Rail.cn_bank_batch:
            _icbc_payment(payment)
        else:
            _pain001_transfer(payment)
    except (Pain001InputError, CnBankBatchError) as error:
        raise _invalid(rail, error, "") from None


def file_render(
    rail: str, debtor: DebtorDetails, header: FileHeader, payments: Sequence[PaymentDetails]
) -> bytes:
    """The file's bytes: pain.001 checked against its XSD, or ICBC's XLSX.

    Refused: a payment that does not fit (``payment_order_invalid`` naming its end-to-end id)
    and a pain.001 that fails its schema (``payment_file_fails_schema``).
    """
    if rail == Rail.cn_bank_batch:
        icbc_payments = []
        for payment in payments:
            try:
                icbc_payments.append(_icbc_payment(payment))
            except CnBankBatchError as error:
                raise _invalid(rail, error, f"{payment.end_to_end_id}: ") from None
        try:
            batch = IcbcBatch(
                payer_account=debtor.account_number,
                payer_name=debtor.name,
                payments=tuple(icbc_payments),
            )
        except CnBankBatchError as error:
            raise _invalid(rail, error, "") from None
        return icbc_batch_render_xlsx(batch)
    transfers = []
    for payment in payments:
        try:
            transfers.append(_pain001_transfer(payment))
        except Pain001InputError as error:
            raise _invalid(rail, error, f"{payment.end_to_end_id}: ") from None
    version = PAIN001_VERSION_OF_RAIL[rail]
    try:
        pain_batch = CreditTransferBatch(
            message_id=header.message_id,
            created_at=header.created_at,
            initiating_party_name=header.initiating_party_name,
            debtor_name=debtor.name,
            debtor_account=Account(iban=debtor.iban)
            if debtor.iban
            else Account(other_id=debtor.account_number, currency=debtor.currency),
            debtor_agent=Agent(bic=debtor.bic or None, name=debtor.bank_name or None),
            requested_execution_date=header.requested_execution_date,
            payments=tuple(transfers),
        )
        return pain001_render(pain_batch, version)
    except Pain001InputError as error:
        raise _invalid(rail, error, "") from None
    except Pain001SchemaError as error:
        raise schema_refusal(error) from None


def file_validate(rail: str, content: bytes) -> None:
    """Check a stored pain.001 against its XSD again (``payment_file_fails_schema``)."""
    if rail not in (Rail.pain001_09, Rail.pain001_03):
        return
    try:
        pain001_validate(content, PAIN001_VERSION_OF_RAIL[rail])
    except Pain001SchemaError as error:
        raise schema_refusal(error) from None


def schema_refusal(error: Pain001SchemaError) -> DomainError:
    return DomainError(
        PaymentError.payment_file_fails_schema,
        field="content",
        schema=error.schema_name,
        violation=str(error.violations[0]),
    )


def media_type_of(rail: str) -> tuple[str, str]:
    """(media type, file name suffix) of the rail's file."""
    if rail == Rail.cn_bank_batch:
        return XLSX_MEDIA_TYPE, "xlsx"
    return XML_MEDIA_TYPE, "xml"
