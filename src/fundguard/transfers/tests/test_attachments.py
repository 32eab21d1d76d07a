"""Supporting documents of a transfer: sealed, counted on the voucher, every read audited."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.customers.services.keys import data_keys_rekey
from fundguard.transfers.models import Transfer, TransferAttachment
from fundguard.transfers.services import (
    NewBeneficiary,
    transfer_approve,
    transfer_attachment_add,
    transfer_attachment_open,
    transfer_create,
)
from fundguard.transfers.tests.conftest import World, payee

pytestmark = pytest.mark.django_db

INVOICE = "%PDF-1.4 invoice INV-2026-0042 for 李四".encode()


def requested(world: World) -> Transfer:
    return transfer_create(
        actor=world.operator,
        source_account_id=world.account.pk,
        amount_minor=250_000,
        currency="CNY",
        purpose="货款",
        new_beneficiary=NewBeneficiary(**payee()),
    )


def test_an_invoice_is_sealed_counted_on_the_voucher_and_its_reads_audited(world: World) -> None:
    t = requested(world)
    attachment = transfer_attachment_add(
        actor=world.operator,
        transfer_id=t.pk,
        filename="发票 INV-0042.pdf",
        content_type="application/pdf",
        content=INVOICE,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename_sealed, content_sealed FROM transfers_transferattachment")
        stored = " ".join(cursor.fetchone())
    assert "INV" not in stored
    assert "发票" not in stored
    _, name, content = transfer_attachment_open(actor=world.l1, attachment_id=attachment.pk)
    assert (name, content) == ("发票 INV-0042.pdf", INVOICE)
    assert AuditRecord.objects.filter(action="transfer.attachment_read").count() == 1
    transfer_approve(actor=world.l1, transfer_id=t.pk)
    assert Transfer.objects.get(pk=t.pk).voucher.attachment_count == 1
    with pytest.raises(DomainError) as late:
        transfer_attachment_add(
            actor=world.operator,
            transfer_id=t.pk,
            filename="late.pdf",
            content_type="application/pdf",
            content=INVOICE,
        )
    assert late.value.code == "transition_not_allowed"


def test_only_the_maker_attaches_and_only_real_documents(world: World) -> None:
    t = requested(world)
    other = world.make_user("operator")
    with pytest.raises(DomainError) as not_maker:
        transfer_attachment_add(
            actor=other,
            transfer_id=t.pk,
            filename="a.pdf",
            content_type="application/pdf",
            content=INVOICE,
        )
    assert not_maker.value.code == "not_transfer_maker"
    with pytest.raises(DomainError) as renamed:
        transfer_attachment_add(
            actor=world.operator,
            transfer_id=t.pk,
            filename="a.pdf",
            content_type="application/pdf",
            content=b"MZ\x90\x00 an executable",
        )
    assert renamed.value.field == "content"
    assert TransferAttachment.objects.count() == 0


def test_a_data_key_rotation_keeps_attachments_readable(world: World) -> None:
    t = requested(world)
    attachment = transfer_attachment_add(
        actor=world.operator,
        transfer_id=t.pk,
        filename="c.pdf",
        content_type="application/pdf",
        content=INVOICE,
    )
    data_keys_rekey()
    assert transfer_attachment_open(actor=world.l1, attachment_id=attachment.pk)[2] == INVOICE


def test_attach_and_download_through_the_api(client: Client, world: World, bearer: Any) -> None:
    t = requested(world)
    r = client.post(
        f"/api/v1/transfers/{t.pk}/attachments",
        data=json.dumps(
            {
                "filename": "合同.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(INVOICE).decode(),
            }
        ),
        content_type="application/json",
        headers=bearer(world.operator),
    )
    assert r.status_code == 201, r.content
    shown = client.get(f"/api/v1/transfers/{t.pk}", headers=bearer(world.auditor)).json()
    assert [a["sha256"] for a in shown["attachments"]] == [r.json()["sha256"]]
    download = client.get(
        f"/api/v1/transfers/attachments/{r.json()['id']}", headers=bearer(world.l1)
    )
    assert download.content == INVOICE
    assert download["Content-Disposition"].isascii()


def test_the_maker_attaches_in_the_console_and_an_approver_downloads(
    client: Client, world: World
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fundguard.transfers.tests.test_console import sign_in

    t = requested(world)
    sign_in(client, world.operator)
    page = client.get(f"/transfers/{t.pk}/").content.decode()
    assert f"/transfers/{t.pk}/attach/" in page
    bad = client.post(
        f"/transfers/{t.pk}/attach/",
        {"file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")},
    )
    assert bad.status_code == 200
    assert TransferAttachment.objects.count() == 0
    done = client.post(
        f"/transfers/{t.pk}/attach/",
        {"file": SimpleUploadedFile("发票.pdf", INVOICE, content_type="application/pdf")},
    )
    assert done.status_code == 302
    attachment = TransferAttachment.objects.get()
    client.logout()
    sign_in(client, world.l1)
    page = client.get(f"/transfers/{t.pk}/").content.decode()
    assert f"/transfers/attachments/{attachment.pk}/" in page
    assert f"/transfers/{t.pk}/attach/" not in page
    download = client.get(f"/transfers/attachments/{attachment.pk}/")
    assert download.content == INVOICE
