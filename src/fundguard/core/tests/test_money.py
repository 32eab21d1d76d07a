from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundguard.core.errors import DomainError
from fundguard.core.money import (
    AMOUNT_MINOR_MAX,
    CAPITALS_MINOR_MAX,
    Money,
    MoneyError,
    amount_in_chinese_capitals,
    currency_exponent,
    format_amount,
    format_money,
    parse_amount,
)

PROJECT_DIR = Path(__file__).resolve().parents[4]

# Every worked amount in 中国人民银行《支付结算办法》(银发[1997]393号) 附一
# 《正确填写票据和结算凭证的基本规定》, 第四条 (一) to (四), with each spelling it allows.
# The first spelling is the one we write.
PBOC_WORKED_EXAMPLES = [
    # (一) 阿拉伯数字中间有"0"时, 中文大写金额要写"零"字.
    (1_409_50, ["人民币壹仟肆佰零玖元伍角"]),
    # (二) 阿拉伯数字中间连续有几个"0"时, 中文大写金额中间可以只写一个"零"字.
    (6_007_14, ["人民币陆仟零柒元壹角肆分"]),
    # (三) 万位或元位是"0"... 但千位、角位不是"0"时, 可以只写一个零字, 也可以不写"零"字.
    (1_680_32, ["人民币壹仟陆佰捌拾元零叁角贰分", "人民币壹仟陆佰捌拾元叁角贰分"]),
    (107_000_53, ["人民币壹拾万柒仟元零伍角叁分", "人民币壹拾万零柒仟元伍角叁分"]),
    # (四) 角位是"0", 而分位不是"0"时, 中文大写金额"元"后面应写"零"字.
    (16_409_02, ["人民币壹万陆仟肆佰零玖元零贰分"]),
    (325_04, ["人民币叁佰贰拾伍元零肆分"]),
]

# Not worked examples of the text: our spellings under its 第二条 (到"元"为止的, 在"元"之后应写
# "整"字; 在"角"之后可以不写, and we do not, as example (一) does not; "分"后面不写"整"字) and
# under the choices documented in amount_in_chinese_capitals.
CHOSEN_SPELLINGS = [
    (1_000_00, "人民币壹仟元整"),
    (0, "人民币零元整"),
    (20_30, "人民币贰拾元零叁角"),
    (1_50, "人民币壹元伍角"),
    (50, "人民币伍角"),
    (5, "人民币伍分"),
    (100_700_00, "人民币壹拾万零柒佰元整"),
]

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]


def _capitals_oracle(amount_minor: int) -> str:
    """The rules of amount_in_chinese_capitals, written out digit by digit without cn2an."""
    if amount_minor == 0:
        return "人民币零元整"
    yuan, cents = divmod(amount_minor, 100)
    jiao, fen = divmod(cents, 10)
    words = "人民币"
    if yuan:
        digits = str(yuan)
        zeros_pending = False
        for index, digit in enumerate(map(int, digits)):
            power = len(digits) - 1 - index
            if digit:
                # One 零 per run of zeros, none when the run ends above a 仟 digit.
                if zeros_pending and power % 4 != 3:
                    words += "零"
                zeros_pending = False
                words += _DIGITS[digit] + _UNITS[power % 4]
            else:
                zeros_pending = True
            if power == 8:
                words += "亿"
            elif power in (4, 12) and int(digits[max(0, index - 3) : index + 1]):
                words += "万"
        words += "元"
    if jiao:
        words += ("零" if yuan and yuan % 10 == 0 else "") + _DIGITS[jiao] + "角"
    if fen:
        words += ("零" if yuan and not jiao else "") + _DIGITS[fen] + "分"
    return words + ("整" if not cents else "")


# Digits drawn with many zeros, to exercise the 零 rules at every position.
zero_heavy_amounts = st.lists(
    st.sampled_from("0000000123456789"), min_size=1, max_size=len(str(CAPITALS_MINOR_MAX))
).map(lambda digits: int("".join(digits)))


