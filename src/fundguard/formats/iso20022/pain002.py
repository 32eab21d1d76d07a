"""ISO 20022 pain.002 (CustomerPaymentStatusReport): what the bank says about our pain.001.

:func:`pain002_parse` reads a status report into a :class:`StatusReport`: the group status, one
:class:`PaymentInformationStatus` per original payment information block and, inside, one
:class:`TransactionStatus` per payment the bank reports on, each with its reasons (ISO reason
code such as ``AC01`` and the bank's additional text).

Leniently: banks send reports that are not schema-valid (split or empty ``StsRsnInf``, typos
such as ``OrgnlInstrdId``, an indented XML declaration, no namespace at all), so elements are
found by local name whatever the namespace — ISO versions .001.03 to .001.12, SIX's
``.ch.02`` and the older .001.02 layout (transactions directly under the report) alike — and
what is missing is ``None``. Only a document with no ``CstmrPmtStsRpt`` (nor a .001.02 report
root) is refused, with :class:`Pain002UnreadableError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lxml import etree

from fundguard.core.errors import DomainError
from fundguard.core.money import Money, parse_amount
from fundguard.formats.iso20022._xml import (
    XmlUnreadableError,
    child,
    children,
    local_name,
    namespace_of,
    text_at,
    xml_parse,
)

TRANSACTIONS_MAX = 100_000
"""The most transaction statuses read from one report."""

_VERSION = re.compile(r"pain\.002\.\d{3}\.\d{2}(?:\.ch\.\d{2})?")


class Pain002UnreadableError(ValueError):
    """Not XML, or XML that holds no payment status report."""


class StatusOutcome(StrEnum):
    """What a status code means for the money: the apps act on this, not on the raw code."""

    accepted = "accepted"
    """Accepted at some stage (technical, customer profile, settlement): await the statement."""
    rejected = "rejected"
    """Refused or cancelled: the money goes back to the customer's account."""
    pending = "pending"
    """Received or pending: nothing decided yet."""
    partial = "partial"
    """Some transactions accepted, some not: look at each transaction."""
    unknown = "unknown"


_OUTCOMES: dict[str, StatusOutcome] = {
    **dict.fromkeys(
        ["ACCP", "ACSC", "ACSP", "ACTC", "ACWC", "ACWP", "ACCC", "ACFC", "ACIS"],
        StatusOutcome.accepted,
    ),
    **dict.fromkeys(["RJCT", "CANC", "BLCK"], StatusOutcome.rejected),
    **dict.fromkeys(["PDNG", "RCVD"], StatusOutcome.pending),
    **dict.fromkeys(["PART", "PATC"], StatusOutcome.partial),
}


def status_outcome(code: str | None) -> StatusOutcome:
    """The outcome of an ISO 20022 ExternalPaymentTransactionStatus1Code (or group status)."""
    return _OUTCOMES.get(code or "", StatusOutcome.unknown)


@dataclass(frozen=True, slots=True)
class StatusReason:
    """Why: an ISO reason code (``AC01`` account invalid, ``AM04`` insufficient funds...) or a
    bank's proprietary one, and the bank's free text, possibly split over several lines."""

    code: str | None = None
    proprietary_code: str | None = None
    additional_info: tuple[str, ...] = ()
    originator: str | None = None
    """Who gave the status: a name or BIC, when the bank says."""

    @property
    def additional_text(self) -> str:
        # Banks cut long texts at a fixed width, mid-word: the pieces join without a separator.
        return "".join(self.additional_info).strip()


@dataclass(frozen=True, slots=True)
class TransactionStatus:
    original_end_to_end_id: str | None
    original_instruction_id: str | None
    status: str | None
    reasons: tuple[StatusReason, ...] = ()
    original_uetr: str | None = None
    original_amount: Money | None = None
    """From ``OrgnlTxRef/Amt/InstdAmt`` when present and readable."""


