"""Console pages: the same validation as the API, masked everywhere, reveal audited."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.audit.models import AuditRecord
from fundguard.customers.models import BankAccount, Customer, CustomerFundsAccount
from fundguard.customers.services import bank_account_add, funds_account_open, kyc_review_record
from fundguard.customers.tests.conftest import card_number, resident_id, row_counts

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nscan"


def _sign_in(client, user):
    """Signed in (one-time code verified where the role needs one), pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


@pytest.fixture
def operator_client(client, operator):
    _sign_in(client, operator)
    return client


def _form(**overrides):
    data = {
        "kind": "person",
        "name": "张三",
        "name_latin": "ZHANG San",
        "id_type": "cn_resident_id",
        "id_number": resident_id("19900307", "110105", "123"),
        "gender": "male",
        "country": "CN",
        "phone": "13800138000",
        "email": "zhang.san@example.cn",
        "address": "北京市朝阳区建国路1号",
        "expected_monthly_volume": "200000.00",
        "expected_volume_currency": "CNY",
        "purposes": "salary; rent",
    }
    data.update(overrides)
    return data


def test_operator_registers_a_customer_and_sees_it_masked(operator_client):
    data = _form()
    response = operator_client.post("/customers/new/", data)
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert customer.expected_monthly_volume_minor == 20_000_000
    assert customer.purposes == ["salary", "rent"]
    page = operator_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "张三" in page
    assert "****" + data["id_number"][-4:] in page
    for secret in (data["id_number"], data["phone"], data["email"], data["address"]):
        assert secret not in page
    assert "customer.created" in page  # its audit records


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"id_number": "110105199003071230"}, "id_number", "checksum"),
        ({"id_number": "11010519900307123"}, "id_number", "length"),
        ({"id_type": "cn_uscc"}, "id_type", "cannot be identified"),
        ({"country": "XX"}, "country", "ISO 3166"),
        ({"phone": "12"}, "phone", "phone"),
        ({"name": ""}, "name", "not valid"),
        ({"expected_monthly_volume": "1.234"}, "expected_monthly_volume", ""),
    ],
)
def test_a_refused_form_names_the_field_and_writes_nothing(
    operator_client, overrides, field, words
):
    before = row_counts()
    response = operator_client.post("/customers/new/", _form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert row_counts() == before


def test_an_organization_with_its_legal_representative(operator_client):
    from fundguard.customers.tests.conftest import uscc_number

    rep = resident_id("19700101", "110105", "111")
    data = _form(
        kind="organization",
        name="北京某某科技有限公司",
        id_type="cn_uscc",
        id_number=uscc_number(),
        gender="",
        legal_representative_name="王五",
        legal_representative_id_type="cn_resident_id",
        legal_representative_id_number=rep,
    )
    response = operator_client.post("/customers/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    customer = Customer.objects.get()
    assert customer.legal_representative_id_last4 == rep[-4:]
    page = operator_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "****" + rep[-4:] in page
    assert rep not in page


def test_the_list_page_runs_a_fixed_number_of_queries(operator_client, new_customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    new_customer()
    with CaptureQueriesContext(connection) as one:
        operator_client.get("/customers/")
    for _ in range(4):
        new_customer()
    with CaptureQueriesContext(connection) as five:
        operator_client.get("/customers/")
    assert len(five) == len(one)


def test_the_list_filters_and_finds_a_customer_by_id_number(operator_client, new_customer):
    number = resident_id("19850101", "310101", "222")
    zhang = new_customer(id_number=number)
    li = new_customer(name="李四", name_latin="LI Si", is_pep=True)
    # htmx posts the search, so the number stays out of URLs and access logs
    response = operator_client.post(
        "/customers/", {"search": number}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert f"/customers/{zhang.pk}/" in page
    assert f"/customers/{li.pk}/" not in page
    assert number not in page
    assert "****" + number[-4:] in page
    plain = operator_client.post("/customers/", {"search": number}).content.decode()
    assert f"/customers/{zhang.pk}/" in plain
    assert number not in plain  # never echoed into the search box or the export links
    high = operator_client.get("/customers/", {"risk_level": "high"})
    assert [c.pk for c, _v in high.context["rows"]] == [li.pk]
    partial = operator_client.get("/customers/", {"search": "李"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert [c.pk for c, _v in partial.context["rows"]] == [li.pk]
    due = operator_client.get("/customers/", {"review_due": "on"})
    assert list(due.context["rows"]) == []


def test_the_360_page_shows_funds_bank_accounts_and_history(
    operator_client, operator, new_customer
):
    customer = new_customer()
    card = card_number()
    bank_account_add(
        actor=operator,
        customer_id=customer.pk,
        bank_name="中国工商银行",
        account_number=card,
        currency="CNY",
    )
    link = funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    page = operator_client.get(f"/customers/{customer.pk}/").content.decode()
    assert link.account.code in page
    assert "0.00" in page
    assert "中国工商银行" in page
    assert "****" + card[-4:] in page
    assert card not in page
    assert "customer.funds_account_opened" in page


def test_forms_add_bank_account_beneficiary_document_and_funds_account(
    operator_client, new_customer
):
    customer = new_customer()
    base = f"/customers/{customer.pk}"
    bad = operator_client.post(
        f"{base}/bank-accounts/new/",
        {"bank_name": "ICBC", "account_number": "6222020000000000001", "currency": "CNY"},
    )
    assert "account_number" in bad.context["form"].errors
    assert not BankAccount.objects.exists()
    card = card_number()
    ok = operator_client.post(
        f"{base}/bank-accounts/new/",
        {"bank_name": "ICBC", "account_number": card, "currency": "CNY"},
    )
    assert ok.status_code == 302
    assert BankAccount.objects.get().number_last4 == card[-4:]
    ok = operator_client.post(
        f"{base}/beneficiaries/new/",
        {
            "name": "王五",
            "bank_name": "Deutsche Bank",
            "account_number": "DE89 3704 0044 0532 0130 00",
            "currency": "EUR",
        },
    )
    assert ok.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00", content_type="application/pdf")
    bad = operator_client.post(f"{base}/documents/new/", {"kind": "id_scan", "file": exe})
    assert "file" in bad.context["form"].errors
    pdf = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    ok = operator_client.post(
        f"{base}/documents/new/",
        {"kind": "id_scan", "file": pdf, "expires_on": "2030-01-01"},
    )
    assert ok.status_code == 302
    assert customer.documents.get().size_bytes == len(PDF)
    ok = operator_client.post(f"{base}/funds-accounts/new/", {"currency": "cny"})
    assert ok.status_code == 302
    again = operator_client.post(f"{base}/funds-accounts/new/", {"currency": "CNY"})
    assert "currency" in again.context["form"].errors
    assert CustomerFundsAccount.objects.filter(customer=customer).count() == 1


def test_a_risk_officer_records_a_review_and_reveals_a_number_audited(
    client, risk_officer, new_customer
):
    number = resident_id("19900307", "110105", "345")
    customer = new_customer(id_number=number)
    _sign_in(client, risk_officer)
    ok = client.post(
        f"/customers/{customer.pk}/kyc-reviews/new/", {"outcome": "verified", "findings": "ok"}
    )
    assert ok.status_code == 302
    customer.refresh_from_db()
    assert customer.kyc_status == "verified"
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert number not in page
    assert 'name="field" value="id_number"' in page
    response = client.post(
        f"/customers/{customer.pk}/reveal/", {"field": "id_number"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert number in response.content.decode()
    record = AuditRecord.objects.filter(action="customer.field_revealed").get()
    assert record.actor_username == risk_officer.username
    assert number not in str(record.changes)


def test_an_operator_sees_no_reveal_button_and_is_refused(operator_client, new_customer):
    customer = new_customer()
    page = operator_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "/reveal/" not in page
    response = operator_client.post(f"/customers/{customer.pk}/reveal/", {"field": "phone"})
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action="customer.field_revealed").exists()
    assert operator_client.get(f"/customers/{customer.pk}/kyc-reviews/new/").status_code == 403


def test_an_administrator_cannot_open_customers(client, make_user):
    _sign_in(client, make_user("admin"))
    assert client.get("/customers/").status_code == 403


def test_follow_up_lists_expiring_documents_and_overdue_reviews(
    operator_client, operator, risk_officer, new_customer
):
    from datetime import date, timedelta

    from django.utils import timezone

    from fundguard.customers.services import document_upload

    customer = new_customer()
    document_upload(
        actor=operator,
        customer_id=customer.pk,
        kind="id_scan",
        filename="id.pdf",
        content_type="application/pdf",
        content=PDF,
        expires_on=timezone.localdate() + timedelta(days=5),
    )
    late = new_customer(name="赵六")
    kyc_review_record(
        actor=risk_officer, customer_id=late.pk, outcome="verified", reviewed_on=date(2020, 1, 1)
    )
    page = operator_client.get("/customers/follow-up/")
    assert [d.customer_id for d, _n in page.context["expiring"]] == [customer.pk]
    assert [c.pk for c in page.context["overdue"]] == [late.pk]
    dashboard = operator_client.get("/").content.decode()
    assert re.search(
        r"Customer documents expiring</span><strong class=\"figure-value\">1<", dashboard
    )
    assert re.search(r"KYC reviews overdue</span><strong class=\"figure-value\">1<", dashboard)
