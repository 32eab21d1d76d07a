"""The outbox: rows written in the caller's transaction, delivery queued only after it commits."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from fundguard.core.errors import DomainError
from fundguard.notifications.models import Channel, Notification, NotificationStatus
from fundguard.notifications.services import (
    notifications_deliver_due,
    notify,
    webhook_endpoint_create,
)
from fundguard.notifications.tests.conftest import PAYLOAD, make_customer

CUSTOMER_STATUSES = [
    "submitted",
    "approved",
    "rejected",
    "completed",
    "failed",
    "returned",
    "cancelled",
]


class _Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_notification_and_sends_nothing(receiver, mailoutbox):
    server = receiver(200)
    customer = make_customer()
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)

    written: list[Notification] = []

    def change_that_fails() -> None:
        with transaction.atomic():
            written.extend(
                notify(event="transfer.submitted", payload=PAYLOAD, customer_id=customer.pk)
            )
            raise _Boom

    with pytest.raises(_Boom):
        change_that_fails()

    assert len(written) == 2  # an e-mail and a webhook were written inside the transaction

    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert notifications_deliver_due() == 0
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert server.requests == []
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_queues_one_delivery_task_per_notification():
    customer = make_customer()
    webhook_endpoint_create(actor=None, customer_id=customer.pk, url="https://hooks.example/a")

    with transaction.atomic():
        written = notify(event="transfer.approved", payload=PAYLOAD, customer_id=customer.pk)
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit

    tasks = DBTaskResult.objects.order_by("enqueued_at")
    task_path = "fundguard.notifications.tasks.notification_deliver"
    assert [t.task_path for t in tasks] == [task_path, task_path]
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(n.pk for n in written)


@pytest.mark.django_db(transaction=True)
def test_the_customers_webhook_receives_each_status_through_the_worker(receiver, mailoutbox):
    server = receiver(200)
    customer = make_customer()
    created = webhook_endpoint_create(actor=None, customer_id=customer.pk, url=server.url)

    for status in CUSTOMER_STATUSES:
        with transaction.atomic():
            notify(
                event=f"transfer.{status}",
                payload={**PAYLOAD, "status": status},
                customer_id=customer.pk,
            )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    received = [r.document for r in server.requests]
    assert sorted(d["data"]["status"] for d in received) == sorted(CUSTOMER_STATUSES)
    assert {d["event"] for d in received} == {f"transfer.{s}" for s in CUSTOMER_STATUSES}
    assert all(r.signature_valid(created.secret) for r in server.requests)
    assert len(mailoutbox) == len(CUSTOMER_STATUSES)
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.sent}


@pytest.mark.django_db
def test_notify_refuses_to_run_outside_a_transaction(customer, monkeypatch):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)

    with pytest.raises(RuntimeError, match="inside the transaction"):
        notify(event="transfer.submitted", payload=PAYLOAD, customer_id=customer.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event", "payload", "message"),
    [
        ("transfer.exploded", PAYLOAD, "unknown notification event"),
        ("approval.waiting", PAYLOAD, "staff event"),
        ("transfer.submitted", {**PAYLOAD, "amount": 12500.0}, "floats never carry money"),
        ("transfer.submitted", {"lines": [{"amount": 1.5}]}, "floats never carry money"),
        ("transfer.submitted", {**PAYLOAD, "email": "a@b.cn"}, "personal data"),
        ("transfer.submitted", {"beneficiary": {"account_number": "1"}}, "personal data"),
        ("transfer.submitted", {"memo": "x" * 9000}, "bytes"),
        ("transfer.submitted", {"a": {"b": {"c": {"d": {"e": {}}}}}}, "nested"),
        ("transfer.submitted", {"when": object()}, "not plain JSON"),
    ],
)
def test_notify_refuses_a_callers_mistake_and_writes_nothing(customer, event, payload, message):
    with pytest.raises(ValueError, match=message):
        notify(event=event, payload=payload, customer_id=customer.pk)

    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_customer_is_refused(customer):
    with pytest.raises(DomainError) as refused:
        notify(event="transfer.submitted", payload=PAYLOAD, customer_id=customer.pk + 1000)

    assert refused.value.code == "customer_not_found"


@pytest.mark.django_db
def test_a_customer_without_address_or_endpoint_gets_no_notification():
    customer = make_customer(email="")

    assert notify(event="transfer.submitted", payload=PAYLOAD, customer_id=customer.pk) == []


@pytest.mark.django_db
def test_staff_get_one_email_each_if_active_and_with_an_address(make_user):
    with_address, without, disabled = (make_user("approver_l1") for _ in range(3))
    with_address.email = "l1@fundguard.example"
    with_address.save()
    disabled.email, disabled.is_active = "off@fundguard.example", False
    disabled.save()

    rows = notify(
        event="approval.waiting",
        payload=PAYLOAD,
        staff_user_ids=[with_address.pk, without.pk, disabled.pk, with_address.pk],
    )

    assert [(n.channel, n.staff_user_id, n.customer_id) for n in rows] == [
        (Channel.email, with_address.pk, None)
    ]
    assert rows[0].status == NotificationStatus.pending
    assert rows[0].payload == PAYLOAD
