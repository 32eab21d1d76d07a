"""Importing the bank's pain.002 status reports: all of a report is applied, or none of it.

Each transaction status is matched to a payment order by its original end-to-end id (a report
that names no transaction applies its group status to every order of the file it reports on)
and mapped to an outcome: accepted (``ACTC``, ``ACCP``, ``ACSP``...) means awaiting the bank
statement; ``ACSC`` and ``ACCC`` mean settled; ``RJCT``, ``CANC`` and ``BLCK`` mean rejected,
with the reason. Pending and unknown codes change nothing. Every change is audited and told to
the status listeners (``hooks``) inside the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import lock_rows, retrying, service_atomic
from fundguard.core.permissions import require_permission
from fundguard.formats.iso20022.pain002 import (
    Pain002UnreadableError,
    StatusOutcome,
    StatusReason,
    pain002_parse,
    status_outcome,
)
from fundguard.formats.iso20022.pain002 import StatusReport as Pain002Report
from fundguard.payments.errors import PaymentError
from fundguard.payments.hooks import Outcome, status_listeners_notify
from fundguard.payments.models import (
    FINAL_ORDER_STATUSES,
    MESSAGE_ID_MAX_CHARS,
    STATUS_REASON_MAX_CHARS,
    FileStatus,
    OrderStatus,
    PaymentFile,
    PaymentOrder,
    StatusReport,
)

REPORT_MAX_BYTES = 10 * 1024 * 1024
IDS_NAMED_MAX = 10
SETTLED_CODES = frozenset({"ACSC", "ACCC"})

# Common ISO 20022 reason codes, named when the bank sends no text of its own.
REASON_NAMES = {
    "AC01": "incorrect account number",
    "AC04": "closed account number",
    "AC06": "blocked account",
    "AG01": "transaction forbidden",
    "AM04": "insufficient funds",
    "AM05": "duplication",
    "BE06": "unknown end customer",
    "DUPL": "duplicate payment",
    "FF01": "invalid file format",
    "MS03": "reason not specified",
    "RC01": "bank identifier incorrect",
}

ORDER_STATUS_OF: dict[Outcome, OrderStatus] = {
    "accepted": OrderStatus.accepted,
    "settled": OrderStatus.settled,
    "rejected": OrderStatus.rejected,
}


@dataclass(frozen=True, slots=True)
class _Status:
    end_to_end_id: str
    code: str
    reason: str


def _outcome(code: str) -> Outcome | None:
    outcome = status_outcome(code)
    if outcome == StatusOutcome.rejected:
        return "rejected"
    if outcome == StatusOutcome.accepted:
        return "settled" if code in SETTLED_CODES else "accepted"
    return None


def _reason_text(code: str, reasons: tuple[StatusReason, ...]) -> str:
    """ "RJCT AC01 incorrect account number", with every reason the bank gave."""
    parts = [code]
    for reason in reasons:
        reason_code = reason.code or reason.proprietary_code or ""
        text = reason.additional_text or REASON_NAMES.get(reason_code, "")
        parts.append(" ".join(part for part in (reason_code, text) if part))
    return "; ".join(part for part in parts if part)[:STATUS_REASON_MAX_CHARS]


def _statuses(report: Pain002Report) -> list[_Status]:
    """Each transaction's status: its own, else its block's, else the group's."""
    statuses = []
    for information in report.payment_informations:
        for transaction in information.transactions:
            code = transaction.status or information.status or report.group_status or ""
            reasons = transaction.reasons or information.reasons or report.group_reasons
            statuses.append(
                _Status(transaction.original_end_to_end_id or "", code, _reason_text(code, reasons))
            )
    return statuses


def _whole_file_statuses(report: Pain002Report) -> list[_Status]:
    """A report on a whole file (no transactions): the group status for each of its orders."""
    payment_file = PaymentFile.objects.filter(message_id=report.original_message_id or "").first()
    if payment_file is None:
        raise DomainError(
            PaymentError.status_report_names_no_payment,
            field="content",
            message=report.original_message_id or "—",
        )
    code = report.group_status or ""
    reason = _reason_text(code, report.group_reasons)
    return [
        _Status(e2e, code, reason)
        for e2e in payment_file.orders.values_list("end_to_end_id", flat=True)
    ]


def _named(ids: list[str]) -> str:
    more = len(ids) - IDS_NAMED_MAX
    return ", ".join(e2e or "(missing)" for e2e in ids[:IDS_NAMED_MAX]) + (
        f" (+{more})" if more > 0 else ""
    )


