"""Money: integer minor units plus an ISO 4217 code; parsing, formatting, Chinese capitals.

Pure functions and one immutable value, no ORM. Amounts are ``int`` minor units everywhere
(``amount_minor``); a float never enters: :class:`Money` refuses one, parsing goes through
:class:`decimal.Decimal` with an exact context.

- Exponents (digits after the decimal point) are ISO 4217's minor units, from the ``iso4217``
  package (the ISO maintenance agency's published list): CNY 2, JPY 0, KWD 3, IQD 3. Withdrawn
  codes (DEM) and codes without a minor unit (XXX, XAU) are refused. Babel's CLDR ``digits``
  are not used for this: they are display conventions and differ from ISO for IQD, RSD, etc.
- The REST API speaks :func:`parse_amount` / :func:`format_amount` (plain decimal strings); people
  read :func:`format_money` (Babel, per locale) and, on CNY vouchers,
  :func:`amount_in_chinese_capitals`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from enum import StrEnum

from babel import Locale
from babel.numbers import format_currency
from django.utils.translation import gettext_lazy as _
from iso4217 import Currency

from fundguard.core.errors import DomainError, register_errors

AMOUNT_MINOR_MAX = 2**63 - 1
"""The largest magnitude an amount may have: what a database BIGINT column holds."""

AMOUNT_TEXT_MAX_CHARS = 40
"""The longest decimal string :func:`parse_amount` reads; anything longer is refused."""

CAPITALS_MINOR_MAX = 10**18 - 1
"""The largest CNY amount written in capitals: 16 digits of yuan (cn2an's limit), then jiao, fen."""

# An optional minus (so that callers can refuse a negative amount with their own code), digits,
# and optionally a point followed by digits. No spaces, thousands separators, exponents or
# non-ASCII digits.
_AMOUNT_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)

# Exact arithmetic: enough precision for any accepted text, and a trap on any rounding.
_EXACT = Context(prec=AMOUNT_TEXT_MAX_CHARS + 10, traps=[InvalidOperation, Inexact, Rounded])


class MoneyError(StrEnum):
    amount_invalid = "amount_invalid"
    amount_too_precise = "amount_too_precise"
    amount_too_large = "amount_too_large"
    currency_unknown = "currency_unknown"


