"""The sandbox bank: a pretend bank for the demo and the tests, answering in real pain.002.

It takes each order of a ``sandbox`` company account at once (the order is ``sent``) and, a
few seconds after the transaction commits (``PAYMENTS_SANDBOX_DELAY_SECONDS``), answers:

- a creditor account number or IBAN ending in ``0000``: rejected, ``AC01`` incorrect account
  number;
- a creditor name containing ``REJECT`` (any case): rejected, ``BE06`` unknown end customer;
- anything else: accepted (``ACSP``), and after the same delay again settled (``ACSC``).

Each answer is a pain.002.001.11 document rendered here and imported through
:func:`status_report_import` like any bank's (``actor`` None: the system). Deterministic, so
that tests and the demo know what will happen.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from lxml import etree

from fundguard.core.money import format_amount
from fundguard.payments.conf import setting
from fundguard.payments.models import OrderStatus, PaymentOrder, Rail
from fundguard.payments.services import status_report_import

PAIN002_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.11"
SANDBOX_BIC = "SBXXCNSHXXX"
SANDBOX_MESSAGE = "SANDBOX"
ORDERS_PER_REPORT_MAX = 1_000
# What the sandbox bank answers to an order in each status.
AWAITING_ANSWER = (OrderStatus.sent, OrderStatus.accepted)


@dataclass(frozen=True, slots=True)
class SandboxAnswer:
    end_to_end_id: str
    amount_minor: int
    currency: str
    status: str
    reason_code: str = ""
    reason_text: str = ""


def sandbox_answer(order: PaymentOrder) -> SandboxAnswer:
    """What the sandbox bank says about ``order`` now (see the module's rules)."""
    status, reason_code, reason_text = "ACSP", "", ""
    if (order.creditor_iban or order.creditor_account_number).endswith("0000"):
        status, reason_code, reason_text = "RJCT", "AC01", "incorrect account number"
    elif "REJECT" in order.creditor_name.upper():
        status, reason_code, reason_text = "RJCT", "BE06", "unknown end customer"
    elif order.status == OrderStatus.accepted:
        status = "ACSC"
    return SandboxAnswer(
        end_to_end_id=order.end_to_end_id,
        amount_minor=order.amount_minor,
        currency=order.currency,
        status=status,
        reason_code=reason_code,
        reason_text=reason_text,
    )


def pain002_render(
    answers: Iterable[SandboxAnswer], *, original_message_id: str, created_at: datetime
) -> bytes:
    """A pain.002.001.11 status report: one transaction status per answer."""
    ns = PAIN002_NAMESPACE

    def el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ns}}}{tag}")
        if text is not None:
            element.text = text
        return element

    document = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    report = el(document, "CstmrPmtStsRpt")
    header = el(report, "GrpHdr")
    el(header, "MsgId", f"SBX-{created_at:%Y%m%d%H%M%S}-{secrets.token_hex(6)}")
    el(header, "CreDtTm", created_at.isoformat(timespec="seconds"))
    el(el(el(header, "DbtrAgt"), "FinInstnId"), "BICFI", SANDBOX_BIC)
    group = el(report, "OrgnlGrpInfAndSts")
    el(group, "OrgnlMsgId", original_message_id)
    el(group, "OrgnlMsgNmId", "pain.001.001.09")
    information = el(report, "OrgnlPmtInfAndSts")
    el(information, "OrgnlPmtInfId", original_message_id)
    for answer in answers:
        transaction = el(information, "TxInfAndSts")
        el(transaction, "OrgnlEndToEndId", answer.end_to_end_id)
        el(transaction, "TxSts", answer.status)
        if answer.reason_code:
            reason = el(transaction, "StsRsnInf")
            el(el(reason, "Rsn"), "Cd", answer.reason_code)
            el(reason, "AddtlInf", answer.reason_text)
        amount = el(
            el(el(transaction, "OrgnlTxRef"), "Amt"),
            "InstdAmt",
            format_amount(answer.amount_minor, answer.currency),
        )
        amount.set("Ccy", answer.currency)
    body: bytes = etree.tostring(document, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _answer(orders: list[PaymentOrder]) -> int:
    """Import one report answering ``orders``; how many orders it changed."""
    if not orders:
        return 0
    xml_bytes = pain002_render(
        [sandbox_answer(order) for order in orders],
        original_message_id=SANDBOX_MESSAGE,
        created_at=timezone.localtime(),
    )
    report = status_report_import(actor=None, xml_bytes=xml_bytes)
    return report.accepted_count + report.settled_count + report.rejected_count


def _awaiting() -> list[PaymentOrder]:
    return list(
        PaymentOrder.objects.filter(
            company_account__rail=Rail.sandbox, status__in=AWAITING_ANSWER
        ).order_by("pk")[:ORDERS_PER_REPORT_MAX]
    )


def sandbox_bank_process_due() -> int:
    """Answer every sandbox order still awaiting an answer, to the end: a first report accepts
    or rejects, a second settles what was accepted. How many status changes were made. For
    tests and the demo; the worker answers order by order (``sandbox_bank_answer_order``)."""
    return sum(_answer(_awaiting()) for _stage in ("accept or reject", "settle"))


def sandbox_bank_answer_order(order_id: int) -> str:
    """The task's work: the next answer about one order; an accepted order is answered again
    after the delay. Returns the order's status."""
    order = PaymentOrder.objects.filter(
        pk=order_id, company_account__rail=Rail.sandbox, status__in=AWAITING_ANSWER
    ).first()
    if order is None:
        return "answered"
    _answer([order])
    order.refresh_from_db()
    if order.status == OrderStatus.accepted:
        sandbox_bank_enqueue(order.pk)
    return str(order.status)


def sandbox_bank_enqueue(order_id: int) -> None:
    """Queue the sandbox bank's next answer about an order, after the configured delay."""
    from fundguard.payments.tasks import sandbox_bank_answer

    delay = timedelta(seconds=setting("PAYMENTS_SANDBOX_DELAY_SECONDS"))
    sandbox_bank_answer.using(run_after=timezone.now() + delay).enqueue(order_id)
