"""Console forms for the rest of a customer file: beneficial owners, class, credit profile,
manual risk override (four eyes) and erasure, through the same services as the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fundguard.audit.models import AuditRecord
from fundguard.customers.models import BeneficialOwner, CreditProfile, Customer, RiskRating
from fundguard.customers.services import beneficial_owner_add
from fundguard.customers.tests.conftest import resident_id, uscc_number

pytestmark = pytest.mark.django_db


def _signed_in(user, client=None):
    """A client signed in (one-time code verified where the role needs one), in English."""
    client = client or Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def organization(new_customer):
    return new_customer(
        kind="organization",
        name="北京示例科技有限公司",
        name_latin="Beijing Example Tech",
        id_type="cn_uscc",
        id_number=uscc_number(),
    )


def _page(client, customer):
    return client.get(f"/customers/{customer.pk}/").content.decode()


def test_an_operator_adds_a_beneficial_owner_with_a_share_and_sees_it(operator, organization):
    client = _signed_in(operator)
    number = resident_id("19800101", "110105", "111")
    response = client.post(
        f"/customers/{organization.pk}/beneficial-owners/new/",
        {
            "name": "李四",
            "share": "25.5",
            "nationality": "CN",
            "id_type": "cn_resident_id",
            "id_number": number,
        },
    )
    assert response.status_code == 302
    owner = BeneficialOwner.objects.get(customer=organization)
    assert owner.share_bp == 2550
    page = _page(client, organization)
    assert "李四" in page
    assert "25.50" in page
    assert "****" + number[-4:] in page
    assert number not in page
    assert AuditRecord.objects.filter(action="customer.beneficial_owner_added").exists()


@pytest.mark.parametrize("share", ["60", "abc", "0", "12.345"])
def test_shares_over_100_percent_in_total_or_malformed_are_refused_naming_the_field(
    operator, organization, share
):
    beneficial_owner_add(actor=operator, customer_id=organization.pk, name="王五", share_bp=5000)
    client = _signed_in(operator)
    audits = AuditRecord.objects.count()
    response = client.post(
        f"/customers/{organization.pk}/beneficial-owners/new/",
        {"name": "李四", "share": share},
    )
    assert response.status_code == 200
    field_errors = response.context["form"].errors
    assert list(field_errors) == ["share"]
    assert BeneficialOwner.objects.filter(customer=organization).count() == 1
    assert AuditRecord.objects.count() == audits


def test_a_person_has_no_beneficial_owners(operator, new_customer):
    customer = new_customer()
    client = _signed_in(operator)
    response = client.post(
        f"/customers/{customer.pk}/beneficial-owners/new/", {"name": "李四", "share": "10"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not BeneficialOwner.objects.exists()


def test_a_risk_officer_sets_the_class_and_category_and_sees_them(risk_officer, new_customer):
    customer = new_customer()
    client = _signed_in(risk_officer)
    response = client.post(
        f"/customers/{customer.pk}/class/", {"value_class": "A", "category": "high_risk"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.value_class, customer.category) == ("A", "high_risk")
    page = _page(client, customer)
    assert "Class A" in page
    assert "High risk (高风险)" in page
    assert AuditRecord.objects.filter(action="customer.classified").exists()
    # The form shows the current values.
    form = client.get(f"/customers/{customer.pk}/class/").context["form"]
    assert form.initial == {"value_class": "A", "category": "high_risk"}


def test_a_risk_officer_enters_the_credit_profile_and_sees_it(risk_officer, new_customer):
    customer = new_customer()
    client = _signed_in(risk_officer)
    response = client.post(
        f"/customers/{customer.pk}/credit-profile/",
        {
            "score": "720",
            "grade": "AA",
            "limit": "500000.00",
            "limit_currency": "CNY",
            "overdue_count": "2",
            "overdue_amount": "1234.50",
            "external_report_reference": "PBOC-2026-0042",
        },
    )
    assert response.status_code == 302
    profile = CreditProfile.objects.get(customer=customer)
    assert (profile.score, profile.grade, profile.limit_minor) == (720, "AA", 50_000_000)
    assert (profile.overdue_count, profile.overdue_amount_minor) == (2, 123_450)
    page = _page(client, customer)
    for shown in ("720", "AA", "500000.00", "1234.50", "PBOC-2026-0042"):
        assert shown in page
    assert AuditRecord.objects.filter(action="customer.credit_profile_set").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("score", "1001"), ("score", "x"), ("limit", "1.234"), ("overdue_count", "-1")],
)
def test_a_bad_credit_profile_is_refused_naming_the_field_and_saves_nothing(
    risk_officer, new_customer, field, value
):
    customer = new_customer()
    client = _signed_in(risk_officer)
    data = {"score": "700", "limit": "100", "limit_currency": "CNY", field: value}
    response = client.post(f"/customers/{customer.pk}/credit-profile/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not CreditProfile.objects.exists()


def test_a_risk_override_stays_pending_until_a_second_risk_officer_approves(
    make_user, new_customer
):
    customer = new_customer()
    first, second = make_user("risk_officer"), make_user("risk_officer")
    proposer, approver = _signed_in(first), _signed_in(second)
    before = customer.risk_level
    target = "high" if before != "high" else "low"

    refused = proposer.post(f"/customers/{customer.pk}/risk-overrides/new/", {"level": target})
    assert list(refused.context["form"].errors) == ["reason"]

    response = proposer.post(
        f"/customers/{customer.pk}/risk-overrides/new/",
        {"level": target, "reason": "Adverse media"},
    )
    assert response.status_code == 302
    rating = RiskRating.objects.filter(customer=customer).latest("pk")
    assert rating.override_status == "pending"
    customer.refresh_from_db()
    assert customer.risk_level == before

    listing = approver.get("/customers/risk-overrides/").content.decode()
    assert "Adverse media" in listing
    assert f"/customers/risk-ratings/{rating.pk}/approve/" in listing
    assert f"/customers/risk-ratings/{rating.pk}/approve/" in _page(approver, customer)

    response = approver.post(f"/customers/risk-ratings/{rating.pk}/approve/")
    assert response.status_code == 302
    rating.refresh_from_db()
    customer.refresh_from_db()
    assert rating.override_status == "approved"
    assert rating.approved_by == second
    assert customer.risk_level == target
    assert "Adverse media" not in approver.get("/customers/risk-overrides/").content.decode()


def test_the_proposer_cannot_approve_their_own_risk_override(risk_officer, new_customer):
    customer = new_customer()
    client = _signed_in(risk_officer)
    client.post(
        f"/customers/{customer.pk}/risk-overrides/new/", {"level": "high", "reason": "Tip-off"}
    )
    rating = RiskRating.objects.filter(customer=customer).latest("pk")
    listing = client.get("/customers/risk-overrides/").content.decode()
    assert f"/customers/risk-ratings/{rating.pk}/approve/" not in listing
    response = client.post(f"/customers/risk-ratings/{rating.pk}/approve/", follow=True)
    assert "must be approved by a second person" in response.content.decode()
    rating.refresh_from_db()
    assert rating.override_status == "pending"
    assert not AuditRecord.objects.filter(action="customer.risk_override_approved").exists()


def test_erasure_by_a_risk_officer_makes_personal_fields_unreadable_on_the_page(
    risk_officer, new_customer
):
    number = resident_id("19850505", "110105", "321")
    customer = new_customer(id_number=number)
    client = _signed_in(risk_officer)

    unconfirmed = client.post(f"/customers/{customer.pk}/erase/", {"reason": "PIPL request"})
    assert unconfirmed.status_code == 200
    assert list(unconfirmed.context["form"].errors) == ["confirm"]
    no_reason = client.post(f"/customers/{customer.pk}/erase/", {"confirm": "on"})
    assert list(no_reason.context["form"].errors) == ["reason"]
    customer.refresh_from_db()
    assert customer.erased_at is None

    response = client.post(
        f"/customers/{customer.pk}/erase/", {"reason": "PIPL request", "confirm": "on"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.erased_at is not None
    page = _page(client, customer)
    assert "personal data has been erased" in page
    # Audit records stay as they were (masked); every other part of the page has nothing left.
    profile = page.split('id="audit-h"')[0]
    for gone in ("张三", "ZHANG San", number[-4:], "8000", "e.cn"):
        assert gone not in profile
    assert f"/customers/{customer.pk}/erase/" not in page
    assert "/reveal/" not in page  # nothing left to reveal
    assert AuditRecord.objects.filter(action="customer.erased").exists()


@pytest.mark.parametrize(
    ("role", "path", "permission"),
    [
        ("operator", "/customers/{id}/class/", "customers.rate_risk"),
        ("operator", "/customers/{id}/credit-profile/", "customers.rate_risk"),
        ("operator", "/customers/{id}/risk-overrides/new/", "customers.rate_risk"),
        ("operator", "/customers/risk-overrides/", "customers.approve_risk_override"),
        ("operator", "/customers/{id}/erase/", "customers.erase_personal_data"),
        ("auditor", "/customers/{id}/beneficial-owners/new/", "customers.manage_customers"),
    ],
)
def test_roles_without_the_permission_get_403_and_are_audited(
    make_user, new_customer, role, path, permission
):
    customer = new_customer()
    client = _signed_in(make_user(role))
    url = path.format(id=customer.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on", "level": "high"}).status_code == 403
    denied = AuditRecord.objects.filter(action="auth.permission_denied", object_id=permission)
    assert denied.count() == 2
    customer.refresh_from_db()
    assert customer.erased_at is None
    assert not RiskRating.objects.filter(override_status="pending").exists()


def test_an_operator_cannot_approve_a_risk_override(operator, risk_officer, new_customer):
    customer = new_customer()
    _signed_in(risk_officer).post(
        f"/customers/{customer.pk}/risk-overrides/new/", {"level": "high", "reason": "Tip-off"}
    )
    rating = RiskRating.objects.filter(customer=customer).latest("pk")
    response = _signed_in(operator).post(f"/customers/risk-ratings/{rating.pk}/approve/")
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.override_status == "pending"
    assert AuditRecord.objects.filter(
        action="auth.permission_denied", object_id="customers.approve_risk_override"
    ).exists()
    assert Customer.objects.get(pk=customer.pk).risk_level == customer.risk_level


def test_the_new_forms_and_the_full_file_render_in_chinese(risk_officer, operator, organization):
    beneficial_owner_add(actor=operator, customer_id=organization.pk, name="王五", share_bp=5000)
    client = _signed_in(risk_officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.post(
        f"/customers/{organization.pk}/credit-profile/",
        {"score": "650", "limit": "1000", "limit_currency": "CNY", "overdue_amount": "5"},
    )
    client.post(
        f"/customers/{organization.pk}/risk-overrides/new/", {"level": "high", "reason": "核查"}
    )
    operator_client = _signed_in(operator)
    operator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    for who, path in [
        (operator_client, ""),
        (operator_client, "beneficial-owners/new/"),
        (client, ""),
        (client, "class/"),
        (client, "credit-profile/"),
        (client, "risk-overrides/new/"),
        (client, "erase/"),
    ]:
        response = who.get(f"/customers/{organization.pk}/{path}")
        assert response.status_code == 200, path
        assert 'lang="zh-hans"' in response.content.decode(), path
    page = _page(client, organization)
    assert "王五" in page
    assert "50.00" in page
    assert "650" in page
    assert "核查" in page
    assert client.get("/customers/risk-overrides/").status_code == 200


def test_erasure_is_refused_while_a_funds_account_is_open(operator, risk_officer, new_customer):
    from fundguard.customers.services import funds_account_open

    customer = new_customer()
    funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    client = _signed_in(risk_officer)
    response = client.post(
        f"/customers/{customer.pk}/erase/", {"reason": "PIPL request", "confirm": "on"}
    )
    assert response.status_code == 200
    (message,) = response.context["form"].non_field_errors()
    # The refusal says why (legal retention of accounting records) and what to do.
    assert f"CUST-{customer.pk:010d}-CNY" in message
    assert "accounting records must be kept" in message
    assert "close the account, then erase again" in message
    assert message in response.content.decode()
    customer.refresh_from_db()
    assert customer.erased_at is None
    assert not AuditRecord.objects.filter(action="customer.erased").exists()
