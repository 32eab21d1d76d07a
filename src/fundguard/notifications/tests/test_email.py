"""E-mail through Django's backend: in the customer's language, decrypted only when sent."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from fundguard.customers.services import customer_erase
from fundguard.notifications.models import AttemptOutcome, NotificationStatus
from fundguard.notifications.services import notification_deliver, notify
from fundguard.notifications.tests.conftest import PAYLOAD, make_customer

pytestmark = pytest.mark.django_db


def _deliver(**notify_args: Any) -> list:
    rows = notify(event="transfer.rejected", payload={**PAYLOAD, "reason": "limit"}, **notify_args)
    for row in rows:
        notification_deliver(notification_id=row.pk)
        row.refresh_from_db()
    return rows


def test_a_customer_in_china_gets_the_email_in_simplified_chinese(mailoutbox):
    customer = make_customer(country="CN")

    (row,) = _deliver(customer_id=customer.pk)

    (message,) = mailoutbox
    assert message.to == ["li.si@example.cn"]
    assert message.extra_headers["Content-Language"] == "zh-hans"
    assert message.subject.startswith("[FundGuard 资金管控]")
    assert "TR-2025-000041" in message.subject
    assert "金额: 12500.00 CNY" in message.body
    assert "原因: limit" in message.body
    assert row.status == NotificationStatus.sent
    assert row.delivery_attempts.get().outcome == AttemptOutcome.delivered


def test_a_customer_elsewhere_gets_it_in_english(mailoutbox):
    customer = make_customer(country="GB", id_type="passport", id_number="E11223344")

    _deliver(customer_id=customer.pk)

    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject == "[FundGuard] Your transfer was rejected TR-2025-000041"
    assert "Amount: 12500.00 CNY" in message.body
    assert "Status: submitted" in message.body
    assert "&" not in message.body  # plain text: nothing HTML-escaped


def test_staff_get_it_in_the_sites_language(make_user, mailoutbox, settings):
    approver = make_user("approver_l2")
    approver.email = "l2@fundguard.example"
    approver.save()

    (row,) = _deliver(staff_user_ids=[approver.pk])

    assert row.language == settings.LANGUAGE_CODE == "zh-hans"
    assert mailoutbox[0].to == ["l2@fundguard.example"]
    assert "金额" in mailoutbox[0].body


def test_an_erased_customer_gets_no_email_and_that_is_recorded(mailoutbox):
    customer = make_customer()
    rows = notify(event="transfer.completed", payload=PAYLOAD, customer_id=customer.pk)
    customer_erase(actor=None, customer_id=customer.pk, reason="data subject request")

    notification_deliver(notification_id=rows[0].pk)

    assert mailoutbox == []
    rows[0].refresh_from_db()
    assert rows[0].status == NotificationStatus.dead
    attempt = rows[0].delivery_attempts.get()
    assert attempt.outcome == AttemptOutcome.undeliverable
    assert "personal_data_erased" in attempt.detail


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPDataError(554, b"5.7.1 rejected: li.si@example.cn is on a blocklist")


def test_a_refused_email_is_retried_and_the_log_keeps_no_address(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    customer = make_customer()

    (row,) = _deliver(customer_id=customer.pk)

    assert row.status == NotificationStatus.failed
    attempt = row.delivery_attempts.get()
    assert attempt.outcome == AttemptOutcome.refused
    assert attempt.detail.startswith("SMTP 554")
    assert "li.si@example.cn" not in attempt.detail
    assert "****e.cn" in attempt.detail
