"""Screening: the one hook the risk engine fills, and the first rule set.

``screen(facts)`` runs every registered rule and returns a score, the hits, the approval
add-ons the hits ask for, and one action: allow, add approval levels, or send the transfer to
compliance review (``under_review``). Rules are plain functions of :class:`ScreeningFacts`, so
the risk engine can register more without touching the transfer workflow.

The first rules:

* ``large_value``: the amount, alone or with the customer's other transfers of the day, reaches
  the large-value report thresholds of the PBOC (《金融机构大额交易和可疑交易报告管理办法》,
  中国人民银行令 2016 年第 3 号, art. 5): organisations CNY 2,000,000 / USD 200,000; persons,
  domestic CNY 500,000 / USD 100,000; persons, cross-border CNY 200,000 / USD 10,000. Other
  currencies have no threshold here (the rule does not fire) until the risk work converts them.
* ``new_beneficiary_large_amount``: a first transfer to a beneficiary saved less than
  ``TRANSFERS_NEW_BENEFICIARY_DAYS`` ago, above the cooling-off amount.
* ``high_risk_customer``: a customer rated high risk or classed 高风险; with a large-value hit
  too, the transfer waits for compliance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from fundguard.transfers.conf import per_currency, setting


class ScreeningAction(StrEnum):
    allow = "allow"
    add_level = "add_level"
    review = "review"


_SEVERITY = {ScreeningAction.allow: 0, ScreeningAction.add_level: 1, ScreeningAction.review: 2}


@dataclass(frozen=True, slots=True)
class ScreeningFacts:
    amount_minor: int
    currency: str
    customer_is_person: bool
    customer_high_risk: bool
    cross_border: bool
    day_total_minor: int
    """The customer's transfers submitted today in this currency, this one included."""
    beneficiary_age_days: int
    first_to_beneficiary: bool


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    detail: str
    score: int
    action: ScreeningAction
    addon: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    score: int
    action: ScreeningAction
    hits: tuple[Hit, ...] = field(default=())

    @property
    def addons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.addon for h in self.hits if h.addon))

    def as_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "action": str(self.action),
            "hits": [
                {"rule": h.rule, "detail": h.detail, "score": h.score, "action": str(h.action)}
                for h in self.hits
            ],
        }


Rule = Callable[[ScreeningFacts], Hit | None]

# PBOC large-value thresholds in minor units: (organisation, person domestic, person cross-border).
LARGE_VALUE_THRESHOLDS_MINOR: dict[str, tuple[int, int, int]] = {
    "CNY": (200_000_000, 50_000_000, 20_000_000),
    "USD": (20_000_000, 10_000_000, 1_000_000),
}


def large_value_threshold(facts: ScreeningFacts) -> int | None:
    thresholds = LARGE_VALUE_THRESHOLDS_MINOR.get(facts.currency)
    if thresholds is None:
        return None
    organisation, person_domestic, person_cross_border = thresholds
    if not facts.customer_is_person:
        return organisation
    return person_cross_border if facts.cross_border else person_domestic


def rule_large_value(facts: ScreeningFacts) -> Hit | None:
    threshold = large_value_threshold(facts)
    if threshold is None or max(facts.amount_minor, facts.day_total_minor) < threshold:
        return None
    return Hit(
        rule="large_value",
        detail=f"{facts.currency} {facts.day_total_minor} today >= {threshold} (PBOC 2016 No. 3)",
        score=40,
        action=ScreeningAction.add_level,
        addon="screening_extra_level",
    )


def rule_new_beneficiary_large_amount(facts: ScreeningFacts) -> Hit | None:
    large = per_currency("TRANSFERS_COOLING_OFF_LARGE_MINOR", facts.currency)
    young = facts.beneficiary_age_days < int(setting("TRANSFERS_NEW_BENEFICIARY_DAYS"))
    if large is None or not (young and facts.first_to_beneficiary) or facts.amount_minor <= large:
        return None
    return Hit(
        rule="new_beneficiary_large_amount",
        detail=f"first transfer to a beneficiary saved {facts.beneficiary_age_days} days ago",
        score=30,
        action=ScreeningAction.add_level,
        addon="new_beneficiary_large_amount",
    )


def rule_high_risk_customer(facts: ScreeningFacts) -> Hit | None:
    if not facts.customer_high_risk:
        return None
    large = rule_large_value(facts) is not None
    return Hit(
        rule="high_risk_customer",
        detail="high-risk customer" + (" with a large-value transfer" if large else ""),
        score=50 if large else 30,
        action=ScreeningAction.review if large else ScreeningAction.add_level,
        addon="high_risk_customer",
    )


RULES: list[Rule] = [rule_large_value, rule_new_beneficiary_large_amount, rule_high_risk_customer]
"""The rules in force; the risk engine appends its own with :func:`register_rule`."""


def register_rule(rule: Rule) -> None:
    if rule not in RULES:
        RULES.append(rule)


def screen(facts: ScreeningFacts) -> ScreeningResult:
    hits = tuple(hit for rule in RULES if (hit := rule(facts)) is not None)
    action = max((h.action for h in hits), key=_SEVERITY.__getitem__, default=ScreeningAction.allow)
    return ScreeningResult(score=min(100, sum(h.score for h in hits)), action=action, hits=hits)
