"""Real identity and bank vectors: valid ones pass, broken ones name the field and reason."""

from __future__ import annotations

from datetime import date

import pytest

from fundguard.core.errors import DomainError
from fundguard.customers.tests.conftest import card_number, resident_id, uscc_number
from fundguard.customers.validation import (
    account_number_clean,
    bic_clean,
    country_clean,
    email_clean,
    id_number_clean,
    phone_clean,
)


def _refusal(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def _flip(number: str, position: int) -> str:
    digit = number[position]
    other = str((int(digit) + 1) % 10)
    return number[:position] + other + number[position + 1 :]


# --- mainland resident ID ------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the GB 11643 specimen: check character X
        resident_id("19900307", "110105", "123"),
        resident_id("20000229", "440305", "456"),  # leap day
        resident_id("19651010", "310104", "001"),
    ],
)
def test_valid_resident_ids_pass_and_are_compacted(number):
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}".lower()

    assert id_number_clean("cn_resident_id", spaced) == number


@pytest.mark.parametrize("position", [0, 5, 9, 15, 16])
def test_a_flipped_digit_fails_the_checksum(position):
    valid = resident_id("19900307", "110105", "123")

    error = _refusal(id_number_clean, "cn_resident_id", _flip(valid, position))

    assert error.code == "id_number_invalid"
    assert error.field == "id_number"
    assert error.params["reason_code"] in {"checksum", "region"}
    if position != 0:
        assert error.params["reason_code"] == "checksum"
    assert "checksum" in error.message or "region" in error.message


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900000", "20991231", "18990101"])
def test_impossible_or_future_birth_dates_are_refused_as_birth_date(birth):
    # The check digit is right, so only the date can be wrong.
    number = resident_id(birth, "110105", "123")

    error = _refusal(id_number_clean, "cn_resident_id", number, today=date(2026, 11, 23))

    assert error.params["reason_code"] == "birth_date"
    assert "birth date" in error.message


@pytest.mark.parametrize("number", ["11010519900307123", "1101051990030712345", ""])
def test_wrong_length_or_empty_is_refused_as_length(number):
    error = _refusal(id_number_clean, "cn_resident_id", number)

    assert error.params["reason_code"] in {"length", "empty"}


def test_letters_inside_are_a_format_error():
    error = _refusal(id_number_clean, "cn_resident_id", "1101051990030A1234")

    assert error.params["reason_code"] == "format"


def test_unknown_region_code_is_refused():
    number = resident_id("19900307", "990000", "123")

    assert _refusal(id_number_clean, "cn_resident_id", number).params["reason_code"] == "region"


def test_declared_gender_must_match_the_number():
    male = resident_id("19900307", "110105", "123")  # 17th digit 3: odd, male
    female = resident_id("19900307", "110105", "124")

    assert id_number_clean("cn_resident_id", male, gender="male") == male
    assert id_number_clean("cn_resident_id", female, gender="female") == female
    error = _refusal(id_number_clean, "cn_resident_id", male, gender="female")
    assert error.params["reason_code"] == "gender"


# --- USCC, passports, permits -------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["91330100716105852F", uscc_number("91110108MA01ABCD1"), uscc_number("12100000400000770")],
)
def test_valid_usccs_pass(number):
    assert id_number_clean("cn_uscc", number.lower()) == number


def test_uscc_with_a_wrong_check_character_fails_the_checksum():
    valid = "91330100716105852F"

    error = _refusal(id_number_clean, "cn_uscc", valid[:-1] + "G")

    assert error.params["reason_code"] == "checksum"


@pytest.mark.parametrize(
    ("number", "reason"),
    [("9133010071610585", "length"), ("9133010O716105852F", "format")],
)
def test_malformed_usccs_name_the_reason(number, reason):
    assert _refusal(id_number_clean, "cn_uscc", number).params["reason_code"] == reason


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("passport", "E12345678"),
        ("passport", "C01X00T47"),
        ("hk_macao_permit", "H12345678"),
        ("hk_macao_permit", "M1234567890"),
        ("taiwan_permit", "12345678"),
        ("foreign_registration", "USA110090030101"),
    ],
)
def test_other_documents_get_a_format_check(id_type, number):
    assert id_number_clean(id_type, number) == number


