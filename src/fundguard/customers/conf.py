"""The customers app's settings, each overridable in Django settings under the same name."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Months until the next KYC review, by risk level (high yearly, medium 2, low 3 years).
    "CUSTOMERS_KYC_REVIEW_MONTHS": {"high": 12, "medium": 24, "low": 36},
    # A new beneficiary may not receive a large first transfer for this many hours.
    "CUSTOMERS_BENEFICIARY_COOLING_OFF_HOURS": 24,
    # Uploads: size limit and the accepted content types.
    "CUSTOMERS_DOCUMENT_MAX_BYTES": 5 * 1024 * 1024,
    "CUSTOMERS_DOCUMENT_CONTENT_TYPES": ["application/pdf", "image/jpeg", "image/png"],
    # Documents expiring within this many days are listed as expiring.
    "CUSTOMERS_DOCUMENT_EXPIRY_WARNING_DAYS": 30,
    # Risk factor inputs (ISO 3166 codes, industries as entered, lower-case).
    "CUSTOMERS_HIGH_RISK_COUNTRIES": ["KP", "IR", "MM"],
    "CUSTOMERS_ELEVATED_RISK_COUNTRIES": ["AF", "SY", "YE", "RU", "VE"],
    "CUSTOMERS_HIGH_RISK_INDUSTRIES": [
        "gambling",
        "virtual_assets",
        "money_services",
        "precious_metals",
        "arms",
    ],
    "CUSTOMERS_ELEVATED_RISK_INDUSTRIES": ["real_estate", "cash_intensive", "import_export"],
    # Expected monthly volume thresholds, in major units of any currency (low, medium, high).
    "CUSTOMERS_VOLUME_THRESHOLDS_MAJOR": [50_000, 500_000, 5_000_000],
    # Total factor score at or above which a customer is medium / high risk.
    "CUSTOMERS_RISK_MEDIUM_FROM": 4,
    "CUSTOMERS_RISK_HIGH_FROM": 8,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
