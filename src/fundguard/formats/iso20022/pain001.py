"""ISO 20022 pain.001 (CustomerCreditTransferInitiation): a batch of credit transfers to a bank.

- :class:`CreditTransferBatch` holds one debtor account and 1 to :data:`PAYMENTS_MAX` payments
  (:class:`CreditTransfer`), each with an end-to-end id and an amount as :class:`Money`.
- :func:`pain001_render` writes version ``001.001.09`` (the current one) or ``001.001.03`` (still
  what many banks take) and validates its own output against the official XSD before returning
  it: a file that fails its schema is never handed out.
- :func:`pain001_validate` checks any document against a pain.001 schema and raises
  :class:`Pain001SchemaError` listing every violation (path and reason).

Amounts are written with exactly the currency's ISO 4217 digits (:func:`format_amount`); the
control sums are exact decimal sums of those amounts. The XSDs shipped in ``schemas/`` are the
official ones (see its README); bank variants such as SIX's ``pain.001.001.03.ch.02`` are
checked by passing their XSD as ``schema_path``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Literal, get_args

import xmlschema
from lxml import etree

from fundguard.core.money import Money, format_amount
from fundguard.formats.iso20022._xml import XmlUnreadableError, local_name, namespace_of, xml_parse

Pain001Version = Literal["001.001.09", "001.001.03"]
PAIN001_VERSIONS: tuple[Pain001Version, ...] = get_args(Pain001Version)

PAYMENTS_MAX = 10_000
"""The most payments one batch holds (banks commonly cap a file at 5,000 to 10,000)."""

VIOLATIONS_MAX = 50
"""The most schema violations collected and reported for one document."""

SCHEMA_DIR = Path(__file__).parent / "schemas"

ChargeBearer = Literal["DEBT", "CRED", "SHAR", "SLEV"]

# ISO 20022 patterns, from the two schemas (IBAN2007Identifier; BICIdentifier in .03,
# BICFIDec2014Identifier in .09: a BIC valid for both satisfies the older, stricter one).
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}", re.ASCII)
_BIC = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?", re.ASCII)
_PURPOSE_CODE = re.compile(r"[A-Z0-9]{1,4}", re.ASCII)
_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
# Characters XML 1.0 cannot carry at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Amounts: ActiveOrHistoricCurrencyAndAmount allows 18 digits in all.
_AMOUNT_DIGITS_MAX = 18


class Pain001InputError(ValueError):
    """A batch that cannot become a pain.001 file; ``field`` names the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    """One XSD violation: where (an XPath-like path and the line), why, and the value found."""

    path: str
    reason: str
    line: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, {self.path}" if self.line else self.path
        found = f" (found “{self.value}”)" if self.value else ""
        return f"{where}: {self.reason}{found}"


class Pain001SchemaError(ValueError):
    """A document that fails its pain.001 schema; ``violations`` lists each failure."""

    def __init__(self, schema_name: str, violations: tuple[SchemaViolation, ...]) -> None:
        listing = "\n".join(f"- {violation}" for violation in violations)
        super().__init__(
            f"not a valid {schema_name} document ({len(violations)} violation(s)):\n{listing}"
        )
        self.schema_name = schema_name
        self.violations = violations


def _require_text(field_name: str, value: str | None, max_chars: int, *, required: bool) -> None:
    if value is None:
        if required:
            raise Pain001InputError(field_name, "is required")
        return
    if not isinstance(value, str):
        raise Pain001InputError(field_name, f"must be text, not {type(value).__name__}")
    if not value.strip():
        raise Pain001InputError(field_name, "must not be blank")
    if len(value) > max_chars:
        raise Pain001InputError(field_name, f"is {len(value)} characters; at most {max_chars}")
    if _XML_ILLEGAL.search(value):
        raise Pain001InputError(field_name, "contains a control character XML cannot carry")


@dataclass(frozen=True, slots=True)
class Account:
    """A bank account: an IBAN, or another identifier (a Chinese account number, say)."""

    iban: str | None = None
    other_id: str | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if (self.iban is None) == (self.other_id is None):
            raise Pain001InputError("account", "give exactly one of iban and other_id")
        if self.iban is not None and not _IBAN.fullmatch(self.iban):
            raise Pain001InputError("account.iban", f"“{self.iban}” is not an IBAN")
        _require_text("account.other_id", self.other_id, 34, required=False)
        if self.currency is not None and not _CURRENCY.fullmatch(self.currency):
            raise Pain001InputError("account.currency", f"“{self.currency}” is not ISO 4217")


