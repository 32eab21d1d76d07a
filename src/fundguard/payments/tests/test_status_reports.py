"""pain.002 imports: outcomes applied all or nothing, listeners inside the transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.payments import hooks, services
from fundguard.payments.models import FileStatus, OrderStatus, PaymentOrder, StatusReport
from fundguard.payments.sandbox import SandboxAnswer, pain002_render
from fundguard.payments.tests.conftest import row_counts

pytestmark = pytest.mark.django_db


def _report(*answers: tuple[PaymentOrder | str, str, str], message: str = "FG-1") -> bytes:
    """A pain.002 with one (order or end-to-end id, status, reason code) per transaction."""
    return pain002_render(
        [
            SandboxAnswer(
                end_to_end_id=order if isinstance(order, str) else order.end_to_end_id,
                amount_minor=100,
                currency="CNY",
                status=status,
                reason_code=reason,
                reason_text="the bank's own words" if reason else "",
            )
            for order, status, reason in answers
        ],
        original_message_id=message,
        created_at=datetime(2025, 3, 3, 10, 0, tzinfo=UTC),
    )


@pytest.fixture
def sent(company_account, queue, operator, releaser):
    """Three orders in a released file."""
    company = company_account("pain001_09")
    orders = [queue(company) for _ in range(3)]
    built = services.payment_file_build(actor=operator, company_account_id=company.pk)
    services.payment_file_release(actor=releaser, payment_file_id=built.pk)
    return [PaymentOrder.objects.get(pk=o.pk) for o in orders]


@pytest.fixture
def heard(monkeypatch):
    """The calls the status listeners receive (only this test's listener is registered)."""
    calls: list[tuple[str, str, str]] = []
    monkeypatch.setattr(hooks, "_LISTENERS", [])
    hooks.register_status_listener(
        lambda *, order, outcome, reason, actor: calls.append(
            (order.end_to_end_id, outcome, reason)
        )
    )
    return calls


def test_accepted_settled_and_rejected_are_applied_and_heard(sent, operator, heard):
    accepted, settled, rejected = sent

    report = services.status_report_import(
        actor=operator,
        xml_bytes=_report(
            (accepted, "ACSP", ""), (settled, "ACSC", ""), (rejected, "RJCT", "AC01")
        ),
    )

    assert (report.accepted_count, report.settled_count, report.rejected_count) == (1, 1, 1)
    for order in sent:
        order.refresh_from_db()
    assert accepted.status == OrderStatus.accepted
    assert settled.status == OrderStatus.settled
    assert rejected.status == OrderStatus.rejected
    assert rejected.status_reason == "RJCT; AC01 the bank's own words"
    assert [(e2e, outcome) for e2e, outcome, _ in heard] == [
        (accepted.end_to_end_id, "accepted"),
        (settled.end_to_end_id, "settled"),
        (rejected.end_to_end_id, "rejected"),
    ]
    assert accepted.payment_file.status == FileStatus.sent
    assert AuditRecord.objects.filter(action="payments.order_rejected").count() == 1


def test_an_unknown_end_to_end_id_refuses_the_whole_report(sent, operator, heard):
    before = row_counts()

    with pytest.raises(DomainError) as refused:
        services.status_report_import(
            actor=operator, xml_bytes=_report((sent[0], "ACSC", ""), ("NEVER-SENT", "RJCT", "AC01"))
        )

    assert refused.value.code == "status_report_names_unknown_payments"
    assert "NEVER-SENT" in refused.value.message
    assert row_counts() == before
    assert heard == []
    sent[0].refresh_from_db()
    assert sent[0].status == OrderStatus.sent


def test_the_same_file_is_imported_once(sent, operator):
    xml_bytes = _report((sent[0], "ACSP", ""))
    first = services.status_report_import(actor=operator, xml_bytes=xml_bytes)

    with pytest.raises(DomainError) as refused:
        services.status_report_import(actor=operator, xml_bytes=xml_bytes)

    assert refused.value.code == "status_report_already_imported"
    assert StatusReport.objects.get() == first


def test_a_listener_that_raises_rolls_the_whole_import_back(sent, operator, monkeypatch):
    monkeypatch.setattr(hooks, "_LISTENERS", [])

    def refuse_second(*, order, outcome, reason, actor):
        if order.pk == sent[1].pk:
            raise RuntimeError("the transfer could not be failed")

    hooks.register_status_listener(refuse_second)
    before = row_counts()
    audits = AuditRecord.objects.count()

    with pytest.raises(RuntimeError):
        services.status_report_import(
            actor=operator, xml_bytes=_report((sent[0], "RJCT", "AC04"), (sent[1], "RJCT", "AC04"))
        )

    assert row_counts() == before
    assert AuditRecord.objects.count() == audits
    assert set(PaymentOrder.objects.values_list("status", flat=True)) == {OrderStatus.sent}


def test_listeners_run_inside_the_import_transaction(sent, operator, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(hooks, "_LISTENERS", [])
    hooks.register_status_listener(
        lambda *, order, outcome, reason, actor: seen.append(
            PaymentOrder.objects.get(pk=order.pk).status
        )
    )

    services.status_report_import(actor=operator, xml_bytes=_report((sent[0], "ACSC", "")))

    # The listener already sees the new status and no report row yet: same transaction, mid-way.
    assert seen == [OrderStatus.settled]


def test_a_report_that_contradicts_a_final_status_is_refused(sent, operator):
    services.status_report_import(actor=operator, xml_bytes=_report((sent[0], "ACSC", "")))

    with pytest.raises(DomainError) as refused:
        services.status_report_import(
            actor=operator, xml_bytes=_report((sent[0], "RJCT", "AC01"), message="FG-2")
        )

    assert refused.value.code == "status_report_contradicts_final_status"


def test_late_and_pending_statuses_change_nothing(sent, operator, heard):
    services.status_report_import(actor=operator, xml_bytes=_report((sent[0], "ACSC", "")))

    report = services.status_report_import(
        actor=operator,
        xml_bytes=_report((sent[0], "ACSP", ""), (sent[1], "PDNG", ""), message="FG-2"),
    )

    assert report.unchanged_count == 2
    assert len(heard) == 1


def test_a_report_on_orders_not_yet_released_is_refused(company_account, queue, operator):
    company = company_account("pain001_09")
    order = queue(company)

    with pytest.raises(DomainError) as refused:
        services.status_report_import(actor=operator, xml_bytes=_report((order, "ACSC", "")))

    assert refused.value.code == "status_report_names_unsent_payments"


def test_a_whole_file_rejection_without_transactions_rejects_each_order(sent, operator, heard):
    message_id = sent[0].payment_file.message_id
    xml_bytes = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BANK-1</MsgId><CreDtTm>2025-03-03T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{message_id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>""".encode()

    report = services.status_report_import(actor=operator, xml_bytes=xml_bytes)

    assert report.rejected_count == 3
    assert {reason for _, _, reason in heard} == {"RJCT; FF01 invalid file format"}


def test_not_a_status_report_is_refused(operator):
    with pytest.raises(DomainError) as refused:
        services.status_report_import(actor=operator, xml_bytes=b"<Document/>")

    assert refused.value.code == "status_report_unreadable"