@dataclass(frozen=True, slots=True)
class PaymentInformationStatus:
    original_payment_information_id: str | None
    status: str | None
    reasons: tuple[StatusReason, ...] = ()
    transactions: tuple[TransactionStatus, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusReport:
    version: str | None
    """From the namespace: ``pain.002.001.03``, ``pain.002.001.03.ch.02``...; None without one."""
    message_id: str | None
    created_at: datetime | None
    original_message_id: str | None
    original_message_name_id: str | None
    group_status: str | None
    group_reasons: tuple[StatusReason, ...]
    payment_informations: tuple[PaymentInformationStatus, ...]

    def transactions(self) -> Iterator[TransactionStatus]:
        for information in self.payment_informations:
            yield from information.transactions

    def status_of(self, end_to_end_id: str) -> str | None:
        """A payment's status: its own, else its block's, else the group's (banks that reject
        or accept a whole file say so once, at the top)."""
        for information in self.payment_informations:
            for transaction in information.transactions:
                if transaction.original_end_to_end_id == end_to_end_id:
                    return transaction.status or information.status or self.group_status
        return self.group_status


def pain002_parse(xml_bytes: bytes) -> StatusReport:
    """Read a pain.002 status report, leniently (see the module's documentation)."""
    try:
        root = xml_parse(xml_bytes)
    except XmlUnreadableError as error:
        raise Pain002UnreadableError(str(error)) from error
    report = _find_report(root)
    if report is None:
        raise Pain002UnreadableError(
            f"no payment status report (CstmrPmtStsRpt) in this <{local_name(root)}> document"
        )
    version_match = _VERSION.search(namespace_of(root) or namespace_of(report))
    group = child(report, "OrgnlGrpInfAndSts")
    informations = [_payment_information(node) for node in children(report, "OrgnlPmtInfAndSts")]
    # pain.002.001.02 put the transactions straight under the report.
    loose = tuple(_transactions(report))
    if loose:
        informations.append(PaymentInformationStatus(None, None, (), loose))
    if sum(len(i.transactions) for i in informations) > TRANSACTIONS_MAX:
        raise Pain002UnreadableError(f"more than {TRANSACTIONS_MAX} transaction statuses")
    return StatusReport(
        version=version_match.group(0) if version_match else None,
        message_id=text_at(report, "GrpHdr", "MsgId"),
        created_at=_datetime(text_at(report, "GrpHdr", "CreDtTm")),
        original_message_id=text_at(group, "OrgnlMsgId"),
        original_message_name_id=text_at(group, "OrgnlMsgNmId"),
        group_status=text_at(group, "GrpSts"),
        group_reasons=_reasons(group),
        payment_informations=tuple(informations),
    )


def _find_report(root: etree._Element) -> etree._Element | None:
    if local_name(root) == "CstmrPmtStsRpt":
        return root
    report = child(root, "CstmrPmtStsRpt")
    if report is None and local_name(root) in {"Document", "pain.002.001.02"}:
        # pain.002.001.02: <Document><pain.002.001.02>GrpHdr, OrgnlGrpInfAndSts...
        legacy = child(root, "pain.002.001.02")
        candidate = legacy if legacy is not None else root
        if child(candidate, "OrgnlGrpInfAndSts") is not None:
            return candidate
    return report


def _payment_information(node: etree._Element) -> PaymentInformationStatus:
    return PaymentInformationStatus(
        original_payment_information_id=text_at(node, "OrgnlPmtInfId"),
        status=text_at(node, "PmtInfSts"),
        reasons=_reasons(node),
        transactions=tuple(_transactions(node)),
    )


def _transactions(node: etree._Element) -> Iterator[TransactionStatus]:
    for transaction in children(node, "TxInfAndSts"):
        yield TransactionStatus(
            original_end_to_end_id=text_at(transaction, "OrgnlEndToEndId"),
            # "OrgnlInstrdId": a misspelling found in real Finnish reports.
            original_instruction_id=text_at(transaction, "OrgnlInstrId")
            or text_at(transaction, "OrgnlInstrdId"),
            status=text_at(transaction, "TxSts"),
            reasons=_reasons(transaction),
            original_uetr=text_at(transaction, "OrgnlUETR"),
            original_amount=_money(child(transaction, "OrgnlTxRef", "Amt", "InstdAmt")),
        )


def _reasons(node: etree._Element | None) -> tuple[StatusReason, ...]:
    if node is None:
        return ()
    reasons = []
    for info in children(node, "StsRsnInf"):
        reason = StatusReason(
            # "StsRsn" in pain.002.001.02, "Rsn" from .001.03 on.
            code=text_at(info, "Rsn", "Cd") or text_at(info, "StsRsn", "Cd"),
            proprietary_code=text_at(info, "Rsn", "Prtry") or text_at(info, "StsRsn", "Prtry"),
            additional_info=tuple(piece.text or "" for piece in children(info, "AddtlInf")),
            originator=text_at(info, "Orgtr", "Nm")
            or text_at(info, "Orgtr", "Id", "OrgId", "BICOrBEI")
            or text_at(info, "Orgtr", "Id", "OrgId", "AnyBIC"),
        )
        # An empty <StsRsnInf/> (some banks send one) tells nothing.
        if reason != StatusReason(originator=None):
            reasons.append(reason)
    return tuple(reasons)


def _money(amount: etree._Element | None) -> Money | None:
    if amount is None or amount.text is None:
        return None
    currency = amount.get("Ccy", "")
    try:
        return Money(parse_amount(amount.text.strip(), currency), currency)
    except (DomainError, ValueError):
        return None


def _datetime(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
