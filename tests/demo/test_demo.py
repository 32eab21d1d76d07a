"""`fundguard demo`: loads once, and its story works end to end - each tier approved with codes,
the sandbox bank completes them, vouchers print, the customer's webhook receives each status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from fundguard.core.otp import current_code
from fundguard.notifications.services import notifications_deliver_due
from fundguard.payments.sandbox import sandbox_bank_process_due
from fundguard.transfers.models import Transfer
from fundguard.transfers.services import transfers_approve_many, voucher_print

pytestmark = pytest.mark.django_db(transaction=True)

APPROVERS = {"l1": "approver1", "l2": "approver2", "l3": "approver3"}


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_the_demo_loads_once(var_dir: Path) -> None:
    call_command("demo", no_serve=True, port=8123, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = list(Transfer.objects.values_list("reference", "status", "required_levels"))
    call_command("demo", no_serve=True, port=8123, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Transfer.objects.values_list("reference", "status", "required_levels")) == first
    assert sorted(levels for _, _, levels in first) == [
        ["l1"],
        ["l1"],
        ["l1", "l2"],
        ["l1", "l2", "l3"],
    ]
    assert {status for _, status, _ in first} == {"pending_approval"}


def test_the_demo_story(var_dir: Path, live_server: Any) -> None:
    port = int(live_server.url.rsplit(":", 1)[1])
    call_command("demo", no_serve=True, port=port, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for level, username in APPROVERS.items():  # each approver clears their inbox at once
        approver = User.objects.get(username=username)
        waiting = [t.pk for t in Transfer.objects.order_by("id") if level in t.required_levels]
        outcomes = transfers_approve_many(
            actor=approver, transfer_ids=waiting, otp=current_code(approver)
        )
        assert [o.code for o in outcomes] == [""] * len(waiting)
    sandbox_bank_process_due()
    assert set(Transfer.objects.values_list("status", flat=True)) == {"completed"}
    auditor = User.objects.get(username="auditor")
    for transfer in Transfer.objects.all():
        _, pdf, is_copy = voucher_print(actor=auditor, voucher_id=transfer.voucher.pk)
        assert pdf.startswith(b"%PDF")
        assert not is_copy
    notifications_deliver_due()
    received = [
        json.loads(line)
        for line in (var_dir / "demo-webhooks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["event"] for r in received] == [
        "transfer.submitted",
        "transfer.approved",
        "transfer.completed",
    ]
    assert {r["data"]["reference"] for r in received} == {
        Transfer.objects.get(customer__name="张伟").reference
    }
