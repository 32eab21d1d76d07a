"""Registering and editing customers, their identity documents and beneficial owners."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import currency_exponent
from fundguard.customers.errors import CustomerError, invalid
from fundguard.customers.masking import last4, mask_name, mask_value
from fundguard.customers.models import (
    BeneficialOwner,
    Customer,
    CustomerKind,
    Gender,
    IdentityDocument,
    IdType,
    OverrideStatus,
    RiskRating,
)
from fundguard.customers.risk import risk_assess
from fundguard.customers.services._common import check, customer_locked, next_review_on
from fundguard.customers.validation import (
    country_clean,
    email_clean,
    id_number_clean,
    id_type_clean,
    phone_clean,
)
from fundguard.customers.vault import (
    Vault,
    index_key_id,
    index_of,
    indexes_of,
    vault_create,
    vault_for,
)

MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 500
MAX_ADDRESS_CHARS = 500
MAX_PURPOSES = 20
ID_INDEX_PURPOSE = "id_number"
PERSONAL_FIELDS = ("phone", "email", "address")
RISK_FIELDS = frozenset(
    {
        "country",
        "nationality",
        "industry",
        "is_pep",
        "expected_monthly_volume_minor",
        "expected_volume_currency",
    }
)


@dataclass
class CustomerInput:
    """Validated, normalized fields of a customer, ready to store (see customer_input_clean)."""

    kind: str
    name: str
    id_type: str
    id_number: str
    country: str
    name_latin: str = ""
    gender: str = ""
    nationality: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    occupation: str = ""
    industry: str = ""
    is_pep: bool = False
    expected_monthly_volume_minor: int | None = None
    expected_volume_currency: str = ""
    purposes: list[str] = field(default_factory=list)
    source_of_funds: str = ""
    legal_representative_name: str = ""
    legal_representative_id_type: str = ""
    legal_representative_id_number: str = ""


def _text(value: Any, field_name: str, *, limit: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if (required and not text) or len(text) > limit:
        raise DomainError(CoreError.invalid_input, field=field_name)
    return text


def _gender(value: str) -> str:
    if value and value not in Gender.values:
        raise DomainError(CoreError.invalid_input, field="gender")
    return value or ""


def _purposes(value: Sequence[str] | None) -> list[str]:
    items = [str(p).strip() for p in (value or []) if str(p).strip()]
    if len(items) > MAX_PURPOSES or any(len(p) > 100 for p in items):
        raise DomainError(CoreError.invalid_input, field="purposes")
    return items


def _volume(amount_minor: int | None, currency: str) -> tuple[int | None, str]:
    if amount_minor is None:
        return None, ""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor < 0:
        raise DomainError(CoreError.invalid_input, field="expected_monthly_volume")
    currency = (currency or "").upper()
    currency_exponent(currency)
    return amount_minor, currency


def _kind(value: str) -> str:
    if value not in CustomerKind.values:
        raise invalid(CustomerError.customer_kind_unknown, "kind")
    return value


# Field cleaners for create and PATCH alike: (value, customer kind) -> stored value.
_CLEANERS: dict[str, Any] = {
    "name": lambda v, k: _text(v, "name", limit=MAX_NAME_CHARS, required=True),
    "name_latin": lambda v, k: _text(v, "name_latin", limit=MAX_NAME_CHARS),
    "gender": lambda v, k: _gender(v) if k == CustomerKind.person else "",
    "nationality": lambda v, k: country_clean(v, field="nationality") if v else "",
    "country": lambda v, k: country_clean(v, field="country"),
    "phone": lambda v, k: phone_clean(v) if v else "",
    "email": lambda v, k: email_clean(v) if v else "",
    "address": lambda v, k: _text(v, "address", limit=MAX_ADDRESS_CHARS),
    "occupation": lambda v, k: _text(v, "occupation", limit=MAX_NAME_CHARS),
    "industry": lambda v, k: _text(v, "industry", limit=100),
    "is_pep": lambda v, k: bool(v),
    "purposes": lambda v, k: _purposes(v),
    "source_of_funds": lambda v, k: _text(v, "source_of_funds", limit=MAX_TEXT_CHARS),
    "legal_representative_name": lambda v, k: _text(
        v, "legal_representative_name", limit=MAX_NAME_CHARS
    ),
}
EDITABLE_FIELDS = frozenset(_CLEANERS) | {
    "expected_monthly_volume_minor",
    "expected_volume_currency",
}


def customer_input_clean(
    *,
    kind: str,
    name: str,
    id_type: str,
    id_number: str,
    country: str,
    **optional: Any,
) -> CustomerInput:
    """Validate and normalize a customer's fields; the first problem is raised, naming the field.

    Needs no database: the API, the console forms and the import's dry run call it too.
    """
    kind = _kind(kind)
    unknown = set(optional) - set(CustomerInput.__dataclass_fields__)
    if unknown:
        raise DomainError(CustomerError.field_not_editable, field=sorted(unknown)[0])
    values: dict[str, Any] = {"kind": kind}
    for name_, value in {"name": name, "country": country, **optional}.items():
        cleaner = _CLEANERS.get(name_)
        values[name_] = cleaner(value, kind) if cleaner else value
    values["id_type"] = id_type_clean(id_type, kind=kind)
    values["id_number"] = id_number_clean(
        values["id_type"], id_number, gender=values.get("gender", "")
    )
    amount, currency = _volume(
        optional.get("expected_monthly_volume_minor"), optional.get("expected_volume_currency", "")
    )
    values["expected_monthly_volume_minor"], values["expected_volume_currency"] = amount, currency
    rep_type = optional.get("legal_representative_id_type") or ""
    rep_number = optional.get("legal_representative_id_number") or ""
    if kind == CustomerKind.person and (
        rep_type or rep_number or values.get("legal_representative_name")
    ):
        raise invalid(CustomerError.owners_only_for_organizations, "legal_representative_name")
    if rep_type or rep_number:
        values["legal_representative_id_type"] = id_type_clean(
            rep_type, kind=CustomerKind.person, field="legal_representative_id_type"
        )
        values["legal_representative_id_number"] = id_number_clean(
            rep_type, rep_number, field="legal_representative_id_number"
        )
    return CustomerInput(**values)


def _seal_personal(customer: Customer, vault: Vault, values: Mapping[str, str]) -> list[str]:
    """Seal phone/email/address given in ``values`` onto ``customer``; the fields changed."""
    changed: list[str] = []
    for name in PERSONAL_FIELDS:
        if name in values:
            setattr(customer, f"{name}_sealed", vault.seal(Customer, name, values[name]))
            setattr(customer, f"{name}_last4", last4(values[name]))
            changed += [f"{name}_sealed", f"{name}_last4"]
    return changed


def _latest_rating(customer: Customer) -> RiskRating | None:
    return RiskRating.objects.filter(customer=customer).order_by("-id").first()


def rating_write(
    *,
    customer: Customer,
    actor: Any,
    products_channels_score: int | None = None,
    adverse_history_score: int | None = None,
    carry_override: bool = True,
) -> RiskRating:
    """Score the customer anew (inside the caller's transaction) and store the rating.

    Scores not given are carried from the last rating. With ``carry_override`` an approved
    override stays in force: editing a factor cannot undo a second person's decision.
    """
    previous = _latest_rating(customer)
    previous_factors = previous.factors if previous else {}
    assessment = risk_assess(
        country=customer.country,
        nationality=customer.nationality,
        industry=customer.industry,
        is_pep=customer.is_pep,
        expected_monthly_volume_minor=customer.expected_monthly_volume_minor,
        expected_volume_currency=customer.expected_volume_currency,
        products_channels_score=(
            products_channels_score
            if products_channels_score is not None
            else int(previous_factors.get("products_channels", 0))
        ),
        adverse_history_score=(
            adverse_history_score
            if adverse_history_score is not None
            else int(previous_factors.get("adverse_history", 0))
        ),
    )
    rating = RiskRating(
        customer=customer,
        factors=assessment.factors,
        total_score=assessment.total,
        computed_level=assessment.level,
        rated_by=actor,
    )
    if carry_override and previous and previous.override_status == OverrideStatus.approved:
        rating.override_level = previous.override_level
        rating.override_reason = previous.override_reason
        rating.override_status = OverrideStatus.approved
        rating.rated_by = previous.rated_by
        rating.approved_by = previous.approved_by
        rating.approved_at = previous.approved_at
    rating.save()
    return rating


def risk_level_apply(customer: Customer, level: str) -> dict[str, list[Any]]:
    """Set the level in force (and what follows from it); the changed fields for the audit."""
    changes: dict[str, list[Any]] = {}
    if customer.risk_level != level:
        changes["risk_level"] = [customer.risk_level, level]
        customer.risk_level = level
    if level == "high" and customer.category != "high_risk":
        changes["category"] = [customer.category, "high_risk"]
        customer.category = "high_risk"
    last_verified = customer.kyc_reviews.filter(outcome="verified").order_by("-id").first()
    if customer.kyc_status == "verified" and last_verified is not None:
        due = next_review_on(last_verified.reviewed_on, level)
        if due != customer.next_review_on:
            changes["next_review_on"] = [customer.next_review_on, due]
            customer.next_review_on = due
    return changes


def _id_taken(id_type: str, number: str) -> bool:
    """Held by a customer, under any blind-index key (rows not yet rebuilt included)."""
    return IdentityDocument.objects.filter(
        id_type=id_type, number_index__in=indexes_of(number, ID_INDEX_PURPOSE)
    ).exists()


def _audit_view(clean: CustomerInput) -> dict[str, list[Any]]:
    """What the audit trail may hold about a new customer: nothing in clear text."""
    return {
        "kind": [None, clean.kind],
        "name": [None, mask_name(clean.name)],
        "country": [None, clean.country],
        "id_type": [None, clean.id_type],
        "id_number": [None, mask_value(clean.id_number)],
        "phone": [None, mask_value(clean.phone)],
        "email": [None, mask_value(clean.email)],
        "address": [None, mask_value(clean.address)],
        "is_pep": [None, clean.is_pep],
    }


def customer_insert(*, actor: Any, clean: CustomerInput, via: str = "") -> Customer:
    """Store one validated customer inside the caller's transaction (create and import).

    Refused with ``id_number_taken`` when another customer holds the number; the caller
    checked the permission and opened the transaction. ``via`` names a bulk source (an
    import) in the audit record.
    """
    if _id_taken(clean.id_type, clean.id_number):
        raise invalid(CustomerError.id_number_taken, "id_number", id_type=clean.id_type)
    customer = Customer.objects.create(
        kind=clean.kind,
        name=clean.name,
        name_latin=clean.name_latin,
        gender=clean.gender,
        nationality=clean.nationality,
        country=clean.country,
        occupation=clean.occupation,
        industry=clean.industry,
        is_pep=clean.is_pep,
        expected_monthly_volume_minor=clean.expected_monthly_volume_minor,
        expected_volume_currency=clean.expected_volume_currency,
        purposes=clean.purposes,
        source_of_funds=clean.source_of_funds,
        legal_representative_name=clean.legal_representative_name,
        legal_representative_id_type=clean.legal_representative_id_type,
        created_by=actor,
    )
    vault = vault_create(customer)
    _seal_personal(
        customer,
        vault,
        {"phone": clean.phone, "email": clean.email, "address": clean.address},
    )
    if clean.legal_representative_id_number:
        customer.legal_representative_id_sealed = vault.seal(
            Customer, "legal_representative_id", clean.legal_representative_id_number
        )
        customer.legal_representative_id_last4 = last4(clean.legal_representative_id_number)
    IdentityDocument.objects.create(
        customer=customer,
        id_type=clean.id_type,
        number_sealed=vault.seal(IdentityDocument, "number", clean.id_number),
        number_index=index_of(clean.id_number, ID_INDEX_PURPOSE),
        number_index_key_id=index_key_id(),
        number_last4=last4(clean.id_number),
        issuing_country=clean.country if clean.id_type.startswith("cn_") else "",
        is_primary=True,
    )
    rating = rating_write(customer=customer, actor=actor)
    customer.risk_level = rating.level_in_force
    if customer.risk_level == "high":
        customer.category = "high_risk"
    customer.save()
    changes = _audit_view(clean)
    changes["risk_level"] = [None, customer.risk_level]
    if via:
        changes["via"] = [None, via]
    audit_record(actor=actor, action="customer.created", target=customer, changes=changes)
    return customer


def customer_create(*, actor: Any, **fields: Any) -> Customer:
    """Register a customer with their primary identity document, data key and first rating.

    ``fields`` are those of :func:`customer_input_clean` (kind, name, id_type, id_number,
    country, then any of :class:`CustomerInput`'s optional fields).
    """
    check(actor, "customers.manage_customers")
    clean = customer_input_clean(**fields)
    try:
        with transaction.atomic(durable=True):
            customer = customer_insert(actor=actor, clean=clean)
    except IntegrityError:
        if _id_taken(clean.id_type, clean.id_number):
            raise invalid(
                CustomerError.id_number_taken, "id_number", id_type=clean.id_type
            ) from None
        raise
    return customer


def customer_update(*, actor: Any, customer_id: int, changes: Mapping[str, Any]) -> Customer:
    """Change editable fields (PATCH). Factors of the risk score re-rate the customer."""
    check(actor, "customers.manage_customers")
    for name in changes:
        if name not in EDITABLE_FIELDS:
            raise invalid(CustomerError.field_not_editable, name)
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        cleaned: dict[str, Any] = {}
        for name, value in changes.items():
            cleaner = _CLEANERS.get(name)
            if cleaner is not None:
                cleaned[name] = cleaner(value, customer.kind)
        if "expected_monthly_volume_minor" in changes or "expected_volume_currency" in changes:
            amount = changes.get(
                "expected_monthly_volume_minor", customer.expected_monthly_volume_minor
            )
            currency = changes.get("expected_volume_currency", customer.expected_volume_currency)
            amount, currency = _volume(amount, currency)
            cleaned["expected_monthly_volume_minor"] = amount
            cleaned["expected_volume_currency"] = currency
        if customer.kind == CustomerKind.person and cleaned.get("legal_representative_name"):
            raise invalid(CustomerError.owners_only_for_organizations, "legal_representative_name")
        audit: dict[str, list[Any]] = {}
        personal = {k: v for k, v in cleaned.items() if k in PERSONAL_FIELDS}
        if personal:
            vault = vault_for(customer)
            for name, value in personal.items():
                before = vault.open(Customer, name, getattr(customer, f"{name}_sealed"))
                if before != value:
                    audit[name] = [mask_value(before), mask_value(value)]
                else:
                    del cleaned[name]
            _seal_personal(customer, vault, {k: cleaned[k] for k in personal if k in cleaned})
        for name, value in cleaned.items():
            if name in PERSONAL_FIELDS:
                continue
            before = getattr(customer, name)
            if before == value:
                continue
            setattr(customer, name, value)
            masked = name in {"name", "name_latin", "legal_representative_name"}
            audit[name] = [mask_name(before), mask_name(value)] if masked else [before, value]
        if not audit:
            return customer
        if RISK_FIELDS & set(audit):
            rating = rating_write(customer=customer, actor=actor)
            audit.update(risk_level_apply(customer, rating.level_in_force))
        customer.save()
        audit_record(actor=actor, action="customer.updated", target=customer, changes=audit)
    return customer


def identity_document_add(
    *,
    actor: Any,
    customer_id: int,
    id_type: str,
    id_number: str,
    issuing_country: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
) -> IdentityDocument:
    """Add a further identity document (the first one comes with customer_create)."""
    check(actor, "customers.manage_customers")
    if issued_on and expires_on and expires_on < issued_on:
        raise invalid(CustomerError.document_dates_inverted, "expires_on")
    country = country_clean(issuing_country, field="issuing_country") if issuing_country else ""
    try:
        with transaction.atomic(durable=True):
            customer = customer_locked(customer_id)
            the_type = id_type_clean(id_type, kind=customer.kind)
            number = id_number_clean(the_type, id_number, gender=customer.gender)
            if _id_taken(the_type, number):
                raise invalid(CustomerError.id_number_taken, "id_number", id_type=the_type)
            vault = vault_for(customer)
            document = IdentityDocument.objects.create(
                customer=customer,
                id_type=the_type,
                number_sealed=vault.seal(IdentityDocument, "number", number),
                number_index=index_of(number, ID_INDEX_PURPOSE),
                number_index_key_id=index_key_id(),
                number_last4=last4(number),
                issuing_country=country,
                issued_on=issued_on,
                expires_on=expires_on,
            )
            audit_record(
                actor=actor,
                action="customer.identity_document_added",
                target=customer,
                changes={
                    "id_type": [None, the_type],
                    "id_number": [None, mask_value(number)],
                    "expires_on": [None, expires_on],
                },
            )
    except IntegrityError:
        raise invalid(CustomerError.id_number_taken, "id_number", id_type=id_type) from None
    return document


def beneficial_owner_add(
    *,
    actor: Any,
    customer_id: int,
    name: str,
    share_bp: int,
    name_latin: str = "",
    nationality: str = "",
    id_type: str = "",
    id_number: str = "",
) -> BeneficialOwner:
    """Record an owner of an organization; the shares together stay within 10000 bp."""
    check(actor, "customers.manage_customers")
    name = _text(name, "name", limit=MAX_NAME_CHARS, required=True)
    name_latin = _text(name_latin, "name_latin", limit=MAX_NAME_CHARS)
    if isinstance(share_bp, bool) or not isinstance(share_bp, int) or not 1 <= share_bp <= 10000:
        raise invalid(CustomerError.share_invalid, "share_bp")
    nationality = country_clean(nationality, field="nationality") if nationality else ""
    number = ""
    if id_type or id_number:
        id_type = id_type_clean(id_type, kind=CustomerKind.person)
        number = id_number_clean(id_type, id_number)
    with transaction.atomic(durable=True):
        customer = customer_locked(customer_id)
        if customer.kind != CustomerKind.organization:
            raise invalid(CustomerError.owners_only_for_organizations, "customer")
        held = customer.beneficial_owners.aggregate(total=Sum("share_bp"))["total"] or 0
        if held + share_bp > 10000:
            raise invalid(CustomerError.shares_exceed_whole, "share_bp")
        owner = BeneficialOwner(
            customer=customer,
            name=name,
            name_latin=name_latin,
            nationality=nationality,
            share_bp=share_bp,
            id_type=id_type,
            id_last4=last4(number),
        )
        if number:
            owner.id_sealed = vault_for(customer).seal(BeneficialOwner, "id_number", number)
        owner.save()
        audit_record(
            actor=actor,
            action="customer.beneficial_owner_added",
            target=customer,
            changes={
                "owner": [None, mask_name(name)],
                "share_bp": [None, share_bp],
                "id_number": [None, mask_value(number)],
            },
        )
    return owner


def id_type_label(id_type: str) -> str:
    return str(IdType(id_type).label) if id_type in IdType.values else id_type