def _change(order: PaymentOrder, outcome: Outcome) -> bool:
    """Whether ``outcome`` moves ``order`` on; raise if it contradicts a final status."""
    wanted = ORDER_STATUS_OF[outcome]
    if order.status in (OrderStatus.queued, OrderStatus.in_file):
        raise DomainError(
            PaymentError.status_report_names_unsent_payments,
            field="content",
            ids=order.end_to_end_id,
        )
    if order.status in FINAL_ORDER_STATUSES:
        if outcome != "accepted" and wanted != order.status:
            raise DomainError(
                PaymentError.status_report_contradicts_final_status,
                field="content",
                ids=order.end_to_end_id,
            )
        return False
    return wanted != order.status


def status_report_import(*, actor: Any, xml_bytes: bytes) -> StatusReport:
    """Import a pain.002 (``actor`` None: the sandbox bank). A file already imported, a report
    naming a payment we never sent, and a listener's refusal all leave everything unchanged."""
    if actor is not None:
        require_permission(actor, "payments.manage_payment_files")
    if not isinstance(xml_bytes, bytes) or not xml_bytes or len(xml_bytes) > REPORT_MAX_BYTES:
        raise DomainError(CoreError.invalid_input, field="content")
    sha256 = hashlib.sha256(xml_bytes).hexdigest()
    try:
        report = pain002_parse(xml_bytes)
    except Pain002UnreadableError as error:
        raise DomainError(
            PaymentError.status_report_unreadable, field="content", detail=str(error)[:200]
        ) from None

    def once() -> StatusReport:
        with service_atomic():
            earlier = StatusReport.objects.filter(content_sha256=sha256).first()
            if earlier is not None:
                raise DomainError(
                    PaymentError.status_report_already_imported, field="content", report=earlier.pk
                )
            statuses = _statuses(report) or _whole_file_statuses(report)
            return _apply(actor, report, statuses, xml_bytes, sha256)

    try:
        return retrying(once)
    except IntegrityError:
        earlier = StatusReport.objects.filter(content_sha256=sha256).first()
        if earlier is None:
            raise
        raise DomainError(
            PaymentError.status_report_already_imported, field="content", report=earlier.pk
        ) from None


def _apply(
    actor: Any, report: Pain002Report, statuses: list[_Status], content: bytes, sha256: str
) -> StatusReport:
    wanted_ids = {status.end_to_end_id for status in statuses}
    found = dict(
        PaymentOrder.objects.filter(end_to_end_id__in=wanted_ids).values_list("end_to_end_id", "pk")
    )
    unknown = sorted(wanted_ids - set(found))
    if unknown:
        raise DomainError(
            PaymentError.status_report_names_unknown_payments, field="content", ids=_named(unknown)
        )
    orders = {
        order.end_to_end_id: order for order in lock_rows(PaymentOrder, found.values()).values()
    }
    now = timezone.now()
    counts = {"accepted": 0, "settled": 0, "rejected": 0, "unchanged": 0}
    file_ids = set()
    for status in statuses:
        order = orders[status.end_to_end_id]
        outcome = _outcome(status.code)
        if outcome is None or not _change(order, outcome):
            counts["unchanged"] += 1
            continue
        before = order.status
        order.status = ORDER_STATUS_OF[outcome]
        order.status_reason = status.reason
        order.status_changed_at = now
        order.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            actor=actor,
            action=f"payments.order_{outcome}",
            target=order,
            changes={"status": [before, order.status], "reason": [None, status.reason]},
        )
        status_listeners_notify(order=order, outcome=outcome, reason=status.reason, actor=actor)
        counts[outcome] += 1
        if order.payment_file_id is not None:
            file_ids.add(order.payment_file_id)
    PaymentFile.objects.filter(pk__in=file_ids, status=FileStatus.released).update(
        status=FileStatus.sent
    )
    imported = StatusReport.objects.create(
        message_id=(report.message_id or "")[:MESSAGE_ID_MAX_CHARS],
        original_message_id=(report.original_message_id or "")[:MESSAGE_ID_MAX_CHARS],
        version=report.version or "",
        content=content,
        content_sha256=sha256,
        imported_by=actor,
        imported_at=now,
        transaction_count=len(statuses),
        accepted_count=counts["accepted"],
        settled_count=counts["settled"],
        rejected_count=counts["rejected"],
        unchanged_count=counts["unchanged"],
    )
    audit_record(
        actor=actor,
        action="payments.status_report_imported",
        target=imported,
        changes={
            "original_message_id": [None, imported.original_message_id],
            "sha256": [None, sha256],
            **{name: [None, count] for name, count in counts.items()},
        },
    )
    return imported
