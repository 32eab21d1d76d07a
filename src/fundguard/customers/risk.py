"""The risk factor score: pure, no ORM. Each factor scores 0-3; the total gives the level.

Factors: country, industry, PEP, products and channels, expected volume, adverse history. A
country or industry on the high-risk list, or a PEP, makes the customer high risk whatever the
total (a floor), since those are the cases the AML rules single out.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundguard.core.money import currency_exponent
from fundguard.customers.conf import setting
from fundguard.customers.models.choices import RiskLevel

FACTOR_MAX = 3
FACTORS = ("country", "industry", "pep", "products_channels", "expected_volume", "adverse_history")


@dataclass(frozen=True)
class RiskAssessment:
    factors: dict[str, int]
    total: int
    level: RiskLevel


def _country_score(country: str, nationality: str) -> int:
    codes = {country, nationality} - {""}
    if codes & set(setting("CUSTOMERS_HIGH_RISK_COUNTRIES")):
        return 3
    if codes & set(setting("CUSTOMERS_ELEVATED_RISK_COUNTRIES")):
        return 2
    return 0 if codes <= {"CN"} else 1


def _industry_score(industry: str) -> int:
    value = industry.strip().lower()
    if value in setting("CUSTOMERS_HIGH_RISK_INDUSTRIES"):
        return 3
    if value in setting("CUSTOMERS_ELEVATED_RISK_INDUSTRIES"):
        return 2
    return 0


def _volume_score(amount_minor: int | None, currency: str) -> int:
    if amount_minor is None or not currency:
        return 1  # undeclared: neither reassuring nor alarming
    major = amount_minor // 10 ** currency_exponent(currency)
    return sum(1 for threshold in setting("CUSTOMERS_VOLUME_THRESHOLDS_MAJOR") if major > threshold)


def risk_assess(
    *,
    country: str,
    nationality: str,
    industry: str,
    is_pep: bool,
    expected_monthly_volume_minor: int | None,
    expected_volume_currency: str,
    products_channels_score: int = 0,
    adverse_history_score: int = 0,
) -> RiskAssessment:
    factors = {
        "country": _country_score(country, nationality),
        "industry": _industry_score(industry),
        "pep": FACTOR_MAX if is_pep else 0,
        "products_channels": products_channels_score,
        "expected_volume": _volume_score(expected_monthly_volume_minor, expected_volume_currency),
        "adverse_history": adverse_history_score,
    }
    assert all(0 <= score <= FACTOR_MAX for score in factors.values()), factors
    total = sum(factors.values())
    floor_high = is_pep or factors["country"] == FACTOR_MAX or factors["industry"] == FACTOR_MAX
    if floor_high or total >= setting("CUSTOMERS_RISK_HIGH_FROM"):
        level = RiskLevel.high
    elif total >= setting("CUSTOMERS_RISK_MEDIUM_FROM"):
        level = RiskLevel.medium
    else:
        level = RiskLevel.low
    return RiskAssessment(factors=factors, total=total, level=level)
