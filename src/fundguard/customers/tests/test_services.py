"""Customers services: given / when / then, with the audit trail checked for masked values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.customers.models import (
    CustomerFundsAccount,
    IdentityDocument,
    KycStatus,
    RiskRating,
)
from fundguard.customers.selectors import (
    beneficiary_is_cooling_off,
    customer_list,
    documents_expiring,
    kyc_reviews_overdue,
)
from fundguard.customers.services import (
    bank_account_add,
    beneficial_owner_add,
    beneficiary_add,
    credit_profile_set,
    customer_classify,
    customer_create,
    customer_field_reveal,
    customer_update,
    document_upload,
    funds_account_open,
    identity_document_add,
    kyc_expire_due,
    kyc_review_record,
    risk_override_approve,
    risk_override_propose,
    risk_rating_compute,
)
from fundguard.customers.tests.conftest import card_number, resident_id, row_counts, uscc_number
from fundguard.ledger.models import Account

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test document\n"


def _last_audit(action: str) -> AuditRecord:
    record = AuditRecord.objects.filter(action=action).order_by("-seq").first()
    assert record is not None, action
    return record


def test_creating_a_person_stores_personal_fields_sealed_and_audits_them_masked(new_customer):
    number = resident_id("19900307", "110105", "123")

    customer = new_customer(id_number=number)

    document = IdentityDocument.objects.get(customer=customer)
    assert document.is_primary
    assert number not in document.number_sealed
    assert document.number_last4 == number[-4:]
    assert customer.phone_sealed.startswith("fg1.")
    assert customer.phone_last4 == "8000"
    assert customer.kyc_status == KycStatus.pending
    assert RiskRating.objects.filter(customer=customer).count() == 1
    changes = _last_audit("customer.created").changes
    assert changes["id_number"] == [None, f"****{number[-4:]}"]
    assert changes["phone"] == [None, "****8000"]
    assert changes["name"] == [None, "张*"]
    assert number not in str(changes)
    assert "zhang.san" not in str(changes)


def test_an_organization_is_identified_by_its_uscc(new_customer):
    customer = new_customer(
        kind="organization",
        name="北京示例科技有限公司",
        id_type="cn_uscc",
        id_number=uscc_number(),
        legal_representative_name="李四",
        legal_representative_id_type="cn_resident_id",
        legal_representative_id_number=resident_id(),
    )

    assert customer.is_organization
    assert customer.legal_representative_id_sealed.startswith("fg1.")


def test_a_person_cannot_use_a_uscc(new_customer):
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        new_customer(id_type="cn_uscc", id_number=uscc_number())

    assert caught.value.code == "id_type_not_for_kind"
    assert row_counts() == before


def test_an_invalid_id_number_names_the_field_and_reason_and_saves_nothing(new_customer):
    valid = resident_id("19900307", "110105", "123")
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        new_customer(id_number=broken)

    assert (caught.value.code, caught.value.field) == ("id_number_invalid", "id_number")
    assert "checksum" in caught.value.message
    assert row_counts() == before


def test_the_same_id_number_cannot_register_twice(new_customer):
    number = resident_id()
    new_customer(id_number=number)
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        new_customer(id_number=f" {number[:6]}-{number[6:]} ", name="王五")

    assert caught.value.code == "id_number_taken"
    assert row_counts() == before


def test_search_finds_by_name_or_exactly_by_id_and_account_number(new_customer, operator):
    number = resident_id()
    customer = new_customer(id_number=number, name="赵六", name_latin="ZHAO Liu")
    other = new_customer(name="钱七")
    card = card_number()
    bank_account_add(
        actor=operator,
        customer_id=other.pk,
        bank_name="中国工商银行",
        account_number=card,
        currency="CNY",
    )

    assert list(customer_list(search="赵")) == [customer]
    assert list(customer_list(search="zhao")) == [customer]
    assert list(customer_list(search=number.lower())) == [customer]
    assert list(customer_list(search=f"{card[:4]} {card[4:]}")) == [other]
    assert list(customer_list(search=number[:-1])) == []


def test_update_reseals_changed_personal_fields_and_audits_masked_before_and_after(
    new_customer, operator, risk_officer
):
    customer = new_customer()

    customer_update(
        actor=operator,
        customer_id=customer.pk,
        changes={"phone": "13912345678", "occupation": "教师"},
    )

    assert customer_field_reveal(actor=risk_officer, customer_id=customer.pk, field="phone") == (
        "+8613912345678"
    )
    changes = _last_audit("customer.updated").changes
    assert changes["phone"] == ["****8000", "****5678"]
    assert changes["occupation"] == ["", "教师"]


def test_changing_a_risk_factor_re_rates_the_customer(new_customer, operator):
    customer = new_customer()
    ratings = RiskRating.objects.filter(customer=customer).count()

    updated = customer_update(actor=operator, customer_id=customer.pk, changes={"is_pep": True})

    assert updated.risk_level == "high"
    assert updated.category == "high_risk"
    assert RiskRating.objects.filter(customer=customer).count() == ratings + 1


def test_an_unknown_field_cannot_be_patched(new_customer, operator):
    customer = new_customer()

    with pytest.raises(DomainError) as caught:
        customer_update(actor=operator, customer_id=customer.pk, changes={"kyc_status": "verified"})

    assert (caught.value.code, caught.value.field) == ("field_not_editable", "kyc_status")


def test_verified_kyc_sets_the_next_review_by_risk_level(new_customer, risk_officer):
    customer = new_customer()  # medium: CN, undeclared volume
    reviewed_on = date(2026, 1, 31)

    review = kyc_review_record(
        actor=risk_officer,
        customer_id=customer.pk,
        outcome="verified",
        findings="ID checked in person",
        reviewed_on=reviewed_on,
    )

    customer.refresh_from_db()
    assert customer.kyc_status == KycStatus.verified
    expected = {"low": date(2029, 1, 31), "medium": date(2028, 1, 31), "high": date(2027, 1, 31)}
    assert review.next_review_on == expected[customer.risk_level]
    assert customer.next_review_on == review.next_review_on


def test_whoever_registered_a_customer_cannot_verify_them(make_user):
    # No role holds both rights; a user given both directly still meets the four-eyes rule.
    maker = make_user("risk_officer")
    maker.user_permissions.add(
        Permission.objects.get(content_type__app_label="customers", codename="manage_customers")
    )
    maker = type(maker).objects.get(pk=maker.pk)  # fresh permission cache
    customer = customer_create(
        actor=maker,
        kind="person",
        name="孙八",
        id_type="passport",
        id_number="E12345678",
        country="CN",
    )
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        kyc_review_record(actor=maker, customer_id=customer.pk, outcome="verified")

    assert caught.value.code == "kyc_reviewer_is_creator"
    assert row_counts() == before


def test_overdue_reviews_are_listed_and_expire(new_customer, risk_officer):
    customer = new_customer()
    kyc_review_record(
        actor=risk_officer,
        customer_id=customer.pk,
        outcome="verified",
        reviewed_on=date(2020, 1, 1),
    )
    today = timezone.localdate()

    assert customer in kyc_reviews_overdue(today=today)
    assert kyc_expire_due(today=today) == 1
    customer.refresh_from_db()
    assert customer.kyc_status == KycStatus.expired
    assert customer in customer_list(review_due=True)


def test_a_risk_override_needs_a_reason_and_a_second_person(new_customer, make_user):
    customer = new_customer()
    proposer, approver = make_user("risk_officer"), make_user("risk_officer")

    with pytest.raises(DomainError) as no_reason:
        risk_override_propose(actor=proposer, customer_id=customer.pk, level="high", reason=" ")
    rating = risk_override_propose(
        actor=proposer, customer_id=customer.pk, level="high", reason="adverse media"
    )
    customer.refresh_from_db()
    assert customer.risk_level != "high"  # not in force yet
    with pytest.raises(DomainError) as same_person:
        risk_override_approve(actor=proposer, rating_id=rating.pk)
    approved = risk_override_approve(actor=approver, rating_id=rating.pk)

    assert no_reason.value.code == "risk_override_reason_missing"
    assert same_person.value.code == "risk_override_approver_is_proposer"
    assert approved.level_in_force == "high"
    customer.refresh_from_db()
    assert customer.risk_level == "high"


def test_a_rating_shows_each_factor(new_customer, risk_officer):
    customer = new_customer(industry="gambling", country="CN")

    rating = risk_rating_compute(
        actor=risk_officer,
        customer_id=customer.pk,
        products_channels_score=2,
        adverse_history_score=1,
    )

    assert set(rating.factors) == {
        "country",
        "industry",
        "pep",
        "products_channels",
        "expected_volume",
        "adverse_history",
    }
    assert rating.factors["industry"] == 3
    assert rating.computed_level == "high"


def test_class_category_and_credit_profile_are_set_by_risk(new_customer, risk_officer):
    customer = new_customer()

    classified = customer_classify(
        actor=risk_officer, customer_id=customer.pk, value_class="A", category="important"
    )
    profile = credit_profile_set(
        actor=risk_officer,
        customer_id=customer.pk,
        score=720,
        grade="AA",
        limit_minor=50_000_000,
        limit_currency="CNY",
        external_report_reference="PBOC-2026-001",
    )

    assert (classified.value_class, classified.category) == ("A", "important")
    assert profile.limit_minor == 50_000_000


def test_beneficial_owners_shares_stay_within_the_whole(new_customer, operator):
    org = new_customer(
        kind="organization", name="示例有限公司", id_type="cn_uscc", id_number=uscc_number()
    )
    beneficial_owner_add(actor=operator, customer_id=org.pk, name="甲", share_bp=6000)

    with pytest.raises(DomainError) as caught:
        beneficial_owner_add(actor=operator, customer_id=org.pk, name="乙", share_bp=4001)

    assert caught.value.code == "shares_exceed_whole"


def test_bank_accounts_and_beneficiaries_validate_and_seal_the_number(new_customer, operator):
    customer = new_customer()

    account = bank_account_add(
        actor=operator,
        customer_id=customer.pk,
        bank_name="Deutsche Bank",
        account_number="DE89 3704 0044 0532 0130 00",
        bic="DEUTDEFF",
        currency="EUR",
    )
    beneficiary = beneficiary_add(
        actor=operator,
        customer_id=customer.pk,
        name="李四",
        bank_name="中国银行",
        branch="北京分行",
        account_number=card_number(),
        currency="CNY",
    )
    with pytest.raises(DomainError) as caught:
        beneficiary_add(
            actor=operator,
            customer_id=customer.pk,
            name="王五",
            bank_name="中国银行",
            account_number="6228480402564890019",
            currency="CNY",
        )

    assert account.scheme == "iban"
    assert account.number_last4 == "3000"
    assert "DE89370400440532013000" not in account.number_sealed
    assert beneficiary.scheme == "cn_card"
    assert beneficiary_is_cooling_off(beneficiary)
    assert not beneficiary_is_cooling_off(beneficiary, now=timezone.now() + timedelta(days=2))
    assert (caught.value.field, caught.value.params["reason_code"]) == (
        "account_number",
        "checksum",
    )


def test_documents_are_stored_sealed_with_hash_and_limits(new_customer, operator, settings):
    customer = new_customer()
    soon = timezone.localdate() + timedelta(days=10)

    document = document_upload(
        actor=operator,
        customer_id=customer.pk,
        kind="id_scan",
        filename="id-front.pdf",
        content_type="application/pdf",
        content=PDF,
        issued_on=date(2020, 1, 1),
        expires_on=soon,
    )
    settings.CUSTOMERS_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(DomainError) as too_large:
        document_upload(
            actor=operator,
            customer_id=customer.pk,
            kind="id_scan",
            filename="big.pdf",
            content_type="application/pdf",
            content=PDF,
        )
    with pytest.raises(DomainError) as wrong_type:
        document_upload(
            actor=operator,
            customer_id=customer.pk,
            kind="other",
            filename="x.exe",
            content_type="application/x-msdownload",
            content=b"MZ",
        )

    assert document.size_bytes == len(PDF)
    assert len(document.sha256) == 64
    assert b"test document" not in document.content_sealed.encode()
    assert too_large.value.code == "document_too_large"
    assert wrong_type.value.code == "document_type_not_allowed"
    assert any(d.object_id == document.pk for d in documents_expiring())


def test_a_further_identity_document_is_validated_against_the_customer(new_customer, operator):
    customer = new_customer(gender="male", id_number=resident_id(serial="123"))

    passport = identity_document_add(
        actor=operator,
        customer_id=customer.pk,
        id_type="passport",
        id_number="E12345678",
        issuing_country="CN",
        expires_on=date(2030, 1, 1),
    )

    assert passport.number_last4 == "5678"
    assert not passport.is_primary


def test_opening_a_funds_account_opens_a_ledger_liability_owned_by_the_customer(
    new_customer, operator
):
    customer = new_customer()

    link = funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")
    with pytest.raises(DomainError) as twice:
        funds_account_open(actor=operator, customer_id=customer.pk, currency="CNY")

    account = Account.objects.get(pk=link.account_id)
    assert (account.kind, account.currency, account.owner_id) == (
        "liability",
        "CNY",
        str(customer.pk),
    )
    assert customer.name not in account.name
    assert twice.value.code == "funds_account_exists"
    assert CustomerFundsAccount.objects.filter(customer=customer).count() == 1


def test_a_funds_account_left_unlinked_by_a_crash_is_adopted_not_duplicated(new_customer, operator):
    from fundguard.customers.services.funds import funds_account_code
    from fundguard.ledger.services import account_open

    customer = new_customer()
    orphan = account_open(
        actor=operator,
        code=funds_account_code(customer.pk, "USD"),
        name="x",
        kind="liability",
        currency="USD",
        owner=customer,
    )

    link = funds_account_open(actor=operator, customer_id=customer.pk, currency="USD")

    assert link.account_id == orphan.pk


def test_the_system_cannot_review_kyc_or_approve_an_override(new_customer, risk_officer):
    customer = new_customer()
    rating = risk_override_propose(
        actor=risk_officer, customer_id=customer.pk, level="high", reason="watchlist hit"
    )
    before = row_counts()

    with pytest.raises(DomainError) as review:
        kyc_review_record(actor=None, customer_id=customer.pk, outcome="verified")
    with pytest.raises(DomainError) as approval:
        risk_override_approve(actor=None, rating_id=rating.pk)

    assert review.value.code == approval.value.code == "permission_denied"
    assert row_counts() == before


def test_the_kyc_expiry_task_expires_overdue_customers(new_customer, risk_officer):
    from fundguard.customers.tasks import kyc_expire_due as task

    customer = new_customer()
    kyc_review_record(
        actor=risk_officer,
        customer_id=customer.pk,
        outcome="verified",
        reviewed_on=date(2019, 5, 1),
    )

    assert task.call() == 1
    customer.refresh_from_db()
    assert customer.kyc_status == KycStatus.expired
    assert _last_audit("customer.kyc_expired").object_id == str(customer.pk)