@dataclass(frozen=True, slots=True)
class Agent:
    """A bank (financial institution): its BIC, or its name when it has none at hand.

    With neither, the debtor's bank is written as ``NOTPROVIDED`` (the usual convention when
    the bank derives itself from the IBAN).
    """

    bic: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.bic is not None and not _BIC.fullmatch(self.bic):
            raise Pain001InputError("agent.bic", f"“{self.bic}” is not a BIC")
        _require_text("agent.name", self.name, 140, required=False)


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    """One payment of the batch."""

    end_to_end_id: str
    amount: Money
    creditor_name: str
    creditor_account: Account
    creditor_agent: Agent | None = None
    remittance_information: str | None = None
    purpose_code: str | None = None
    """An ISO 20022 ExternalPurpose1Code such as ``SUPP`` or ``SALA``; free text goes in the
    remittance information."""
    instruction_id: str | None = None

    def __post_init__(self) -> None:
        _require_text("end_to_end_id", self.end_to_end_id, 35, required=True)
        _require_text("instruction_id", self.instruction_id, 35, required=False)
        if not isinstance(self.amount, Money):
            raise Pain001InputError("amount", "must be a Money")
        if self.amount.amount_minor <= 0:
            raise Pain001InputError("amount", f"must be positive, not {self.amount}")
        if len(format_amount(self.amount.amount_minor, self.amount.currency)) - 1 > (
            _AMOUNT_DIGITS_MAX
        ):
            raise Pain001InputError("amount", f"{self.amount} has more than 18 digits")
        _require_text("creditor_name", self.creditor_name, 140, required=True)
        _require_text("remittance_information", self.remittance_information, 140, required=False)
        if self.purpose_code is not None and not _PURPOSE_CODE.fullmatch(self.purpose_code):
            raise Pain001InputError(
                "purpose_code", f"“{self.purpose_code}” is not an ISO purpose code (1-4 A-Z0-9)"
            )


@dataclass(frozen=True, slots=True)
class CreditTransferBatch:
    """A pain.001 message with one payment information block (one debtor account, one date)."""

    message_id: str
    created_at: datetime
    initiating_party_name: str
    debtor_name: str
    debtor_account: Account
    debtor_agent: Agent
    requested_execution_date: date
    payments: tuple[CreditTransfer, ...]
    payment_information_id: str | None = None
    """Defaults to the message id."""
    charge_bearer: ChargeBearer | None = None
    control_sum: Decimal = field(init=False)

    def __post_init__(self) -> None:
        _require_text("message_id", self.message_id, 35, required=True)
        _require_text("payment_information_id", self.payment_information_id, 35, required=False)
        _require_text("initiating_party_name", self.initiating_party_name, 140, required=True)
        _require_text("debtor_name", self.debtor_name, 140, required=True)
        if not isinstance(self.created_at, datetime) or self.created_at.tzinfo is None:
            raise Pain001InputError("created_at", "must be a datetime with a time zone")
        if isinstance(self.requested_execution_date, datetime) or not isinstance(
            self.requested_execution_date, date
        ):
            raise Pain001InputError("requested_execution_date", "must be a date")
        if not isinstance(self.payments, tuple):
            raise Pain001InputError("payments", "must be a tuple of CreditTransfer")
        if not 1 <= len(self.payments) <= PAYMENTS_MAX:
            raise Pain001InputError("payments", f"holds 1 to {PAYMENTS_MAX} payments")
        seen: set[str] = set()
        for index, payment in enumerate(self.payments):
            if not isinstance(payment, CreditTransfer):
                raise Pain001InputError(f"payments[{index}]", "must be a CreditTransfer")
            if payment.end_to_end_id in seen:
                raise Pain001InputError(
                    f"payments[{index}].end_to_end_id",
                    f"“{payment.end_to_end_id}” appears twice in the batch",
                )
            seen.add(payment.end_to_end_id)
        # Exact: each amount is a decimal string with the currency's digits.
        total = sum((_decimal_amount(p.amount) for p in self.payments), Decimal(0))
        if len(total.as_tuple().digits) > _AMOUNT_DIGITS_MAX:
            raise Pain001InputError("payments", f"the control sum {total} has over 18 digits")
        object.__setattr__(self, "control_sum", total)

    @property
    def number_of_transactions(self) -> int:
        return len(self.payments)


def _decimal_amount(money: Money) -> Decimal:
    return Decimal(format_amount(money.amount_minor, money.currency))


