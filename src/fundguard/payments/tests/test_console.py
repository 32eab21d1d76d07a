"""Console pages: build, release (by someone else), download, import a status report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.payments.models import FileStatus, OrderStatus, PaymentFile
from fundguard.payments.sandbox import pain002_render, sandbox_answer

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    """Signed in (one-time code verified where the role needs one), pages in English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def test_build_release_download_and_import_through_the_console(
    company_account, queue, operator, releaser
):
    company = company_account("pain001_09")
    order = queue(company, creditor_name="杭州西湖茶业有限公司")
    maker, checker = _signed_in(operator), _signed_in(releaser)

    accounts = maker.get("/payments/accounts/")
    assert "Build payment file" in accounts.content.decode()
    built = maker.post(f"/payments/accounts/{company.pk}/build/", follow=True)
    payment_file = PaymentFile.objects.get()
    assert "杭州西湖茶业有限公司" in built.content.decode()
    assert "Release to the bank" not in built.content.decode()
    assert maker.get(f"/payments/files/{payment_file.pk}/download/").status_code == 404

    page = checker.get(f"/payments/files/{payment_file.pk}/")
    assert "Release to the bank" in page.content.decode()
    checker.post(f"/payments/files/{payment_file.pk}/release/")
    payment_file.refresh_from_db()
    assert payment_file.status == FileStatus.released
    download = maker.get(f"/payments/files/{payment_file.pk}/download/")
    assert download.content == bytes(payment_file.content)

    order.refresh_from_db()
    xml_bytes = pain002_render(
        [sandbox_answer(order)],
        original_message_id=payment_file.message_id,
        created_at=order.created_at,
    )
    imported = maker.post(
        "/payments/status-reports/",
        {"file": SimpleUploadedFile("pain002.xml", xml_bytes, "application/xml")},
        follow=True,
    )
    assert "1 accepted" in imported.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.accepted
    assert "Payment files" in maker.get("/payments/files/").content.decode()


def test_an_auditor_reads_but_cannot_release_or_build(make_user, company_account, queue, operator):
    company = company_account("pain001_09")
    queue(company)
    auditor = _signed_in(make_user("auditor"))

    assert auditor.get("/payments/files/").status_code == 200
    assert auditor.get("/payments/status-reports/").status_code == 200
    assert auditor.post(f"/payments/accounts/{company.pk}/build/").status_code == 403
    assert not PaymentFile.objects.exists()
