"""Checking and normalizing what customers give us: identity numbers, countries, phones,
e-mail, bank account numbers, IBANs and BICs. Pure: no ORM; every refusal is a DomainError that
names the field and the reason (``checksum``, ``length``, ``format``, ``birth_date``...).

Used alike by the services, the API, the console forms and the import's dry run.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors
from stdnum import luhn, numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.models.choices import (
    ID_TYPES_FOR_KIND,
    AccountScheme,
    CustomerKind,
    Gender,
    IdType,
)

MAX_ID_NUMBER_CHARS = 40
MAX_ACCOUNT_NUMBER_CHARS = 40
MAX_EMAIL_CHARS = 254
MAX_PHONE_CHARS = 40

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015/.]+")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
_HK_MACAO_PERMIT = re.compile(r"[HM][0-9]{8}([0-9]{2})?")
_TAIWAN_PERMIT = re.compile(r"[0-9]{8}|[0-9]{10}|[A-Z][0-9]{9}")
_FOREIGN_REGISTRATION = re.compile(r"[A-Z0-9]{4,30}")
_CN_ACCOUNT = re.compile(r"[0-9]{6,30}")
_OTHER_ACCOUNT = re.compile(r"[A-Z0-9]{4,34}")
_IBAN_START = re.compile(r"[A-Z]{2}[0-9]{2}")


def compact(value: str) -> str:
    """Upper-case without spaces, hyphens, dots or slashes."""
    return _SEPARATORS.sub("", value or "").upper()


def country_clean(value: str, *, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 code (upper-case); alpha-3 codes are accepted and converted."""
    code = (value or "").strip().upper()
    country = None
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise invalid(CustomerError.country_unknown, field, value=value)
    return str(country.alpha_2)


def _stdnum_reason(exc: ValidationError) -> str:
    if isinstance(exc, InvalidChecksum):
        return "checksum"
    if isinstance(exc, InvalidLength):
        return "length"
    if isinstance(exc, InvalidComponent):
        return "format"
    return "format"


