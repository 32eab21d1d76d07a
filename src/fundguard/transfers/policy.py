"""The approval policy as data, the approval check, and the hash approvals are bound to.

Pure, no ORM. A policy gives, per currency, amount tiers (upper bounds in minor units,
inclusive) and the levels each needs; risk add-ons (from screening) add levels. Approvals go
level by level, L1 first. The service looks up approvals and the approver's usage under lock and
calls :func:`approval_check`; this module decides.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

from fundguard.core.errors import DomainError
from fundguard.transfers.errors import TransferError

BINDING_HASH_VERSION = 1
"""Written into every binding hash: a change to what is bound must change this number."""


class ApprovalLevel(StrEnum):
    l1 = "l1"
    l2 = "l2"
    l3 = "l3"


LEVEL_ORDER: tuple[ApprovalLevel, ...] = (ApprovalLevel.l1, ApprovalLevel.l2, ApprovalLevel.l3)


@dataclass(frozen=True, slots=True)
class ApprovalTier:
    """Amounts up to ``up_to_minor`` (inclusive; None: no upper bound) need ``levels``."""

    up_to_minor: int | None
    levels: tuple[ApprovalLevel, ...]


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """One version of the policy. A larger amount never needs fewer levels (checked here)."""

    version: int
    tiers: Mapping[str, tuple[ApprovalTier, ...]]
    risk_addons: Mapping[str, tuple[ApprovalLevel, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", MappingProxyType(dict(self.tiers)))
        object.__setattr__(self, "risk_addons", MappingProxyType(dict(self.risk_addons)))
        problem = _policy_problem(self)
        if problem:
            raise DomainError(TransferError.approval_policy_invalid, detail=problem)


def _levels_problem(levels: tuple[ApprovalLevel, ...]) -> str | None:
    if not levels:
        return "no levels"
    if any(level not in LEVEL_ORDER for level in levels):
        return f"unknown level in {levels}"
    if list(levels) != sorted(set(levels), key=LEVEL_ORDER.index):
        return f"levels {levels} are not in order or repeat"
    return None


def _policy_problem(policy: ApprovalPolicy) -> str | None:
    if policy.version < 1:
        return "the version starts at 1"
    for currency, tiers in policy.tiers.items():
        if not tiers:
            return f"{currency}: no tiers"
        if tiers[-1].up_to_minor is not None:
            return f"{currency}: the last tier must have no upper bound"
        bounds = [t.up_to_minor for t in tiers[:-1] if t.up_to_minor is not None]
        if len(bounds) != len(tiers) - 1 or any(b < 1 for b in bounds):
            return f"{currency}: only the last tier is unbounded; bounds are positive"
        if any(a >= b for a, b in pairwise(bounds)):
            return f"{currency}: tier bounds must increase"
        for tier in tiers:
            if problem := _levels_problem(tier.levels):
                return f"{currency}: {problem}"
        for lower, upper in pairwise(tiers):
            if not set(lower.levels) <= set(upper.levels):
                return f"{currency}: a higher tier must keep every level of the one below"
    for addon, levels in policy.risk_addons.items():
        if problem := _levels_problem(levels):
            return f"risk add-on {addon}: {problem}"
    return None


L1, L2, L3 = LEVEL_ORDER

DEFAULT_APPROVAL_POLICY = ApprovalPolicy(
    version=1,
    tiers={
        "CNY": (
            ApprovalTier(up_to_minor=5_000_000, levels=(L1,)),  # up to 50,000.00
            ApprovalTier(up_to_minor=50_000_000, levels=(L1, L2)),  # up to 500,000.00
            ApprovalTier(up_to_minor=None, levels=(L1, L2, L3)),
        ),
        "USD": (
            ApprovalTier(up_to_minor=700_000, levels=(L1,)),  # up to 7,000.00
            ApprovalTier(up_to_minor=7_000_000, levels=(L1, L2)),  # up to 70,000.00
            ApprovalTier(up_to_minor=None, levels=(L1, L2, L3)),
        ),
    },
    risk_addons={
        # Screening asks for more eyes: at least a manager (L2) approves.
        "high_risk_customer": (L1, L2),
        "new_beneficiary_large_amount": (L1, L2),
        "screening_extra_level": (L1, L2),
    },
)
"""The defaults of issue 5 for CNY (USD at about the same values); administrators replace them
with versions of their own."""


def required_levels(
    policy: ApprovalPolicy,
    amount_minor: int,
    currency: str,
    risk_addons: Iterable[str] = (),
) -> tuple[ApprovalLevel, ...]:
    """The levels, in order, that must approve ``amount_minor`` of ``currency``."""
    if amount_minor < 1:
        raise DomainError(TransferError.transfer_amount_not_positive, field="amount")
    tiers = policy.tiers.get(currency)
    if tiers is None:
        raise DomainError(
            TransferError.currency_not_in_approval_policy,
            field="currency",
            version=policy.version,
            currency=currency,
        )
    tier = next(t for t in tiers if t.up_to_minor is None or amount_minor <= t.up_to_minor)
    levels = set(tier.levels)
    for addon in risk_addons:
        if addon not in policy.risk_addons:
            raise DomainError(TransferError.risk_addon_unknown, version=policy.version, addon=addon)
        levels |= set(policy.risk_addons[addon])
    return tuple(level for level in LEVEL_ORDER if level in levels)


@dataclass(frozen=True, slots=True)
class Beneficiary:
    name: str
    account_number: str
    bank_name: str
    country: str
    bank_code: str = ""


@dataclass(frozen=True, slots=True)
class TransferFacts:
    """What an approval is given on. All but ``maker_id`` are bound by the binding hash."""

    maker_id: int
    amount_minor: int
    currency: str
    beneficiary: Beneficiary
    source_account_id: int
    execution_date: datetime.date
    purpose: str


BOUND_FIELDS: tuple[str, ...] = (
    "amount_minor",
    "currency",
    "beneficiary",
    "source_account_id",
    "execution_date",
    "purpose",
)


def approval_binding_hash(facts: TransferFacts) -> str:
    """SHA-256 (hex) over a canonical JSON of the bound fields of ``facts``."""
    bound = {
        "v": BINDING_HASH_VERSION,
        "amount_minor": facts.amount_minor,
        "currency": facts.currency,
        "beneficiary": {f.name: getattr(facts.beneficiary, f.name) for f in fields(Beneficiary)},
        "source_account_id": facts.source_account_id,
        "execution_date": facts.execution_date.isoformat(),
        "purpose": facts.purpose,
    }
    text = json.dumps(bound, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Approval:
    """One approval as recorded: who, at which level, on which version of the transfer."""

    approver_id: int
    level: ApprovalLevel
    binding_hash: str


def approvals_still_valid(
    approvals: Iterable[Approval], facts: TransferFacts
) -> tuple[Approval, ...]:
    """The approvals given on ``facts`` as they stand; any edit of a bound field voids the rest."""
    current = approval_binding_hash(facts)
    return tuple(a for a in approvals if a.binding_hash == current)


def levels_outstanding(
    required: tuple[ApprovalLevel, ...], approvals: Iterable[Approval], facts: TransferFacts
) -> tuple[ApprovalLevel, ...]:
    """The required levels still waiting, in order (empty: fully approved)."""
    given = {a.level for a in approvals_still_valid(approvals, facts)}
    return tuple(level for level in required if level not in given)


@dataclass(frozen=True, slots=True)
class ApproverLimits:
    """An approver's limits and today's use, in minor units of the transfer's currency."""

    limit_single_minor: int
    limit_daily_minor: int
    used_today_minor: int