@pytest.mark.parametrize(
    ("id_type", "number"),
    [("passport", "E12"), ("hk_macao_permit", "X12345678"), ("taiwan_permit", "1234")],
)
def test_other_documents_with_a_bad_format_are_refused(id_type, number):
    assert _refusal(id_number_clean, id_type, number).params["reason_code"] == "format"


def test_an_unknown_id_type_is_refused():
    assert _refusal(id_number_clean, "driving_licence", "123456").code == "id_type_unknown"


# --- IBAN, BIC, cards ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "GB29 NWBK 6016 1331 9268 19",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91 ABNA 0417 1643 00",
        "CH93 0076 2011 6238 5295 7",
    ],
)
def test_ibans_of_several_countries_pass(iban):
    scheme, number = account_number_clean(iban)

    assert scheme == "iban"
    assert number == iban.replace(" ", "")


@pytest.mark.parametrize(
    ("iban", "reason"),
    [
        ("DE88370400440532013000", "checksum"),
        ("GB29NWBK6016133192681", "length"),
        ("FR1420041010050500013M02607", "checksum"),
        ("NL91ABNA0417164301", "checksum"),
        ("CH9300762011623852958", "checksum"),
        ("XX89370400440532013000", "country"),
    ],
)
def test_broken_ibans_name_the_reason(iban, reason):
    error = _refusal(account_number_clean, iban, field="account_number")

    assert error.code == "account_number_invalid"
    assert error.field == "account_number"
    assert error.params["reason_code"] == reason


@pytest.mark.parametrize("bic", ["DEUTDEFF", "BKCHCNBJ", "ICBKCNBJXXX", "NWBKGB2L"])
def test_valid_bics_pass(bic):
    assert bic_clean(bic.lower()) == bic


@pytest.mark.parametrize("bic", ["DEUTXXFF", "DEUT", "DEUTDEFF12"])
def test_invalid_bics_are_refused(bic):
    error = _refusal(bic_clean, bic)

    assert error.code == "bic_invalid"
    assert error.field == "bic"


def test_chinese_card_numbers_pass_luhn_and_flipped_digits_fail():
    for length in (16, 17, 18, 19):
        number = card_number("622202", length)
        assert account_number_clean(number) == ("cn_card", number)
        error = _refusal(account_number_clean, _flip(number, length - 3))
        assert error.params["reason_code"] == "checksum"


def test_a_known_luhn_vector_passes():
    assert account_number_clean("6228480402564890018") == ("cn_card", "6228480402564890018")


def test_corporate_accounts_skip_luhn_when_declared_and_other_formats_pass():
    assert account_number_clean("1100 1234 5678 9012 345", scheme="cn_account") == (
        "cn_account",
        "11001234567890123456"[:0] + "1100123456789012345",
    )
    assert account_number_clean("ABC-123456", scheme="other") == ("other", "ABC123456")
    assert _refusal(account_number_clean, "12", scheme="cn_account").params["reason_code"] == (
        "format"
    )


# --- country, phone, e-mail ---------------------------------------------------------------


def test_countries_are_iso_3166_alpha_2():
    assert country_clean("cn") == "CN"
    assert country_clean("DEU") == "DE"
    assert _refusal(country_clean, "XX").code == "country_unknown"
    assert _refusal(country_clean, "China").field == "country"


def test_phones_become_e164_and_invalid_ones_are_refused():
    assert phone_clean("138 0013 8000") == "+8613800138000"
    assert phone_clean("+852 9123 4567") == "+85291234567"
    assert _refusal(phone_clean, "12345").code == "phone_invalid"
    assert _refusal(phone_clean, "not a phone").field == "phone"


def test_emails_are_checked_and_their_domain_lower_cased():
    assert email_clean("Zhang.San@Example.CN") == "Zhang.San@example.cn"
    assert _refusal(email_clean, "zhang@").code == "email_invalid"


def test_a_region_created_after_the_birth_year_is_accepted():
    # Pudong (310115) exists since 1992; the code is where the number was first issued.
    number = resident_id("19800101", "310115", "123")

    assert id_number_clean("cn_resident_id", number) == number