def _resident_id(number: str, *, field: str, gender: str, today: date | None) -> str:
    number = ric.compact(number)
    if len(number) != 18:
        raise invalid(
            CustomerError.id_number_invalid, field, "length", id_type=IdType.cn_resident_id
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise invalid(
            CustomerError.id_number_invalid, field, "format", id_type=IdType.cn_resident_id
        )
    if number[-1] != ric.calc_check_digit(number):
        raise invalid(
            CustomerError.id_number_invalid, field, "checksum", id_type=IdType.cn_resident_id
        )
    try:
        born = ric.get_birth_date(number)
    except InvalidComponent:
        born = None
    if born is None or born > (today or date.today()) or born.year < 1900:
        raise invalid(
            CustomerError.id_number_invalid, field, "birth_date", id_type=IdType.cn_resident_id
        )
    if not _region_known(number[:6]):
        raise invalid(
            CustomerError.id_number_invalid, field, "region", id_type=IdType.cn_resident_id
        )
    if gender:
        number_gender = Gender.male if int(number[16]) % 2 else Gender.female
        if gender != number_gender:
            raise invalid(
                CustomerError.id_number_invalid, field, "gender", id_type=IdType.cn_resident_id
            )
    return number


def _region_known(code: str) -> bool:
    """Whether the six-digit administrative code is a county that ever existed.

    Not ``stdnum.cn.ric.get_birth_place``: it also requires the county to have existed in the
    birth year, but the code is that of the place of first registration, often years later
    (someone born in 1980 and registered in Pudong, 310115, created 1992, holds a valid number).
    """
    results = numdb.get("cn/loc").info(code)
    return any("county" in props for _, props in results)


def resident_id_gender(number: str) -> Gender:
    """The gender a (valid) resident ID number encodes: odd 17th digit male, even female."""
    return Gender.male if int(ric.compact(number)[16]) % 2 else Gender.female


def id_type_clean(value: str, *, kind: str = "", field: str = "id_type") -> IdType:
    if value not in IdType.values:
        raise invalid(CustomerError.id_type_unknown, field, value=value)
    id_type = IdType(value)
    if kind and id_type not in ID_TYPES_FOR_KIND[CustomerKind(kind)]:
        raise invalid(CustomerError.id_type_not_for_kind, field, kind=kind, id_type=id_type)
    return id_type


def id_number_clean(
    id_type: str,
    number: str,
    *,
    field: str = "id_number",
    gender: str = "",
    today: date | None = None,
) -> str:
    """The compact, validated number for ``id_type``, or a refusal naming field and reason.

    Resident IDs: length, digits, checksum (ISO 7064 MOD 11-2), a real birth date not in the
    future, a known region code, and the declared gender if one is given. USCCs: length, format
    and check character (GB 32100-2015). Passports and permits: format only.
    """
    id_type = id_type_clean(id_type)
    if not number or not number.strip():
        raise invalid(CustomerError.id_number_invalid, field, "empty", id_type=id_type)
    value = compact(number)
    if len(value) > MAX_ID_NUMBER_CHARS:
        raise invalid(CustomerError.id_number_invalid, field, "length", id_type=id_type)
    if id_type == IdType.cn_resident_id:
        return _resident_id(value, field=field, gender=gender, today=today)
    if id_type == IdType.cn_uscc:
        try:
            return str(uscc.validate(value))
        except ValidationError as exc:
            raise invalid(
                CustomerError.id_number_invalid, field, _stdnum_reason(exc), id_type=id_type
            ) from None
    pattern = {
        IdType.passport: _PASSPORT,
        IdType.hk_macao_permit: _HK_MACAO_PERMIT,
        IdType.taiwan_permit: _TAIWAN_PERMIT,
        IdType.foreign_registration: _FOREIGN_REGISTRATION,
    }[id_type]
    if not pattern.fullmatch(value):
        raise invalid(CustomerError.id_number_invalid, field, "format", id_type=id_type)
    return value


def phone_clean(value: str, *, field: str = "phone", region: str = "CN") -> str:
    """E.164 (``+8613812345678``); numbers without ``+`` are read as numbers of ``region``."""
    if len(value) > MAX_PHONE_CHARS:
        raise invalid(CustomerError.phone_invalid, field, "length")
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise invalid(CustomerError.phone_invalid, field, "format") from None
    if not phonenumbers.is_possible_number(parsed):
        raise invalid(CustomerError.phone_invalid, field, "length")
    if not phonenumbers.is_valid_number(parsed):
        raise invalid(CustomerError.phone_invalid, field, "format")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def email_clean(value: str, *, field: str = "email") -> str:
    value = (value or "").strip()
    if len(value) > MAX_EMAIL_CHARS:
        raise invalid(CustomerError.email_invalid, field, "length")
    try:
        validate_email(value)
    except DjangoValidationError:
        raise invalid(CustomerError.email_invalid, field, "format") from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


_IBAN_REASONS: list[tuple[type[Exception], str]] = [
    (schwifty_errors.InvalidLength, "length"),
    (schwifty_errors.InvalidChecksumDigits, "checksum"),
    (schwifty_errors.InvalidBBANChecksum, "checksum"),
    (schwifty_errors.InvalidCountryCode, "country"),
    (schwifty_errors.InvalidBankCode, "bank_code"),
    (schwifty_errors.InvalidBranchCode, "branch_code"),
    (schwifty_errors.InvalidStructure, "format"),
    (schwifty_errors.InvalidAccountCode, "format"),
]


def _schwifty_reason(exc: Exception) -> str:
    for kind, reason in _IBAN_REASONS:
        if isinstance(exc, kind):
            return reason
    return "format"


def account_scheme_detect(number: str) -> AccountScheme:
    """IBAN when it starts like one, a Chinese bank card for 16-19 digits, else other."""
    value = compact(number)
    if _IBAN_START.match(value):
        return AccountScheme.iban
    if value.isdigit() and 16 <= len(value) <= 19:
        return AccountScheme.cn_card
    return AccountScheme.other


def account_number_clean(
    number: str, *, scheme: str = "", field: str = "account_number"
) -> tuple[AccountScheme, str]:
    """(scheme, compact number). ``scheme`` empty means detect it (see account_scheme_detect).

    * ``iban``: schwifty (length per country, check digits, national checksum where known);
    * ``cn_card``: 16-19 digits with a valid Luhn check digit (银行卡, GB/T 16649 / ISO 7812);
    * ``cn_account``: a Chinese corporate or passbook account, 6-30 digits, no check digit;
    * ``other``: 4-34 letters and digits.
    """
    if not number or not number.strip():
        raise invalid(CustomerError.account_number_invalid, field, "empty")
    value = compact(number)
    if len(value) > MAX_ACCOUNT_NUMBER_CHARS:
        raise invalid(CustomerError.account_number_invalid, field, "length")
    if scheme and scheme not in AccountScheme.values:
        raise invalid(CustomerError.account_number_invalid, "scheme", "format")
    chosen = AccountScheme(scheme) if scheme else account_scheme_detect(value)
    if chosen == AccountScheme.iban:
        try:
            return chosen, str(IBAN(value).compact)
        except schwifty_errors.SchwiftyException as exc:
            raise invalid(
                CustomerError.account_number_invalid, field, _schwifty_reason(exc)
            ) from None
    if chosen == AccountScheme.cn_card:
        if not value.isdigit():
            raise invalid(CustomerError.account_number_invalid, field, "format")
        if not 16 <= len(value) <= 19:
            raise invalid(CustomerError.account_number_invalid, field, "length")
        try:
            luhn.validate(value)
        except InvalidChecksum:
            raise invalid(CustomerError.account_number_invalid, field, "checksum") from None
        except (InvalidFormat, ValidationError):
            raise invalid(CustomerError.account_number_invalid, field, "format") from None
        return chosen, value
    pattern = _CN_ACCOUNT if chosen == AccountScheme.cn_account else _OTHER_ACCOUNT
    if not pattern.fullmatch(value):
        raise invalid(CustomerError.account_number_invalid, field, "format")
    return chosen, value


def bic_clean(value: str, *, field: str = "bic") -> str:
    """An 8 or 11 character BIC (ISO 9362), checked by schwifty; empty stays empty."""
    if not value or not value.strip():
        return ""
    try:
        return str(BIC(compact(value)).compact)
    except schwifty_errors.SchwiftyException as exc:
        raise invalid(CustomerError.bic_invalid, field, _schwifty_reason(exc)) from None
