"""Every generated pain.001 validates against its XSD; a file that fails it is never released;
the ICBC batch file reads back as it was written."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fundguard.audit.models import AuditRecord
from fundguard.core.errors import DomainError
from fundguard.formats.cn_bank_batch import ICBC_BATCH_HEADERS
from fundguard.formats.iso20022 import pain001
from fundguard.formats.iso20022.pain001 import pain001_validate
from fundguard.payments import services
from fundguard.payments.instructions import PaymentInstruction
from fundguard.payments.models import CompanyBankAccount, FileStatus, OrderStatus, PaymentFile
from fundguard.payments.rails import PAIN001_VERSION_OF_RAIL, FileHeader, file_render
from fundguard.payments.services import files as file_services
from fundguard.payments.tests.conftest import row_counts

IBAN_CREDITORS = [
    ("DE89370400440532013000", "COBADEFFXXX"),
    ("GB82WEST12345698765432", "NWBKGB2L"),
    ("FR1420041010050500013M02606", ""),
]


@pytest.mark.django_db
@pytest.mark.parametrize("rail", ["pain001_09", "pain001_03"])
def test_every_built_pain001_validates_against_its_xsd(rail, company_account, queue, operator):
    company = company_account(rail)
    queue(company, creditor_name="北京华夏建设集团有限公司", amount_minor=1)
    queue(company, creditor_name="Zhāng Wěi 张伟", purpose="SUPP", amount_minor=99_999_999_99)
    for iban, bic in IBAN_CREDITORS:
        queue(
            company,
            creditor_account_number="",
            creditor_iban=iban,
            creditor_bic=bic,
            creditor_name="Müller & Söhne GmbH",
            remittance_information="Invoice 2025/17 <paid> & settled",
        )

    built = services.payment_file_build(actor=operator, company_account_id=company.pk)

    content = bytes(built.content)
    pain001_validate(content, PAIN001_VERSION_OF_RAIL[rail])
    assert built.order_count == 5
    assert built.media_type == "application/xml"
    assert "北京华夏建设集团有限公司" in content.decode("utf-8")


_NAME = st.text(
    alphabet=st.sampled_from("张王李赵钱孙有限公司贸易ABCxyz &'<>-.ÄÖü0123456789"),
    min_size=1,
    max_size=140,
).filter(str.strip)


@st.composite
def _instructions(draw: st.DrawFn) -> list[PaymentInstruction]:
    count = draw(st.integers(min_value=1, max_value=6))
    made = []
    for index in range(count):
        iban, bic = draw(st.sampled_from([("", ""), *IBAN_CREDITORS]))
        made.append(
            PaymentInstruction(
                end_to_end_id=f"E2E-{index}-{draw(st.integers(0, 10**20))}",
                amount_minor=draw(st.integers(min_value=1, max_value=10**15)),
                currency="CNY",
                creditor_name=draw(_NAME).strip(),
                creditor_account_number=""
                if iban
                else draw(st.from_regex(r"[0-9]{6,30}", fullmatch=True)),
                creditor_iban=iban,
                creditor_bic=bic,
                creditor_bank_name=draw(st.sampled_from(["", "中国银行", "Deutsche Bank"])),
                creditor_country="CN",
                requested_execution_date=date(2025, 3, 3),
                remittance_information=draw(st.sampled_from(["", "货款", "Inv. <42> & co"])),
                purpose=draw(st.sampled_from(["", "SUPP", "SALA", "工资"])),
            )
        )
    return made


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payments=_instructions(), rail=st.sampled_from(["pain001_09", "pain001_03", "sandbox"]))
def test_property_every_rendered_pain001_validates_against_its_xsd(payments, rail):
    debtor = CompanyBankAccount(
        name="示例资金管理有限公司",
        bank_name="中国工商银行",
        bic="ICBKCNBJ",
        account_number="0200001234567890123",
        iban="",
        currency="CNY",
    )
    header = FileHeader(
        message_id="FG-20250303-1",
        created_at=datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
        requested_execution_date=date(2025, 3, 3),
        initiating_party_name="FundGuard",
    )

    content = file_render(rail, debtor, header, payments)

    pain001_validate(content, PAIN001_VERSION_OF_RAIL[rail])


@pytest.mark.django_db
def test_a_file_that_fails_its_xsd_is_refused_at_build_and_nothing_changes(
    company_account, queue, operator, monkeypatch
):
    company = company_account("pain001_09")
    order = queue(company)
    before = row_counts()
    audits = AuditRecord.objects.count()
    # Force an over-long message id (Max35Text) past the dataclass checks, to the schema.
    monkeypatch.setattr(pain001, "_require_text", lambda *args, **kwargs: None)
    monkeypatch.setattr(file_services, "_message_id", lambda now: "M" * 36)

    with pytest.raises(DomainError) as refused:
        services.payment_file_build(actor=operator, company_account_id=company.pk)

    assert refused.value.code == "payment_file_fails_schema"
    assert "MsgId" in refused.value.message
    assert row_counts() == before
    assert AuditRecord.objects.count() == audits
    order.refresh_from_db()
    assert order.status == OrderStatus.queued


@pytest.mark.django_db
def test_a_stored_file_that_no_longer_validates_is_never_released(
    company_account, queue, operator, releaser
):
    company = company_account("pain001_03")
    order = queue(company, end_to_end_id="E2E-TAMPER")
    built = services.payment_file_build(actor=operator, company_account_id=company.pk)
    tampered = bytes(built.content).replace(b"E2E-TAMPER", b"E2E-TAMPER" + b"X" * 30)
    PaymentFile.objects.filter(pk=built.pk).update(content=tampered)
    audits = AuditRecord.objects.count()

    with pytest.raises(DomainError) as refused:
        services.payment_file_release(actor=releaser, payment_file_id=built.pk)

    assert refused.value.code == "payment_file_fails_schema"
    assert "EndToEndId" in refused.value.message
    built.refresh_from_db()
    order.refresh_from_db()
    assert built.status == FileStatus.built
    assert built.released_by is None
    assert order.status == OrderStatus.in_file
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
def test_icbc_batch_file_reads_back_with_openpyxl(company_account, queue, operator):
    company = company_account("cn_bank_batch", bic="")
    queue(
        company,
        creditor_name="广州南方物流有限公司",
        creditor_account_number="6222021001122334455",
        creditor_bank_name="农行",
        creditor_province="广东",
        creditor_city="广州",
        amount_minor=1_234_500,
        purpose="运费",
        remittance_information="三月运费",
    )

    built = services.payment_file_build(actor=operator, company_account_id=company.pk)

    sheet = load_workbook(io.BytesIO(bytes(built.content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ICBC_BATCH_HEADERS
    assert rows[1][:10] == (
        "工行",
        company.account_number,
        "示例资金管理有限公司",
        "农行",
        "广东",
        "广州",
        "6222021001122334455",
        "广州南方物流有限公司",
        Decimal("12345") if isinstance(rows[1][8], Decimal) else 12345,
        "运费",
    )
    assert rows[1][10] == "三月运费"
    assert built.file_name.endswith(".xlsx")


@pytest.mark.django_db
def test_a_file_carries_one_execution_date_the_earliest_first(company_account, queue, operator):
    company = company_account("pain001_09")
    early = queue(company, requested_execution_date=date(2020, 1, 1))
    late = queue(company, requested_execution_date=date(2999, 1, 1))

    first = services.payment_file_build(actor=operator, company_account_id=company.pk)
    second = services.payment_file_build(actor=operator, company_account_id=company.pk)

    assert list(first.orders.values_list("pk", flat=True)) == [early.pk]
    assert list(second.orders.values_list("pk", flat=True)) == [late.pk]
    assert b"<Dt>2999-01-01</Dt>" in bytes(second.content)
