"""The sandbox bank end to end: queued, answered by a task, imported as a real pain.002."""

from __future__ import annotations

import pytest
import xmlschema
from django_tasks_db.models import DBTaskResult

from fundguard.formats.tests.corpus import corpus_path
from fundguard.payments import hooks
from fundguard.payments.models import OrderStatus, PaymentOrder, StatusReport
from fundguard.payments.sandbox import (
    pain002_render,
    sandbox_answer,
    sandbox_bank_answer_order,
    sandbox_bank_process_due,
)
from fundguard.payments.tasks import sandbox_bank_answer

pytestmark = pytest.mark.django_db

PAIN002_XSD = "pain/moov-iso20022/docs/specifications/payments_initiation_11/pain.002.001.11.xsd"


def test_the_sandbox_bank_settles_or_rejects_every_order(
    company_account, queue, django_capture_on_commit_callbacks, monkeypatch
):
    heard: list[tuple[str, str]] = []
    monkeypatch.setattr(hooks, "_LISTENERS", [])
    hooks.register_status_listener(
        lambda *, order, outcome, reason, actor: heard.append((order.creditor_name, outcome))
    )
    company = company_account("sandbox")
    with django_capture_on_commit_callbacks(execute=True):
        good = queue(company, creditor_name="王五")
        bad_account = queue(company, creditor_account_number="6222021001120000")
        bad_name = queue(company, creditor_name="REJECT ME Ltd")
    assert good.status == OrderStatus.sent
    assert DBTaskResult.objects.filter(task_path__endswith="sandbox_bank_answer").count() == 3

    changed = sandbox_bank_process_due()

    for order in (good, bad_account, bad_name):
        order.refresh_from_db()
    assert changed == 4  # accepted, then settled; two rejected
    assert good.status == OrderStatus.settled
    assert bad_account.status == OrderStatus.rejected
    assert "AC01 incorrect account number" in bad_account.status_reason
    assert bad_name.status == OrderStatus.rejected
    assert "BE06" in bad_name.status_reason
    assert ("王五", "accepted") in heard
    assert ("王五", "settled") in heard
    assert StatusReport.objects.count() == 2
    assert sandbox_bank_process_due() == 0


def test_the_task_answers_one_order_then_again_after_the_delay(
    company_account, queue, django_capture_on_commit_callbacks
):
    company = company_account("sandbox")
    order = queue(company)

    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_bank_answer.call(order.pk) == OrderStatus.accepted
    assert DBTaskResult.objects.filter(task_path__endswith="sandbox_bank_answer").count() == 1
    assert sandbox_bank_answer_order(order.pk) == OrderStatus.settled
    assert sandbox_bank_answer_order(order.pk) == "answered"


def test_the_sandbox_report_is_a_valid_pain002(company_account, queue):
    order = queue(company_account("sandbox"), creditor_account_number="6222021001120000")
    schema = xmlschema.XMLSchema(str(corpus_path(PAIN002_XSD)))

    xml_bytes = pain002_render(
        [sandbox_answer(order)],
        original_message_id="SANDBOX",
        created_at=PaymentOrder.objects.get(pk=order.pk).created_at,
    )

    schema.validate(xml_bytes.decode("utf-8"))
