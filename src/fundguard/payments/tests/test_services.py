"""Company accounts, queuing, building and releasing files: worked examples and refusals."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.ledger.models import AccountKind
from fundguard.payments import services
from fundguard.payments.models import FileStatus, OrderStatus
from fundguard.payments.tests.conftest import instruction, row_counts

pytestmark = pytest.mark.django_db


def test_company_account_opens_its_clearing_account_as_a_liability_that_cannot_go_negative(
    company_account,
):
    company = company_account("pain001_09", iban="DE89 3704 0044 0532 0130 00", currency="EUR")

    clearing = company.clearing_account
    assert clearing.kind == AccountKind.liability
    assert clearing.currency == "EUR"
    assert clearing.allow_negative is False
    assert company.iban == "DE89370400440532013000"
    assert AuditRecord.objects.filter(
        action="payments.company_account_created", object_id=str(company.pk)
    ).exists()


def test_file_build_puts_the_queued_orders_in_a_file_and_release_sends_them(
    company_account, queue, operator, releaser
):
    company = company_account("pain001_09")
    orders = [queue(company), queue(company, amount_minor=1)]

    built = services.payment_file_build(actor=operator, company_account_id=company.pk)

    assert built.status == FileStatus.built
    assert built.order_count == 2
    assert built.control_sum_minor == 123_457
    assert {o.status for o in built.orders.all()} == {OrderStatus.in_file}

    released = services.payment_file_release(actor=releaser, payment_file_id=built.pk)

    assert released.status == FileStatus.released
    assert released.released_by == releaser
    for order in orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.sent


def test_the_builder_cannot_release_their_own_file(company_account, queue, operator):
    company = company_account("pain001_03")
    queue(company)
    built = services.payment_file_build(actor=operator, company_account_id=company.pk)
    # Even a builder who also held the release permission would be refused.
    operator.user_permissions.add(Permission.objects.get(codename="release_payment_files"))
    builder = User.objects.get(pk=operator.pk)
    before = row_counts()

    with pytest.raises(DomainError) as refused:
        services.payment_file_release(actor=builder, payment_file_id=built.pk)

    assert refused.value.code == "payment_file_releaser_is_builder"
    built.refresh_from_db()
    assert built.status == FileStatus.built
    assert row_counts() == before


def test_nothing_queued_is_refused(company_account, operator):
    company = company_account("pain001_09")

    with pytest.raises(DomainError) as refused:
        services.payment_file_build(actor=operator, company_account_id=company.pk)

    assert refused.value.code == "payment_file_nothing_queued"


def test_a_payment_the_rail_cannot_carry_is_refused_when_queued(company_account, queue):
    company = company_account("cn_bank_batch")
    before = row_counts()

    with pytest.raises(DomainError) as refused:
        queue(company, creditor_province="")

    assert refused.value.code == "payment_order_invalid"
    assert refused.value.field == "creditor_province"
    assert row_counts() == before


def test_an_end_to_end_id_is_used_once(company_account, queue):
    company = company_account("pain001_09")
    queue(company, end_to_end_id="E2E-SAME")

    with pytest.raises(DomainError) as refused:
        queue(company, end_to_end_id="E2E-SAME")

    assert refused.value.code == "end_to_end_id_taken"


def test_the_currency_must_be_the_company_accounts(company_account):
    company = company_account("pain001_09")

    with pytest.raises(DomainError) as refused:
        services.payment_order_queue(
            actor=None,
            company_account_id=company.pk,
            instruction=instruction(currency="USD"),
            cause=None,
        )

    assert refused.value.code == "payment_currency_mismatch"