@pytest.mark.parametrize(("amount_minor", "spellings"), PBOC_WORKED_EXAMPLES)
def test_pboc_worked_example_is_written_as_its_first_spelling(amount_minor, spellings):
    words = amount_in_chinese_capitals(amount_minor)

    assert words == spellings[0]


@pytest.mark.parametrize(("amount_minor", "expected"), CHOSEN_SPELLINGS)
def test_zheng_follows_an_amount_ending_at_yuan_only(amount_minor, expected):
    assert amount_in_chinese_capitals(amount_minor) == expected


@given(st.one_of(zero_heavy_amounts, st.integers(0, CAPITALS_MINOR_MAX)))
def test_capitals_follow_the_rules_for_any_amount(amount_minor):
    assert amount_in_chinese_capitals(amount_minor) == _capitals_oracle(amount_minor)


def test_capitals_oracle_agrees_with_the_worked_examples():
    for amount_minor, spellings in PBOC_WORKED_EXAMPLES:
        assert _capitals_oracle(amount_minor) in spellings


def test_largest_amount_in_capitals_is_written():
    assert amount_in_chinese_capitals(CAPITALS_MINOR_MAX) == (
        "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"
    )


@pytest.mark.parametrize("amount_minor", [-1, CAPITALS_MINOR_MAX + 1])
def test_negative_or_huge_amount_in_capitals_is_refused(amount_minor):
    with pytest.raises(ValueError, match="capitals"):
        amount_in_chinese_capitals(amount_minor)


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [("CNY", 2), ("JPY", 0), ("KWD", 3), ("USD", 2), ("EUR", 2), ("IQD", 3), ("RSD", 2)],
)
def test_exponent_is_the_iso_4217_minor_unit(currency, exponent):
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize("currency", ["XYZ", "cny", "", "CNY ", "RMB", "DEM", "XXX", "XAU"])
def test_unknown_currency_is_refused(currency):
    with pytest.raises(DomainError) as refused:
        currency_exponent(currency)

    assert refused.value.code == MoneyError.currency_unknown
    assert refused.value.status == 422
    assert currency in refused.value.message


@pytest.mark.parametrize(
    ("text", "currency", "amount_minor"),
    [
        ("12.34", "CNY", 1234),
        ("12", "CNY", 1200),
        ("12.3", "CNY", 1230),
        ("12.340", "CNY", 1234),
        ("0", "CNY", 0),
        ("-12.34", "CNY", -1234),
        ("1200", "JPY", 1200),
        ("1200.00", "JPY", 1200),
        ("1.234", "KWD", 1234),
        ("007.50", "USD", 750),
    ],
)
def test_decimal_string_is_read_as_minor_units(text, currency, amount_minor):
    assert parse_amount(text, currency) == amount_minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [("12.345", "CNY"), ("0.001", "CNY"), ("12.5", "JPY"), ("1.2345", "KWD")],
)
def test_excess_precision_is_refused(text, currency):
    with pytest.raises(DomainError) as refused:
        parse_amount(text, currency)

    assert refused.value.code == MoneyError.amount_too_precise
    assert refused.value.field == "amount"
    assert text in refused.value.message
    assert currency in refused.value.message


def test_excess_precision_is_refused_for_cny():
    with pytest.raises(DomainError) as refused:
        parse_amount("12.345", "CNY")

    assert refused.value.code == MoneyError.amount_too_precise
    assert refused.value.status == 422


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "1,234.50",
        "1e3",
        " 12",
        "12 ",
        "12\n",
        "12.",
        ".5",
        "+12",
        "--1",
        "\uff11\uff12",  # full-width digits
        "NaN",
        "Infinity",
        "0x10",
        "1_000",
        "1" * 41,
    ],
)
def test_text_that_is_not_a_plain_decimal_is_refused(text):
    with pytest.raises(DomainError) as refused:
        parse_amount(text, "CNY")

    assert refused.value.code == MoneyError.amount_invalid
    assert refused.value.status == 422
    assert text[:40] in refused.value.message


