"""pain.002: every status report in the corpus is read, with the values the files hold."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundguard.core.money import Money
from fundguard.formats.iso20022.pain002 import (
    Pain002UnreadableError,
    StatusOutcome,
    StatusReason,
    StatusReport,
    pain002_parse,
    status_outcome,
)
from fundguard.formats.tests.corpus import CORPUS_DIR, corpus_path

FINNISH = "pain/corporate.js/extracted/pain.002.001.03/"
SIX = "pain/moov-iso20022/test/testdata/"


def _read(relative: str) -> StatusReport:
    return pain002_parse(corpus_path(relative).read_bytes())


def test_every_status_report_in_the_corpus_is_read() -> None:
    # given: every XML file of the corpus holding a payment status report
    folder = corpus_path("pain")
    reports = [
        path
        for path in sorted(folder.rglob("*.xml"))
        if b"CstmrPmtStsRpt" in path.read_bytes() and not path.name.startswith("pain008")
    ]

    # when / then: each one is read, with its message id
    assert len(reports) == 13
    for path in reports:
        report = pain002_parse(path.read_bytes())
        assert report.message_id, path
        assert report.original_message_id, path


# --- Finnish bank reports (corporate.js; the .expected.js beside each states the same values) --


def test_accepted_technical_check_gives_the_group_status_only() -> None:
    report = _read(FINNISH + "01_Accepted_technical_check_1.xml")

    assert report.version == "pain.002.001.03"
    assert report.message_id == "1539869"
    assert report.created_at == datetime(2010, 6, 8, 12, 1, 10, tzinfo=timezone(timedelta(hours=3)))
    assert report.original_message_id == "20110102-0000001"
    assert report.original_message_name_id == "pain.001.001.03"
    assert report.group_status == "ACTC"
    assert status_outcome(report.group_status) is StatusOutcome.accepted
    assert report.payment_informations == ()


def test_rejected_technical_check_joins_the_split_additional_information() -> None:
    report = _read(FINNISH + "02_Rejected_technical_check_1.xml")

    assert report.group_status == "RJCT"
    (reason,) = report.group_reasons
    assert reason.code == "NARR"
    assert len(reason.additional_info) == 3
    assert reason.additional_text == (
        "pain.001.001.03 could not be processed, please verify structure. "
        "cvc-datatype-valid.1.2.1: '4847,37' is not a valid value for 'decimal'."
        "cvc-type.3.1.3: The value '4847,37' of element 'CtrlSum' is not valid."
    )


def test_accepted_payment_material_gives_the_block_status_and_amount() -> None:
    report = _read(FINNISH + "03_Accepted_payment_material_1.xml")

    assert report.original_message_id == "20140102-0000001"
    assert report.group_status == "ACCP"
    (block,) = report.payment_informations
    assert block.original_payment_information_id == "20110102-123456-01"
    assert block.status == "ACCP"
    assert [t.original_amount for t in block.transactions] == [Money(9008, "EUR")]


def test_accepted_and_rejected_payments_give_each_block_and_transaction() -> None:
    report = _read(FINNISH + "04_Accepted_and_rejected_payments_1.xml")

    assert report.original_message_id == "MsgId_110610"
    assert report.group_status == "PART"
    assert status_outcome(report.group_status) is StatusOutcome.partial
    assert [(b.original_payment_information_id, b.status) for b in report.payment_informations] == [
        ("20140102-123456-01", "PART"),
        ("20140102-123456-02", "RJCT"),
        ("20140102-123456-03", "ACCP"),
        ("20140102-123456-04", "ACCP"),
    ]
    rejected = report.payment_informations[0].transactions[0]
    assert rejected.original_end_to_end_id == "TEST PMT"
    assert rejected.original_instruction_id == "201401115UTH00000154"  # spelt OrgnlInstrdId
    assert rejected.status == "RJCT"
    assert rejected.reasons == (StatusReason(code="NARR", additional_info=("Viite virheellinen",)),)
    assert rejected.original_amount == Money(2211, "EUR")
    assert report.payment_informations[1].reasons == (
        StatusReason(code="DT01", additional_info=("Eräpäivä virheellinen",)),
    )
    assert report.payment_informations[3].transactions[0].original_amount == Money(50000011, "EUR")
    assert report.status_of("TEST PMT") == "RJCT"


def test_rejected_payment_material_gives_the_block_reason() -> None:
    report = _read(FINNISH + "05_rejected_payment_material_1.xml")

    assert report.original_message_id == "MsgId_20140108-00004"
    assert report.group_status == "RJCT"
    (block,) = report.payment_informations
    assert block.original_payment_information_id == "20140108-123456-01"
    assert block.reasons[0].code == "DT01"
    assert block.reasons[0].additional_text == "Eräpäivä virheellinen."


def test_indented_declaration_and_empty_reasons_are_read_leniently() -> None:
    # the file starts with spaces before <?xml ...?> and holds an empty <StsRsnInf/>
    report = _read(FINNISH + "06_rejected_payment_material_2_1.xml")

    assert report.message_id == "Y0012019011417104982"
    assert report.created_at == datetime(2019, 1, 14, 15, 10, 49, tzinfo=UTC)
    assert report.original_message_id == "1547478597597"
    assert report.group_status == "RJCT"
    assert report.group_reasons == (StatusReason(originator="NDEAFIHH"),)
    (block,) = report.payment_informations
    assert block.original_payment_information_id == "1547478597597-G-1"
    assert block.status == "RJCT"
    assert block.reasons == (StatusReason(additional_info=("Koko erä hylätty.",)),)
    (transaction,) = block.transactions
    assert transaction.original_end_to_end_id == "1547478597597-G-1-P-1"
    assert transaction.status == "RJCT"
    assert transaction.reasons[0].code == "AM01"
    assert transaction.reasons[0].additional_text == "Nolla-summa tilisiirrossa."
    assert transaction.original_amount == Money(0, "EUR")  # written 0.00000


# --- Swiss (SIX, pain.002.001.03.ch.02) reports -----------------------------------------------


def test_six_group_accepted() -> None:
    report = _read(SIX + "pain002-epo_p_0_0_0_2018031510491259.xml")

    assert report.version == "pain.002.001.03.ch.02"
    assert report.message_id == "20180315375204222821684"
    assert report.created_at == datetime(2018, 3, 15, 10, 49, 10)  # no zone in the file
    assert report.original_message_id == "MsgId-001"
    assert report.original_message_name_id == "pain.001.001.03.ch.02"
    assert report.group_status == "ACTC"


def test_six_group_rejected_for_a_wrong_control_sum() -> None:
    report = _read(SIX + "pain002-epo_p_0_0_0_2018032614401842.xml")

    assert report.original_message_id == "MsgId-005"
    assert report.group_status == "RJCT"
    assert report.group_reasons == (
        StatusReason(code="AM10", additional_info=("904114;ControlSum fehlerhaft",)),
    )
    assert status_outcome(report.status_of("anything")) is StatusOutcome.rejected


def test_six_block_and_transaction_rejected_with_originator() -> None:
    report = _read(SIX + "pain002-epo_p_ch2909000000250094239_1109800799_0_2018032612092784.xml")

    assert report.original_message_id == "MsgId-006"
    assert report.group_status is None
    (block,) = report.payment_informations
    assert block.original_payment_information_id == "PmtInfId-006-01"
    assert block.status == "RJCT"
    assert block.reasons[0].originator == "POFICHBE"
    assert block.reasons[0].code == "NARR"
    assert (
        block.reasons[0].additional_text == "1297193;Sammelauftrag ohne ausführbaren Einzelauftrag"
    )
    (transaction,) = block.transactions
    assert transaction.original_instruction_id == "InstrId-006-01-01"
    assert transaction.original_end_to_end_id == "EndToEndId-006-01-01"
    assert transaction.status == "RJCT"
    assert transaction.reasons[0].code == "AC01"
    assert transaction.reasons[0].additional_text == "1301813;Konto ungültig"


def test_six_partial_block_with_one_rejected_transaction() -> None:
    report = _read(SIX + "pain002-epo_p_ch5109000000250092291_1110097605_0_2018031511252307.xml")

    (block,) = report.payment_informations
    assert block.original_payment_information_id == "PmtInfId-001-03"
    assert block.status == "PART"
    assert report.status_of("EndToEndId-001-03-04") == "RJCT"
    assert next(iter(report.transactions())).reasons[0].code == "AC01"


def test_six_direct_debit_block_accepted() -> None:
    report = _read(
        SIX + "pain002-chdd-cor1_p_ch2909000000250094239_1110097483_0_2018031317221082.xml"
    )

    assert report.original_message_name_id == "pain.008.001.02.ch.03"
    (block,) = report.payment_informations
    assert (block.original_payment_information_id, block.status) == ("PmtInfId-CHDD-1", "ACCP")


# --- newest version, and no namespace --------------------------------------------------------


def test_version_11_report_is_read() -> None:
    report = _read(SIX + "valid_pain_v11.xml")

    assert report.version == "pain.002.001.11"
    assert report.message_id == "MsgId"
    assert report.created_at == datetime(2014, 11, 12, 11, 45, 26, 371000)
    assert report.original_message_id == "OrgnlMsgId"
    assert report.original_message_name_id == "OrgnlMsgNmId"


def test_report_without_a_namespace_is_read_leniently() -> None:
    report = _read(SIX + "invalid_pain_v11.xml")

    assert report.version is None
    assert report.original_message_id == "OrgnlMsgId"


# --- refusals and robustness -------------------------------------------------------------------


def test_a_payment_order_is_not_a_status_report() -> None:
    payment_order = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">'
        b"<CstmrCdtTrfInitn/></Document>"
    )
    with pytest.raises(Pain002UnreadableError, match="no payment status report"):
        pain002_parse(payment_order)


def test_not_xml_is_refused() -> None:
    with pytest.raises(Pain002UnreadableError, match="not well-formed"):
        pain002_parse(b"ACCP;RJCT")


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("ACCP", StatusOutcome.accepted),
        ("ACSC", StatusOutcome.accepted),
        ("ACSP", StatusOutcome.accepted),
        ("ACTC", StatusOutcome.accepted),
        ("RJCT", StatusOutcome.rejected),
        ("CANC", StatusOutcome.rejected),
        ("PDNG", StatusOutcome.pending),
        ("RCVD", StatusOutcome.pending),
        ("PART", StatusOutcome.partial),
        ("XXXX", StatusOutcome.unknown),
        (None, StatusOutcome.unknown),
    ],
)
def test_status_codes_map_to_outcomes(code: str | None, outcome: StatusOutcome) -> None:
    assert status_outcome(code) is outcome


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_are_read_or_refused_never_crash(data: bytes) -> None:
    with contextlib.suppress(Pain002UnreadableError):
        pain002_parse(data)


def _corpus_report_bytes() -> list[bytes]:
    folder = CORPUS_DIR / "pain/corporate.js/extracted/pain.002.001.03"
    return [p.read_bytes() for p in sorted(Path(folder).glob("*.xml"))] if folder.exists() else []


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_truncated_or_mutated_real_reports_are_read_or_refused(data: st.DataObject) -> None:
    samples = _corpus_report_bytes()
    if not samples:
        pytest.skip("corpus absent")
    sample = data.draw(st.sampled_from(samples))
    cut = data.draw(st.integers(0, len(sample)))
    flip = data.draw(st.integers(0, max(0, cut - 1)))
    mutated = bytearray(sample[:cut])
    if mutated:
        mutated[flip] = data.draw(st.integers(0, 255))
    with contextlib.suppress(Pain002UnreadableError):
        pain002_parse(bytes(mutated))


def test_version_02_layout_with_transactions_under_the_report_is_read() -> None:
    # given: the pain.002.001.02 layout (report element named after the message)
    legacy = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.02"><pain.002.001.02>'
        b"<GrpHdr><MsgId>R-1</MsgId><CreDtTm>2009-01-02T10:00:00</CreDtTm></GrpHdr>"
        b"<OrgnlGrpInfAndSts><OrgnlMsgId>M-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.02"
        b"</OrgnlMsgNmId></OrgnlGrpInfAndSts>"
        b"<TxInfAndSts><OrgnlEndToEndId>E-1</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        b"<StsRsnInf><StsRsn><Cd>AC04</Cd></StsRsn></StsRsnInf></TxInfAndSts>"
        b"</pain.002.001.02></Document>"
    )

    # when
    report = pain002_parse(legacy)

    # then
    assert report.version == "pain.002.001.02"
    assert report.original_message_id == "M-1"
    assert report.status_of("E-1") == "RJCT"
    assert report.payment_informations[0].original_payment_information_id is None
    assert next(report.transactions()).reasons[0].code == "AC04"
