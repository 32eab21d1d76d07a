"""Approval policy and check (separation of duties, limits, OTP) and the binding hash."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundguard.core.errors import DomainError
from fundguard.transfers.policy import (
    BOUND_FIELDS,
    DEFAULT_APPROVAL_POLICY,
    LEVEL_ORDER,
    Approval,
    ApprovalLevel,
    ApprovalPolicy,
    ApprovalTier,
    ApproverLimits,
    Beneficiary,
    TransferFacts,
    approval_binding_hash,
    approval_check,
    approvals_still_valid,
    levels_outstanding,
    required_levels,
)

L1, L2, L3 = ApprovalLevel.l1, ApprovalLevel.l2, ApprovalLevel.l3
MAKER, ANNA, BO, CHEN, DU = 1, 2, 3, 4, 5
AMPLE = ApproverLimits(limit_single_minor=10**12, limit_daily_minor=10**13, used_today_minor=0)
OTP_THRESHOLD_MINOR = 10_000_000  # 100,000.00

FACTS = TransferFacts(
    maker_id=MAKER,
    amount_minor=60_000_000,  # 600,000.00 CNY: L1 + L2 + L3
    currency="CNY",
    beneficiary=Beneficiary(
        name="上海某某贸易有限公司",
        account_number="6222020200001234567",
        bank_name="中国工商银行上海分行",
        country="CN",
    ),
    source_account_id=42,
    execution_date=datetime.date(2026, 11, 24),
    purpose="货款",
)
ALL_THREE = (L1, L2, L3)


def _approval(approver_id: int, level: ApprovalLevel, facts: TransferFacts = FACTS) -> Approval:
    return Approval(approver_id=approver_id, level=level, binding_hash=approval_binding_hash(facts))


def _check(
    approver_id: int,
    level: ApprovalLevel,
    so_far: tuple[Approval, ...] = (),
    *,
    facts: TransferFacts = FACTS,
    required: tuple[ApprovalLevel, ...] = ALL_THREE,
    limits: ApproverLimits = AMPLE,
    otp_verified: bool = True,
) -> ApprovalLevel:
    return approval_check(
        transfer_facts=facts,
        required_levels=required,
        approvals_so_far=so_far,
        approver_id=approver_id,
        approver_level=level,
        approver_limits=limits,
        otp_verified=otp_verified,
        otp_threshold_minor=OTP_THRESHOLD_MINOR,
    )


def _refusal(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value.code


# -- tiers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount_minor", "levels"),
    [
        (1, (L1,)),
        (4_999_999, (L1,)),
        (5_000_000, (L1,)),  # 50,000.00: still L1 only
        (5_000_001, (L1, L2)),  # one fen above
        (49_999_999, (L1, L2)),
        (50_000_000, (L1, L2)),  # 500,000.00: still L1 + L2
        (50_000_001, (L1, L2, L3)),  # one fen above
        (2**63 - 1, (L1, L2, L3)),
    ],
)
def test_cny_default_tiers_at_their_bounds(amount_minor, levels):
    assert required_levels(DEFAULT_APPROVAL_POLICY, amount_minor, "CNY") == levels


def test_a_risk_add_on_raises_the_levels_but_never_lowers_them():
    policy = DEFAULT_APPROVAL_POLICY

    assert required_levels(policy, 100_00, "CNY", ["high_risk_customer"]) == (L1, L2)
    assert required_levels(policy, 600_000_00, "CNY", ["high_risk_customer"]) == ALL_THREE
    assert required_levels(policy, 100_00, "CNY", ["high_risk_customer"] * 2) == (L1, L2)


def test_an_unknown_risk_add_on_is_refused():
    code = _refusal(required_levels, DEFAULT_APPROVAL_POLICY, 100, "CNY", ["gut_feeling"])

    assert code == "risk_addon_unknown"


def test_a_currency_without_tiers_is_refused():
    code = _refusal(required_levels, DEFAULT_APPROVAL_POLICY, 100, "EUR")

    assert code == "currency_not_in_approval_policy"


@pytest.mark.parametrize("amount_minor", [0, -1, -5_000_000])
def test_an_amount_that_is_not_positive_is_refused(amount_minor):
    code = _refusal(required_levels, DEFAULT_APPROVAL_POLICY, amount_minor, "CNY")

    assert code == "transfer_amount_not_positive"


def _tiers(*pairs: tuple[int | None, tuple[ApprovalLevel, ...]]) -> dict[str, tuple]:
    return {"CNY": tuple(ApprovalTier(up_to_minor=b, levels=lv) for b, lv in pairs)}


@pytest.mark.parametrize(
    ("version", "tiers", "addons", "detail"),
    [
        (0, _tiers((None, (L1,))), {}, "version"),
        (1, {"CNY": ()}, {}, "no tiers"),
        (1, _tiers((100, (L1,))), {}, "no upper bound"),
        (1, _tiers((None, (L1,)), (None, (L1,))), {}, "only the last tier"),
        (1, _tiers((0, (L1,)), (None, (L1,))), {}, "positive"),
        (1, _tiers((100, (L1,)), (100, (L1,)), (None, (L1,))), {}, "increase"),
        (1, _tiers((None, ())), {}, "no levels"),
        (1, _tiers((None, (L2, L1))), {}, "not in order"),
        (1, _tiers((None, ("l4",))), {}, "unknown level"),
        (1, _tiers((None, (L1, L1))), {}, "repeat"),
        (1, _tiers((100, (L1, L2)), (None, (L1,))), {}, "keep every level"),
        (1, _tiers((None, (L1,))), {"x": ()}, "risk add-on x"),
    ],
)
def test_a_malformed_policy_is_refused(version, tiers, addons, detail):
    with pytest.raises(DomainError) as refused:
        ApprovalPolicy(version=version, tiers=tiers, risk_addons=addons)

    assert refused.value.code == "approval_policy_invalid"
    assert detail in refused.value.message


def test_a_policy_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        DEFAULT_APPROVAL_POLICY.tiers["USD"] = ()  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_APPROVAL_POLICY.version = 2  # type: ignore[misc]


@st.composite
def policies(draw: st.DrawFn) -> ApprovalPolicy:
    count = draw(st.integers(1, 4))
    bounds = sorted(draw(st.sets(st.integers(1, 10**12), min_size=count - 1, max_size=count - 1)))
    levels: set[ApprovalLevel] = set()
    tiers = []
    for bound in [*bounds, None]:
        levels |= draw(st.sets(st.sampled_from(LEVEL_ORDER), min_size=0 if levels else 1))
        tiers.append(ApprovalTier(bound, tuple(lv for lv in LEVEL_ORDER if lv in levels)))
    addons = {
        f"addon{i}": tuple(sorted(lvs, key=LEVEL_ORDER.index))
        for i, lvs in enumerate(
            draw(st.lists(st.sets(st.sampled_from(LEVEL_ORDER), min_size=1), max_size=3))
        )
    }
    return ApprovalPolicy(
        version=draw(st.integers(1, 99)), tiers={"CNY": tuple(tiers)}, risk_addons=addons
    )


@settings(max_examples=300, deadline=None)
@given(
    policy=policies(),
    amounts=st.lists(st.integers(1, 10**13), min_size=2, max_size=2).map(sorted),
    data=st.data(),
)
def test_required_levels_are_monotone_in_the_amount(policy, amounts, data):
    addons = data.draw(st.lists(st.sampled_from(sorted(policy.risk_addons) or ["-"])))
    addons = [a for a in addons if a in policy.risk_addons]
    smaller, larger = amounts

    fewer = required_levels(policy, smaller, "CNY", addons)
    more = required_levels(policy, larger, "CNY", addons)

    assert set(fewer) <= set(more)
    assert fewer
    assert list(more) == sorted(set(more), key=LEVEL_ORDER.index)
    assert set(required_levels(policy, larger, "CNY")) <= set(more)


# -- separation of duties ------------------------------------------------------------------

# (who approves, at which level, approvals already given) -> the level filled or the refusal.
SOD_MATRIX = [
    (MAKER, L1, (), "approver_is_maker"),
    (MAKER, L2, ((ANNA, L1),), "approver_is_maker"),
    (MAKER, L3, ((ANNA, L1), (BO, L2)), "approver_is_maker"),
    (ANNA, L1, (), L1),
    (ANNA, L2, ((ANNA, L1),), "level_already_approved_by_user"),
    (ANNA, L3, ((ANNA, L1), (BO, L2)), "level_already_approved_by_user"),
    (BO, L3, ((ANNA, L1), (BO, L2)), "level_already_approved_by_user"),
    (BO, L2, ((ANNA, L1),), L2),
    (CHEN, L3, ((ANNA, L1), (BO, L2)), L3),
    (BO, L2, (), "approval_out_of_order"),
    (CHEN, L3, ((ANNA, L1),), "approval_out_of_order"),
    (BO, L1, ((ANNA, L1),), "approval_out_of_order"),
    (DU, L3, ((ANNA, L1), (BO, L2), (CHEN, L3)), "approvals_already_complete"),
]


@pytest.mark.parametrize(("approver_id", "level", "given", "expected"), SOD_MATRIX)
def test_separation_of_duties_matrix(approver_id, level, given, expected):
    so_far = tuple(_approval(who, lv) for who, lv in given)

    if isinstance(expected, ApprovalLevel):
        assert _check(approver_id, level, so_far) == expected
    else:
        assert _refusal(_check, approver_id, level, so_far) == expected


def test_a_level_the_transfer_does_not_need_is_refused():
    small = dataclasses.replace(FACTS, amount_minor=100_00)

    code = _refusal(_check, BO, L2, facts=small, required=(L1,))

    assert code == "approval_level_not_required"
    assert _refusal(_check, CHEN, L3, (), facts=small, required=(L1, L2)) == (
        "approval_level_not_required"
    )


def test_the_maker_is_refused_before_anything_else():
    broke = ApproverLimits(limit_single_minor=0, limit_daily_minor=0, used_today_minor=0)

    assert _refusal(_check, MAKER, L2, limits=broke, otp_verified=False) == "approver_is_maker"


def test_the_last_level_is_the_final_approval():
    so_far = (_approval(ANNA, L1), _approval(BO, L2))

    assert levels_outstanding(ALL_THREE, so_far, FACTS) == (L3,)
    assert levels_outstanding(ALL_THREE, (*so_far, _approval(CHEN, L3)), FACTS) == ()


# -- limits and the one-time code ----------------------------------------------------------


def _limits(single: int, daily: int, used: int = 0) -> ApproverLimits:
    return ApproverLimits(limit_single_minor=single, limit_daily_minor=daily, used_today_minor=used)


def test_an_amount_exactly_at_the_single_limit_is_approved_and_one_fen_more_is_not():
    at = _limits(FACTS.amount_minor, 10**13)
    below = _limits(FACTS.amount_minor - 1, 10**13)

    assert _check(ANNA, L1, limits=at) == L1
    assert _refusal(_check, ANNA, L1, limits=below) == "approval_limit_exceeded"


def test_the_daily_limit_counts_what_was_approved_today():
    daily = 100_000_000
    fits = _limits(10**12, daily, used=daily - FACTS.amount_minor)
    over = _limits(10**12, daily, used=daily - FACTS.amount_minor + 1)

    assert _check(ANNA, L1, limits=fits) == L1
    assert _refusal(_check, ANNA, L1, limits=over) == "approval_daily_limit_exceeded"


@pytest.mark.parametrize(
    ("amount_minor", "otp_verified", "expected"),
    [
        (OTP_THRESHOLD_MINOR, False, L1),
        (OTP_THRESHOLD_MINOR + 1, False, "otp_required"),
        (OTP_THRESHOLD_MINOR + 1, True, L1),
    ],
)
def test_a_one_time_code_is_needed_above_the_threshold(amount_minor, otp_verified, expected):
    facts = dataclasses.replace(FACTS, amount_minor=amount_minor)

    if expected == "otp_required":
        assert _refusal(_check, ANNA, L1, facts=facts, otp_verified=otp_verified) == expected
    else:
        assert _check(ANNA, L1, facts=facts, otp_verified=otp_verified) == expected


# -- the binding hash ----------------------------------------------------------------------


def test_the_binding_hash_is_sha256_hex_and_stable():
    digest = approval_binding_hash(FACTS)

    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == approval_binding_hash(dataclasses.replace(FACTS))


def test_the_binding_hash_is_pinned_to_its_canonical_text():
    # Stored approvals carry this hash: changing the canonical form needs a new
    # BINDING_HASH_VERSION, or every approval in flight would be voided.
    canonical = (
        '{"amount_minor":60000000,"beneficiary":{"account_number":"6222020200001234567",'
        '"bank_code":"","bank_name":"中国工商银行上海分行","country":"CN",'
        '"name":"上海某某贸易有限公司"},"currency":"CNY","execution_date":"2026-11-24",'
        '"purpose":"货款","source_account_id":42,"v":1}'
    )

    assert approval_binding_hash(FACTS) == hashlib.sha256(canonical.encode()).hexdigest()
    assert approval_binding_hash(FACTS) == (
        "3ce41432ba0af2564077a6a28ac82c7d25f239199019fa078f4ea98a2540884a"
    )


def test_the_maker_is_not_bound():
    assert approval_binding_hash(dataclasses.replace(FACTS, maker_id=99)) == (
        approval_binding_hash(FACTS)
    )
    assert set(BOUND_FIELDS) == {f.name for f in dataclasses.fields(TransferFacts)} - {"maker_id"}


def test_an_edit_voids_the_approvals_given_before_it():
    so_far = (_approval(ANNA, L1), _approval(BO, L2))
    edited = dataclasses.replace(FACTS, purpose="服务费")

    assert approvals_still_valid(so_far, FACTS) == so_far
    assert approvals_still_valid(so_far, edited) == ()
    assert levels_outstanding(ALL_THREE, so_far, edited) == ALL_THREE
    # After the edit the workflow starts again at L1; CHEN may not skip to L3.
    assert _refusal(_check, CHEN, L3, so_far, facts=edited) == "approval_out_of_order"
    assert _check(ANNA, L1, so_far, facts=edited) == L1


texts = st.text(max_size=30)
BENEFICIARY_CHANGES = {
    "name": texts,
    "account_number": texts,
    "bank_name": texts,
    "country": texts,
    "bank_code": texts,
}
FACT_CHANGES = {
    "amount_minor": st.integers(1, 2**63 - 1),
    "currency": st.sampled_from(["CNY", "USD", "EUR", "HKD", "JPY"]),
    "source_account_id": st.integers(1, 2**63 - 1),
    "execution_date": st.dates(),
    "purpose": texts,
}


@st.composite
def one_field_changed(draw: st.DrawFn) -> TransferFacts:
    name = draw(st.sampled_from(sorted(BOUND_FIELDS)))
    if name == "beneficiary":
        part = draw(st.sampled_from(sorted(BENEFICIARY_CHANGES)))
        value = draw(
            BENEFICIARY_CHANGES[part].filter(lambda v: v != getattr(FACTS.beneficiary, part))
        )
        return dataclasses.replace(
            FACTS, beneficiary=dataclasses.replace(FACTS.beneficiary, **{part: value})
        )
    value = draw(FACT_CHANGES[name].filter(lambda v: v != getattr(FACTS, name)))
    return dataclasses.replace(FACTS, **{name: value})


@settings(max_examples=500, deadline=None)
@given(edited=one_field_changed())
def test_any_change_to_a_bound_field_changes_the_hash(edited):
    assert approval_binding_hash(edited) != approval_binding_hash(FACTS)
    assert approvals_still_valid([_approval(ANNA, L1)], edited) == ()


# -- no sequence of approvals breaks separation of duties ---------------------------------

attempts = st.lists(
    st.tuples(st.sampled_from([MAKER, ANNA, BO, CHEN]), st.sampled_from(LEVEL_ORDER)),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(
    attempts=attempts,
    required=st.sampled_from([(L1,), (L1, L2), ALL_THREE, (L1, L3), (L2,)]),
    amount_minor=st.integers(1, 10**9),
    otp_verified=st.booleans(),
)
def test_no_sequence_of_approvals_lets_the_maker_or_one_person_approve_twice(
    attempts, required, amount_minor, otp_verified
):
    facts = dataclasses.replace(FACTS, amount_minor=amount_minor)
    accepted: list[Approval] = []
    for approver_id, level in attempts:
        try:
            filled = _check(
                approver_id,
                level,
                tuple(accepted),
                facts=facts,
                required=required,
                otp_verified=otp_verified,
            )
        except DomainError:
            continue
        accepted.append(_approval(approver_id, filled, facts))

    approvers = [a.approver_id for a in accepted]
    assert MAKER not in approvers
    assert len(approvers) == len(set(approvers))
    assert tuple(a.level for a in accepted) == required[: len(accepted)]
    if amount_minor > OTP_THRESHOLD_MINOR and not otp_verified:
        assert accepted == []