def pain001_render(batch: CreditTransferBatch, version: Pain001Version = "001.001.09") -> bytes:
    """The batch as a pain.001 document (UTF-8 XML), checked against the official XSD.

    Raises :class:`Pain001SchemaError` should the result fail its schema (a bug, or a value
    the dataclasses let through), so that an invalid file never leaves this function.
    """
    if version not in PAIN001_VERSIONS:
        raise ValueError(f"pain.001 version {version!r} is not one of {PAIN001_VERSIONS}")
    is_v09 = version == "001.001.09"
    ns = f"urn:iso:std:iso:20022:tech:xsd:pain.{version}"

    def el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ns}}}{tag}")
        if text is not None:
            element.text = text
        return element

    def account(parent: etree._Element, tag: str, value: Account) -> None:
        node = el(parent, tag)
        identification = el(node, "Id")
        if value.iban is not None:
            el(identification, "IBAN", value.iban)
        else:
            el(el(identification, "Othr"), "Id", value.other_id)
        if value.currency is not None:
            el(node, "Ccy", value.currency)

    def agent(parent: etree._Element, tag: str, value: Agent) -> None:
        institution = el(el(parent, tag), "FinInstnId")
        if value.bic is not None:
            el(institution, "BICFI" if is_v09 else "BIC", value.bic)
        if value.name is not None:
            el(institution, "Nm", value.name)
        if value.bic is None and value.name is None:
            el(el(institution, "Othr"), "Id", "NOTPROVIDED")

    number_of_transactions = str(batch.number_of_transactions)
    control_sum = format(batch.control_sum, "f")

    document = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    initiation = el(document, "CstmrCdtTrfInitn")
    header = el(initiation, "GrpHdr")
    el(header, "MsgId", batch.message_id)
    el(header, "CreDtTm", batch.created_at.isoformat(timespec="seconds"))
    el(header, "NbOfTxs", number_of_transactions)
    el(header, "CtrlSum", control_sum)
    el(el(header, "InitgPty"), "Nm", batch.initiating_party_name)

    information = el(initiation, "PmtInf")
    el(information, "PmtInfId", batch.payment_information_id or batch.message_id)
    el(information, "PmtMtd", "TRF")
    el(information, "NbOfTxs", number_of_transactions)
    el(information, "CtrlSum", control_sum)
    execution_date = batch.requested_execution_date.isoformat()
    if is_v09:
        el(el(information, "ReqdExctnDt"), "Dt", execution_date)
    else:
        el(information, "ReqdExctnDt", execution_date)
    el(el(information, "Dbtr"), "Nm", batch.debtor_name)
    account(information, "DbtrAcct", batch.debtor_account)
    agent(information, "DbtrAgt", batch.debtor_agent)
    if batch.charge_bearer is not None:
        el(information, "ChrgBr", batch.charge_bearer)

    for payment in batch.payments:
        transaction = el(information, "CdtTrfTxInf")
        payment_id = el(transaction, "PmtId")
        if payment.instruction_id is not None:
            el(payment_id, "InstrId", payment.instruction_id)
        el(payment_id, "EndToEndId", payment.end_to_end_id)
        amount = el(el(transaction, "Amt"), "InstdAmt", str(_decimal_amount(payment.amount)))
        amount.set("Ccy", payment.amount.currency)
        if payment.creditor_agent is not None:
            agent(transaction, "CdtrAgt", payment.creditor_agent)
        el(el(transaction, "Cdtr"), "Nm", payment.creditor_name)
        account(transaction, "CdtrAcct", payment.creditor_account)
        if payment.purpose_code is not None:
            el(el(transaction, "Purp"), "Cd", payment.purpose_code)
        if payment.remittance_information is not None:
            el(el(transaction, "RmtInf"), "Ustrd", payment.remittance_information)

    # The declaration written by hand: double quotes, as every bank's example file has them.
    body: bytes = etree.tostring(document, encoding="UTF-8", pretty_print=True)
    xml_bytes = b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
    pain001_validate(xml_bytes, version)
    return xml_bytes


def pain001_validate(
    xml_bytes: bytes,
    version: Pain001Version = "001.001.09",
    *,
    schema_path: Path | None = None,
) -> None:
    """Check a pain.001 document against the official XSD of ``version``.

    ``schema_path`` checks against another schema instead (a bank's variant such as SIX's
    ``pain.001.001.03.ch.02.xsd``). Raises :class:`Pain001SchemaError` with up to
    :data:`VIOLATIONS_MAX` violations, each with its path; a document that is not XML at all
    is reported as one violation at ``/``.
    """
    if schema_path is None:
        if version not in PAIN001_VERSIONS:
            raise ValueError(f"pain.001 version {version!r} is not one of {PAIN001_VERSIONS}")
        schema_path = SCHEMA_DIR / f"pain.{version}.xsd"
    schema_name = schema_path.name.removesuffix(".xsd")
    try:
        root = xml_parse(xml_bytes)
    except XmlUnreadableError as error:
        raise Pain001SchemaError(schema_name, (SchemaViolation("/", str(error)),)) from error
    schema = _schema(schema_path.resolve())
    namespace = namespace_of(root)
    if namespace != schema.target_namespace:
        reason = (
            f"the document's namespace is “{namespace}”, not “{schema.target_namespace}”"
            " (another message or another version)"
        )
        raise Pain001SchemaError(schema_name, (SchemaViolation(f"/{local_name(root)}", reason),))
    violations = tuple(
        _violation(error)
        for error in islice(schema.iter_errors(etree.ElementTree(root)), VIOLATIONS_MAX)
    )
    if violations:
        raise Pain001SchemaError(schema_name, violations)


def _violation(error: xmlschema.XMLSchemaValidationError) -> SchemaViolation:
    element = error.elem
    text = element.text.strip() if element is not None and element.text else ""
    is_leaf = element is not None and len(element) == 0
    value = text[:80] + ("…" if len(text) > 80 else "") if is_leaf and text else None
    line = getattr(element, "sourceline", None)
    return SchemaViolation(
        path=error.path or "/",
        reason=error.reason or error.message,
        line=line if isinstance(line, int) else None,
        value=value,
    )


@functools.cache
def _schema(path: Path) -> xmlschema.XMLSchema:
    # Local files only: the ISO schemas import nothing, and no URL is ever fetched.
    schema: xmlschema.XMLSchema = xmlschema.XMLSchema(str(path), allow="local")
    return schema