def approval_check(
    *,
    transfer_facts: TransferFacts,
    required_levels: tuple[ApprovalLevel, ...],
    approvals_so_far: Iterable[Approval],
    approver_id: int,
    approver_level: ApprovalLevel,
    approver_limits: ApproverLimits,
    otp_verified: bool,
    otp_threshold_minor: int,
) -> ApprovalLevel:
    """The level this approval fills, or a :class:`DomainError` saying why it may not be given.

    Checked in this order: the maker never approves; one person approves one level; levels go
    in order (the approver's level must be the next one waiting); the single-transfer and daily
    limits; above ``otp_threshold_minor`` a fresh one-time code. Approvals given before an edit
    of a bound field no longer count.
    """
    facts = transfer_facts
    valid = approvals_still_valid(approvals_so_far, facts)
    if approver_id == facts.maker_id:
        raise DomainError(TransferError.approver_is_maker)
    mine = [a for a in valid if a.approver_id == approver_id]
    if mine:
        raise DomainError(TransferError.level_already_approved_by_user, level=mine[0].level)
    waiting = levels_outstanding(required_levels, valid, facts)
    if not waiting:
        raise DomainError(TransferError.approvals_already_complete)
    if approver_level not in required_levels:
        raise DomainError(TransferError.approval_level_not_required, level=approver_level)
    if approver_level != waiting[0]:
        raise DomainError(
            TransferError.approval_out_of_order, level=approver_level, expected=waiting[0]
        )
    amount_minor = facts.amount_minor
    if amount_minor > approver_limits.limit_single_minor:
        raise DomainError(TransferError.approval_limit_exceeded, field="amount")
    if approver_limits.used_today_minor + amount_minor > approver_limits.limit_daily_minor:
        raise DomainError(TransferError.approval_daily_limit_exceeded, field="amount")
    if amount_minor > otp_threshold_minor and not otp_verified:
        raise DomainError(TransferError.otp_required, field="otp")
    return approver_level


def policy_to_document(policy: ApprovalPolicy) -> dict[str, object]:
    """The JSON form stored with each policy version (amounts in minor units)."""
    return {
        "tiers": {
            currency: [
                {"up_to_minor": t.up_to_minor, "levels": [str(level) for level in t.levels]}
                for t in tiers
            ]
            for currency, tiers in policy.tiers.items()
        },
        "risk_addons": {
            addon: [str(level) for level in levels] for addon, levels in policy.risk_addons.items()
        },
    }


def policy_from_document(version: int, document: Mapping[str, object]) -> ApprovalPolicy:
    """Read a stored or submitted policy; anything malformed is ``approval_policy_invalid``."""
    try:
        tiers_doc = document["tiers"]
        addons_doc = document.get("risk_addons", {})
        if not isinstance(tiers_doc, Mapping) or not isinstance(addons_doc, Mapping):
            raise TypeError("tiers and risk_addons are objects keyed by currency and add-on")
        tiers = {
            str(currency): tuple(
                ApprovalTier(
                    up_to_minor=None if t["up_to_minor"] is None else int(t["up_to_minor"]),
                    levels=tuple(ApprovalLevel(level) for level in t["levels"]),
                )
                for t in currency_tiers
            )
            for currency, currency_tiers in tiers_doc.items()
        }
        addons = {
            str(addon): tuple(ApprovalLevel(level) for level in levels)
            for addon, levels in addons_doc.items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(
            TransferError.approval_policy_invalid, field="document", detail=str(exc)
        ) from None
    return ApprovalPolicy(version=version, tiers=tiers, risk_addons=addons)