@pytest.mark.parametrize(
    "text", [str(AMOUNT_MINOR_MAX + 1), "92233720368547758.08", "-92233720368547758.08"]
)
def test_amount_beyond_a_bigint_is_refused(text):
    with pytest.raises(DomainError) as refused:
        parse_amount(text, "CNY" if "." in text else "JPY")

    assert refused.value.code == MoneyError.amount_too_large


def test_largest_bigint_amount_is_read():
    assert parse_amount("92233720368547758.07", "CNY") == AMOUNT_MINOR_MAX


def test_float_is_refused_by_parse_amount():
    with pytest.raises(TypeError):
        parse_amount(12.34, "CNY")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount_minor", "currency", "text"),
    [
        (1230, "CNY", "12.30"),
        (5, "CNY", "0.05"),
        (0, "CNY", "0.00"),
        (-1230, "CNY", "-12.30"),
        (-5, "USD", "-0.05"),
        (1200, "JPY", "1200"),
        (1234, "KWD", "1.234"),
        (7, "KWD", "0.007"),
    ],
)
def test_amount_is_formatted_with_exactly_the_currency_digits(amount_minor, currency, text):
    assert format_amount(amount_minor, currency) == text


@given(
    amount_minor=st.integers(-AMOUNT_MINOR_MAX, AMOUNT_MINOR_MAX),
    currency=st.sampled_from(["CNY", "JPY", "KWD", "USD"]),
)
def test_formatted_amount_parses_back_to_itself(amount_minor, currency):
    assert parse_amount(format_amount(amount_minor, currency), currency) == amount_minor


@pytest.mark.parametrize(
    ("amount_minor", "currency", "locale", "text"),
    [
        (123450, "CNY", "zh_Hans_CN", "¥1,234.50"),
        (123450, "CNY", "zh-hans", "¥1,234.50"),
        (123450, "CNY", "en", "CN¥1,234.50"),
        (1200, "JPY", "en", "¥1,200"),
        (1234, "KWD", "en", "KWD1.234"),
        (-500, "USD", "en", "-$5.00"),
    ],
)
def test_money_is_formatted_for_people_by_locale(amount_minor, currency, locale, text):
    assert format_money(amount_minor, currency, locale).replace("\xa0", " ") == text


@pytest.mark.parametrize("amount_minor", [12.5, 12.0, True, "1234", None])
def test_money_refuses_anything_but_an_int(amount_minor):
    with pytest.raises(TypeError):
        Money(amount_minor, "CNY")


@pytest.mark.parametrize("amount_minor", [12.5, True])
def test_formatting_refuses_anything_but_an_int(amount_minor):
    with pytest.raises(TypeError):
        format_amount(amount_minor, "CNY")
    with pytest.raises(TypeError):
        amount_in_chinese_capitals(amount_minor)


def test_money_with_unknown_currency_is_refused():
    with pytest.raises(DomainError) as refused:
        Money(100, "cny")

    assert refused.value.code == MoneyError.currency_unknown


def test_money_beyond_a_bigint_is_refused():
    with pytest.raises(ValueError, match="beyond"):
        Money(AMOUNT_MINOR_MAX + 1, "CNY")


def test_money_is_immutable_and_compares_by_value():
    money = Money(1230, "CNY")

    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount_minor = 1  # type: ignore[misc]
    assert money == Money(1230, "CNY")
    assert money != Money(1230, "USD")
    assert str(money) == "12.30 CNY"


def _fundguard(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROJECT_DIR / ".venv" / "bin" / "fundguard"), *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "FUNDGUARD_VAR_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="the venv's console script is POSIX")
def test_cli_prints_the_capitals_on_one_line(tmp_path):
    result = _fundguard(tmp_path, "money", "words", "1409.50")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "人民币壹仟肆佰零玖元伍角\n"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("12.345", "12.345"),
        ("abc", "abc"),
        ("-5", "negative"),
        ("20000000000000000", "too large"),
    ],
)
def test_cli_refuses_bad_amount_with_exit_code_two(tmp_path, text, named):
    result = _fundguard(tmp_path, "money", "words", text)

    assert result.returncode == 2
    assert result.stdout == ""
    assert named in result.stderr
