"""pain.001: every generated file validates against the official XSD; broken files are refused."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from fundguard.core.money import Money, format_amount
from fundguard.formats.iso20022.pain001 import (
    PAIN001_VERSIONS,
    SCHEMA_DIR,
    Account,
    Agent,
    CreditTransfer,
    CreditTransferBatch,
    Pain001InputError,
    Pain001SchemaError,
    pain001_render,
    pain001_validate,
)
from fundguard.formats.tests.corpus import corpus_path

BEIJING = timezone(timedelta(hours=8))


def _ns(version: str) -> dict[str, str]:
    return {"p": f"urn:iso:std:iso:20022:tech:xsd:pain.{version}"}


def _batch(*payments: CreditTransfer) -> CreditTransferBatch:
    return CreditTransferBatch(
        message_id="FG-20261123-0001",
        created_at=datetime(2026, 11, 23, 9, 30, tzinfo=BEIJING),
        initiating_party_name="上海示例科技有限公司",
        debtor_name="上海示例科技有限公司",
        debtor_account=Account(other_id="1001234509876543210", currency="CNY"),
        debtor_agent=Agent(bic="ICBKCNBJSHI"),
        requested_execution_date=date(2026, 11, 24),
        payments=payments
        or (
            CreditTransfer(
                end_to_end_id="TR-1",
                amount=Money(1234567, "CNY"),
                creditor_name="张三",
                creditor_account=Account(other_id="6222020200112233445"),
                creditor_agent=Agent(name="中国工商银行北京分行"),
                remittance_information="货款 INV-7 <&>",
                purpose_code="SUPP",
            ),
            CreditTransfer(
                end_to_end_id="TR-2",
                amount=Money(100, "EUR"),
                creditor_name="Hans Müller & Söhne",
                creditor_account=Account(iban="DE89370400440532013000"),
                creditor_agent=Agent(bic="COBADEFFXXX"),
            ),
        ),
    )


# --- generated files --------------------------------------------------------------------------

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_LATIN = st.sampled_from(string.ascii_letters + " .-'&äöüéèßÄÖÜ")
_NAMES = st.one_of(
    st.text(_CJK, min_size=2, max_size=40),
    st.text(_LATIN, min_size=1, max_size=140),
).filter(lambda name: name.strip() != "")
_ACCOUNTS = st.one_of(
    st.sampled_from(
        ["DE89370400440532013000", "NL91ABNA0417164300", "FR1420041010050500013M02606"]
    ).map(lambda iban: Account(iban=iban)),
    st.text(string.digits, min_size=10, max_size=19).map(lambda digits: Account(other_id=digits)),
)
_AGENTS = st.one_of(
    st.none(),
    st.sampled_from(["ICBKCNBJ", "CMBCCNBS", "COBADEFFXXX", "ABNANL2A"]).map(
        lambda bic: Agent(bic=bic)
    ),
    st.sampled_from(["中国工商银行上海市分行", "招商银行深圳分行", "Bank of Example"]).map(
        lambda name: Agent(name=name)
    ),
)


_IDS = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=35)
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def _batches(draw: st.DrawFn) -> CreditTransferBatch:
    count = draw(st.integers(min_value=1, max_value=50))
    payments = tuple(
        CreditTransfer(
            end_to_end_id=f"E2E-{index}-{draw(st.text(string.ascii_uppercase, max_size=8))}",
            amount=Money(
                draw(st.integers(min_value=1, max_value=10**15)),
                draw(st.sampled_from(["CNY", "EUR", "USD"])),
            ),
            creditor_name=draw(_NAMES),
            creditor_account=draw(_ACCOUNTS),
            creditor_agent=draw(_AGENTS),
            remittance_information=draw(st.none() | _NAMES),
            purpose_code=draw(st.none() | st.sampled_from(["SUPP", "SALA", "GDDS", "TRAD"])),
        )
        for index in range(count)
    )
    return CreditTransferBatch(
        message_id=draw(_IDS),
        created_at=_EPOCH + timedelta(seconds=draw(st.integers(0, 10**8))),
        initiating_party_name=draw(_NAMES),
        debtor_name=draw(_NAMES),
        debtor_account=draw(_ACCOUNTS),
        debtor_agent=draw(_AGENTS) or Agent(),
        requested_execution_date=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 3650))),
        payments=payments,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=_batches(), version=st.sampled_from(PAIN001_VERSIONS))
def test_every_generated_file_validates_and_totals_match(
    batch: CreditTransferBatch, version: str
) -> None:
    # when
    xml_bytes = pain001_render(batch, version)  # type: ignore[arg-type]

    # then: valid against the official schema (render checked it; check again from the outside)
    pain001_validate(xml_bytes, version)  # type: ignore[arg-type]
    root = etree.fromstring(xml_bytes)
    ns = _ns(version)
    amounts = root.xpath("//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=ns)
    assert [a.text for a in amounts] == [
        format_amount(p.amount.amount_minor, p.amount.currency) for p in batch.payments
    ]
    assert [a.get("Ccy") for a in amounts] == [p.amount.currency for p in batch.payments]
    expected_sum = sum((Decimal(a.text) for a in amounts), Decimal(0))
    for path in ("p:GrpHdr", "p:PmtInf"):
        block = root.find(f"p:CstmrCdtTrfInitn/{path}", ns)
        assert block.findtext("p:NbOfTxs", namespaces=ns) == str(len(batch.payments))
        assert Decimal(block.findtext("p:CtrlSum", namespaces=ns)) == expected_sum
    assert root.xpath("//p:EndToEndId/text()", namespaces=ns) == [
        p.end_to_end_id for p in batch.payments
    ]
    assert root.xpath("//p:Cdtr/p:Nm/text()", namespaces=ns) == [
        p.creditor_name for p in batch.payments
    ]


@pytest.mark.parametrize("version", PAIN001_VERSIONS)
def test_rendered_file_has_header_amounts_and_version_specific_elements(version: str) -> None:
    # when
    xml_bytes = pain001_render(_batch(), version)  # type: ignore[arg-type]

    # then
    assert xml_bytes.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(xml_bytes)
    ns = _ns(version)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header.findtext("p:MsgId", namespaces=ns) == "FG-20261123-0001"
    assert header.findtext("p:CreDtTm", namespaces=ns) == "2026-11-23T09:30:00+08:00"
    assert header.findtext("p:NbOfTxs", namespaces=ns) == "2"
    assert header.findtext("p:CtrlSum", namespaces=ns) == "12346.67"
    assert root.xpath("//p:InstdAmt/text()", namespaces=ns) == ["12345.67", "1.00"]
    assert root.xpath("//p:RmtInf/p:Ustrd/text()", namespaces=ns) == ["货款 INV-7 <&>"]
    assert root.xpath("//p:CdtrAgt/p:FinInstnId/p:Nm/text()", namespaces=ns) == [
        "中国工商银行北京分行"
    ]
    if version == "001.001.09":
        assert root.xpath("//p:ReqdExctnDt/p:Dt/text()", namespaces=ns) == ["2026-11-24"]
        assert root.xpath("//p:DbtrAgt//p:BICFI/text()", namespaces=ns) == ["ICBKCNBJSHI"]
    else:
        assert root.xpath("//p:ReqdExctnDt/text()", namespaces=ns) == ["2026-11-24"]
        assert root.xpath("//p:DbtrAgt//p:BIC/text()", namespaces=ns) == ["ICBKCNBJSHI"]


def test_jpy_amounts_have_no_decimals_and_debtor_agent_defaults_to_notprovided() -> None:
    # given
    batch = CreditTransferBatch(
        message_id="M",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        initiating_party_name="A",
        debtor_name="A",
        debtor_account=Account(iban="DE89370400440532013000"),
        debtor_agent=Agent(),
        requested_execution_date=date(2026, 1, 2),
        payments=(
            CreditTransfer("1", Money(1200, "JPY"), "B", Account(iban="NL91ABNA0417164300")),
            CreditTransfer("2", Money(5, "USD"), "C", Account(iban="NL91ABNA0417164300")),
        ),
    )

    # when
    root = etree.fromstring(pain001_render(batch))

    # then
    ns = _ns("001.001.09")
    assert root.xpath("//p:InstdAmt/text()", namespaces=ns) == ["1200", "0.05"]
    assert root.xpath("//p:GrpHdr/p:CtrlSum/text()", namespaces=ns) == ["1200.05"]
    assert root.xpath("//p:DbtrAgt//p:Othr/p:Id/text()", namespaces=ns) == ["NOTPROVIDED"]


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path_fragment", "reason_fragment"),
    [
        (
            lambda x: x.replace(b"<CtrlSum>12346.67</CtrlSum>", b"<CtrlSum>4847,37</CtrlSum>", 1),
            "/GrpHdr/CtrlSum",
            "4847,37",
        ),
        (lambda x: x.replace(b"<EndToEndId>TR-1</EndToEndId>", b"", 1), "/PmtId", "EndToEndId"),
        (
            lambda x: x.replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>XXX</PmtMtd>", 1),
            "/PmtInf/PmtMtd",
            "XXX",
        ),
        (lambda x: x.replace(b'Ccy="CNY"', b'Ccy="yuan"', 1), "/InstdAmt", "yuan"),
    ],
    ids=["decimal-comma", "end-to-end-id-missing", "payment-method", "currency-code"],
)
@pytest.mark.parametrize("version", PAIN001_VERSIONS)
def test_broken_file_is_refused_with_the_violation_named(
    version: str, change, path_fragment: str, reason_fragment: str
) -> None:
    # given
    broken = change(pain001_render(_batch(), version))  # type: ignore[arg-type]

    # when
    with pytest.raises(Pain001SchemaError) as refused:
        pain001_validate(broken, version)  # type: ignore[arg-type]

    # then
    assert refused.value.schema_name == f"pain.{version}"
    assert any(path_fragment in v.path for v in refused.value.violations), refused.value
    assert reason_fragment in str(refused.value)


def test_file_of_the_other_version_is_refused() -> None:
    xml_bytes = pain001_render(_batch(), "001.001.03")

    with pytest.raises(Pain001SchemaError) as refused:
        pain001_validate(xml_bytes, "001.001.09")

    (violation,) = refused.value.violations
    assert violation.path == "/Document"
    assert "pain.001.001.03" in violation.reason
    assert "another message or another version" in violation.reason


def test_control_sum_beyond_18_digits_is_refused_before_rendering() -> None:
    big = Money(10**17, "CNY")  # 1,000,000,000,000,000.00 yuan: 18 digits, the most allowed
    payments = tuple(CreditTransfer(f"E{i}", big, "N", Account(other_id="1")) for i in range(10))
    with pytest.raises(Pain001InputError, match="control sum"):
        _batch(*payments)


def test_not_xml_is_refused_as_one_violation() -> None:
    with pytest.raises(Pain001SchemaError) as refused:
        pain001_validate(b"<Document><unclosed></Document>", "001.001.09")

    assert refused.value.violations[0].path == "/"
    assert "not well-formed" in refused.value.violations[0].reason


def test_entities_are_never_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Document>&b;</Document>'
    )
    with pytest.raises(Pain001SchemaError):
        pain001_validate(bomb, "001.001.09")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"end_to_end_id": "x" * 36}, "end_to_end_id"),
        ({"end_to_end_id": " "}, "end_to_end_id"),
        ({"amount": Money(0, "CNY")}, "amount"),
        ({"amount": Money(-5, "CNY")}, "amount"),
        ({"amount": Money(10**18, "CNY")}, "amount"),
        ({"creditor_name": "名" * 141}, "creditor_name"),
        ({"creditor_name": "bell\x07"}, "creditor_name"),
        ({"purpose_code": "工资"}, "purpose_code"),
        ({"remittance_information": "x" * 141}, "remittance_information"),
    ],
)
def test_payment_that_cannot_be_written_is_refused_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "end_to_end_id": "E",
        "amount": Money(1, "CNY"),
        "creditor_name": "N",
        "creditor_account": Account(other_id="1"),
    }
    values.update(kwargs)

    with pytest.raises(Pain001InputError) as refused:
        CreditTransfer(**values)  # type: ignore[arg-type]

    assert refused.value.field == field


def test_batch_refuses_duplicate_end_to_end_ids_and_naive_times() -> None:
    payment = CreditTransfer("SAME", Money(1, "CNY"), "N", Account(other_id="1"))
    with pytest.raises(Pain001InputError, match="appears twice"):
        _batch(payment, payment)
    with pytest.raises(Pain001InputError, match="time zone"):
        CreditTransferBatch(
            message_id="M",
            created_at=datetime(2026, 1, 1),
            initiating_party_name="A",
            debtor_name="A",
            debtor_account=Account(other_id="1"),
            debtor_agent=Agent(),
            requested_execution_date=date(2026, 1, 1),
            payments=(payment,),
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"iban": "DE89 3704 0044"}, "account.iban"),
        ({"iban": "DE89370400440532013000", "other_id": "1"}, "account"),
        ({}, "account"),
    ],
)
def test_account_needs_exactly_one_well_formed_identifier(
    kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(Pain001InputError) as refused:
        Account(**kwargs)

    assert refused.value.field == field


def test_agent_refuses_a_malformed_bic() -> None:
    with pytest.raises(Pain001InputError, match="not a BIC"):
        Agent(bic="icbkcnbj")


# --- the validator on real bank files ----------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    [
        "pain/dutch-sepa-iso20022/src/test/resources/abn/pain.001.001.03 voorbeeldbestand.xml",
        "pain/dutch-sepa-iso20022/src/test/resources/ing/pain.001.001.03 voorbeeldbestand.xml",
        "pain/sepa_king/spec/examples/pain.001.001.03.xml",
        "pain/moov-iso20022/test/testdata/sepa_payment_naujas_1.xml",
        "pain/corporate.js/extracted/pain.001.001.03/"
        "04_Multiple_SEPA_payments_with_same_due_date_with_int_1.xml",
    ],
    ids=["abn-amro", "ing", "sepa-king", "moov-lithuania", "corporate-js-finland"],
)
def test_bank_example_files_validate_with_our_validator(relative: str) -> None:
    pain001_validate(corpus_path(relative).read_bytes(), "001.001.03")


@pytest.mark.parametrize(
    "relative",
    [
        "pain/sepa_king/spec/examples/pain.001.001.03.ch.02.xml",
        "pain/moov-iso20022/test/testdata/musterfile_pain.001_Nov2020.xml",
    ],
    ids=["six-example", "six-musterfile"],
)
def test_six_example_files_validate_against_the_six_schema(relative: str) -> None:
    schema = corpus_path("pain/sepa_king/lib/schema/pain.001.001.03.ch.02.xsd")

    pain001_validate(corpus_path(relative).read_bytes(), "001.001.03", schema_path=schema)


def test_bank_example_with_a_broken_amount_is_refused() -> None:
    # given: ING's example, its first amount given a decimal comma
    original = corpus_path(
        "pain/dutch-sepa-iso20022/src/test/resources/ing/pain.001.001.03 voorbeeldbestand.xml"
    ).read_bytes()
    root = etree.fromstring(original)
    amount = root.xpath("//*[local-name()='InstdAmt']")[0]
    amount.text = amount.text.replace(".", ",")

    # when / then
    with pytest.raises(Pain001SchemaError) as refused:
        pain001_validate(etree.tostring(root), "001.001.03")
    assert any(v.path.endswith("/InstdAmt") for v in refused.value.violations)


@pytest.mark.parametrize("version", PAIN001_VERSIONS)
def test_shipped_schema_is_the_published_one(version: str) -> None:
    published = corpus_path(f"pain/sepaxml-pypi/schemas/pain.{version}.xsd").read_bytes()

    assert (SCHEMA_DIR / f"pain.{version}.xsd").read_bytes() == published