register_errors(
    {
        MoneyError.amount_invalid: (
            422,
            _("The amount “%(text)s” is not a plain decimal number such as 1234.50."),
        ),
        MoneyError.amount_too_precise: (
            422,
            _("The amount %(text)s has more decimals than %(currency)s has (%(exponent)s)."),
        ),
        MoneyError.amount_too_large: (422, _("The amount %(text)s is too large.")),
        MoneyError.currency_unknown: (
            422,
            _("“%(currency)s” is not an ISO 4217 currency code such as CNY."),
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (fen for CNY, yen for JPY, fils for KWD) and its currency."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        _require_amount_minor(self.amount_minor)
        currency_exponent(self.currency)

    def __str__(self) -> str:
        return f"{format_amount(self.amount_minor, self.currency)} {self.currency}"


def currency_exponent(currency: str) -> int:
    """Digits after the decimal point for an upper-case ISO 4217 code; unknown codes refused."""
    exponent = _iso_exponents().get(currency) if isinstance(currency, str) else None
    if exponent is None:
        raise DomainError(MoneyError.currency_unknown, field="currency", currency=str(currency))
    return exponent


def parse_amount(text: str, currency: str) -> int:
    """Read a decimal string ("12.34", "12", "-0.5") as minor units of ``currency``.

    Refused with a :class:`DomainError`: anything but an optional minus, digits and an optional
    fraction (``amount_invalid``); more significant decimals than the currency has
    (``amount_too_precise``; trailing zeros are fine: "12.340" is 1234 fen); a magnitude beyond
    :data:`AMOUNT_MINOR_MAX` (``amount_too_large``). Zero and negative amounts are returned: the
    caller decides whether they make sense.
    """
    if not isinstance(text, str):
        raise TypeError(f"an amount is parsed from a str, not {type(text).__name__}")
    exponent = currency_exponent(currency)
    if len(text) > AMOUNT_TEXT_MAX_CHARS or not _AMOUNT_PATTERN.fullmatch(text):
        raise DomainError(MoneyError.amount_invalid, field="amount", text=_shorten(text))
    scaled = _EXACT.create_decimal(text).scaleb(exponent, context=_EXACT)
    if scaled != scaled.to_integral_value(context=_EXACT):
        raise DomainError(
            MoneyError.amount_too_precise,
            field="amount",
            text=text,
            currency=currency,
            exponent=exponent,
        )
    amount_minor = int(scaled)
    if abs(amount_minor) > AMOUNT_MINOR_MAX:
        raise DomainError(MoneyError.amount_too_large, field="amount", text=text)
    return amount_minor


def format_amount(amount_minor: int, currency: str) -> str:
    """The API's decimal string: exactly the currency's digits ("12.30", JPY "1200", "-1.234")."""
    _require_amount_minor(amount_minor)
    exponent = currency_exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 10**exponent)
    if exponent == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{exponent}d}"


def format_money(amount_minor: int, currency: str, locale: str) -> str:
    """For people: Babel's currency format for ``locale`` ("zh_Hans_CN", "en", or "zh-hans")."""
    _require_amount_minor(amount_minor)
    exponent = currency_exponent(currency)
    value = Decimal(amount_minor).scaleb(-exponent)
    text: str = format_currency(value, currency, locale=Locale.parse(locale.replace("-", "_")))
    return text


def amount_in_chinese_capitals(amount_minor: int) -> str:
    """A CNY amount as written on vouchers (大写金额): 140950 -> "人民币壹仟肆佰零玖元伍角".

    Follows the PBOC's 《正确填写票据和结算凭证的基本规定》 (《支付结算办法》 附一); where it
    allows two spellings, we write the first one its worked examples give:

    - a run of zeros inside the yuan is written as one 零 (陆仟零柒元), except a run ending at the
      万 or 亿 digit just above a non-zero 仟 digit, which is left unwritten (壹拾万柒仟元);
    - a zero 元 digit before a non-zero 角 is written as 零 after 元 (壹仟陆佰捌拾元零叁角贰分);
    - a zero 角 before a non-zero 分 is always written as 零 after 元 (叁佰贰拾伍元零肆分);
    - 整 follows an amount that ends at 元 (壹仟元整); none after 角 (壹仟肆佰零玖元伍角) or 分;
    - below one yuan the 元 is left out (人民币伍角); zero is 人民币零元整.

    Negative amounts are refused (vouchers show magnitudes), as are amounts above
    :data:`CAPITALS_MINOR_MAX`.
    """
    # cn2an takes ~0.1 s to import; only vouchers and `fundguard money words` need it.
    import cn2an

    _require_amount_minor(amount_minor)
    if amount_minor < 0:
        raise ValueError(f"amounts in capitals are not negative: {amount_minor}")
    if amount_minor > CAPITALS_MINOR_MAX:
        raise ValueError(f"amounts in capitals stop at {CAPITALS_MINOR_MAX} fen: {amount_minor}")
    yuan, fen = divmod(amount_minor, 100)
    # A string with exactly two decimals: cn2an would turn a float into text itself.
    words: str = cn2an.an2cn(f"{yuan}.{fen:02d}", "rmb")
    # Where cn2an deviates: for a zero 元 digit before a non-zero 角 it writes no 零
    # ("壹仟陆佰捌拾元叁角贰分", "壹拾万柒仟元伍角叁分"). The rules allow that for 1680.32, but for
    # 107000.53 the result matches neither worked example, because cn2an also leaves out the 零
    # at the 万 digit. We keep its 万 choice and write the 零 after 元: the first variant of both.
    is_jiao_zero = fen < 10
    if yuan % 10 == 0 and yuan > 0 and not is_jiao_zero:
        words = words.replace("元", "元零", 1)
    return "人民币" + words


@functools.cache
def _iso_exponents() -> dict[str, int]:
    """Current ISO 4217 codes that have a minor unit, mapped to it."""
    return {c.code: c.exponent for c in Currency if c.exponent is not None}


def _require_amount_minor(amount_minor: object) -> None:
    # bool is an int subclass; True must not pass for one fen.
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TypeError(f"amount_minor is an int, not {type(amount_minor).__name__}")
    if abs(amount_minor) > AMOUNT_MINOR_MAX:
        raise ValueError(f"amount_minor beyond ±{AMOUNT_MINOR_MAX}: {amount_minor}")


def _shorten(text: str) -> str:
    return text if len(text) <= AMOUNT_TEXT_MAX_CHARS else text[:AMOUNT_TEXT_MAX_CHARS] + "…"
