"""The controls on the controls: approval policy versions (drafted by one administrator,
activated by another), approver limits, and time-bound delegations. All audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import currency_exponent, format_amount
from fundguard.core.permissions import require_permission
from fundguard.core.roles import role_of
from fundguard.transfers.errors import TransferError
from fundguard.transfers.models import (
    ApprovalPolicyVersion,
    ApproverLimit,
    Delegation,
    PolicyStatus,
)
from fundguard.transfers.policy import (
    DEFAULT_APPROVAL_POLICY,
    ApprovalPolicy,
    policy_from_document,
)
from fundguard.transfers.services._common import LEVEL_ROLES

APPROVER_ROLES = frozenset(LEVEL_ROLES.values())


def policy_in_force() -> ApprovalPolicy:
    """The active version (migration 0002 activates the defaults as version 1)."""
    row = ApprovalPolicyVersion.objects.filter(status=PolicyStatus.active).first()
    if row is None:
        return DEFAULT_APPROVAL_POLICY
    return policy_from_document(row.version, row.document)


def approval_policy_draft(
    *, actor: Any, document: Mapping[str, Any], note: str = ""
) -> ApprovalPolicyVersion:
    """Save a new version as a draft; it is checked now and takes effect once activated."""
    require_permission(actor, "core.manage_settings")

    def once() -> ApprovalPolicyVersion:
        with service_atomic():
            latest = ApprovalPolicyVersion.objects.select_for_update().aggregate(v=Max("version"))
            version = int(latest["v"] or 0) + 1
            policy_from_document(version, document)  # refuses a malformed or unsafe policy
            row = ApprovalPolicyVersion.objects.create(
                version=version,
                document=dict(document),
                status=PolicyStatus.draft,
                note=note[:500],
                drafted_by=actor,
                drafted_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="transfers.policy_drafted",
                target=row,
                changes={"version": [None, version], "document": [None, row.document]},
            )
            return row

    return retrying(once)


def approval_policy_activate(*, actor: Any, version: int) -> ApprovalPolicyVersion:
    """Put a draft in force (four eyes: not by its drafter); the version before retires."""
    require_permission(actor, "core.manage_settings")

    def once() -> ApprovalPolicyVersion:
        with service_atomic():
            rows = ApprovalPolicyVersion.objects.select_for_update()
            row = rows.filter(version=version).first()
            if row is None or row.status != PolicyStatus.draft:
                raise DomainError(
                    TransferError.policy_version_not_found, field="version", version=version
                )
            if row.drafted_by_id == actor.pk:
                raise DomainError(TransferError.policy_activated_by_drafter, field="version")
            previous = rows.filter(status=PolicyStatus.active).first()
            if previous is not None:
                previous.status = PolicyStatus.retired
                previous.save(update_fields=["status"])
            row.status = PolicyStatus.active
            row.activated_by = actor
            row.activated_at = timezone.now()
            row.save(update_fields=["status", "activated_by", "activated_at"])
            audit_record(
                actor=actor,
                action="transfers.policy_activated",
                target=row,
                changes={
                    "version": [previous.version if previous else None, row.version],
                },
            )
            return row

    return retrying(once)


def _approver(user_id: int, field: str) -> Any:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or role_of(user) not in APPROVER_ROLES:
        raise DomainError(
            TransferError.delegation_invalid, field=field, detail=f"{field} is not an approver"
        )
    return user


def approver_limit_set(
    *, actor: Any, user_id: int, currency: str, single_minor: int, daily_minor: int
) -> ApproverLimit:
    require_permission(actor, "core.manage_settings")
    currency = (currency or "").upper()
    currency_exponent(currency)
    user = _approver(user_id, "user")
    if single_minor < 0 or daily_minor < single_minor:
        raise DomainError(
            TransferError.approval_policy_invalid,
            field="daily_limit",
            detail="0 <= single-transfer limit <= daily limit",
        )

    def once() -> ApproverLimit:
        with service_atomic():
            row = ApproverLimit.objects.select_for_update().filter(user=user, currency=currency)
            limit = row.first() or ApproverLimit(user=user, currency=currency)
            before: list[int | None] = (
                [limit.limit_single_minor, limit.limit_daily_minor] if limit.pk else [None, None]
            )
            limit.limit_single_minor, limit.limit_daily_minor = single_minor, daily_minor
            limit.updated_by = actor
            limit.save()
            audit_record(
                actor=actor,
                action="transfers.approver_limit_set",
                target=limit,
                changes={
                    "user": [None, user.username],
                    "currency": [None, currency],
                    "single": [before[0], format_amount(single_minor, currency)],
                    "daily": [before[1], format_amount(daily_minor, currency)],
                },
            )
            return limit

    return retrying(once)


def delegation_grant(
    *,
    actor: Any,
    delegator_id: int,
    delegate_id: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
) -> Delegation:
    """Let ``delegate`` approve as ``delegator`` for a while; given by the delegator or an
    administrator, and never for longer than 90 days."""
    if actor.pk != delegator_id:
        require_permission(actor, "core.manage_settings")
    delegator = _approver(delegator_id, "delegator")
    delegate = _approver(delegate_id, "delegate")
    reason = (reason or "").strip()
    problem = None
    if delegator.pk == delegate.pk:
        problem = ("delegate", "one cannot delegate to oneself")
    elif ends_at <= starts_at or ends_at <= timezone.now():
        problem = ("ends_at", "the window must end after it starts, in the future")
    elif (ends_at - starts_at).days > 90:
        problem = ("ends_at", "a delegation lasts at most 90 days")
    elif not reason:
        problem = ("reason", "give a reason")
    if problem:
        field, detail = problem
        raise DomainError(TransferError.delegation_invalid, field=field, detail=detail)
    with service_atomic():
        delegation = Delegation.objects.create(
            delegator=delegator,
            delegate=delegate,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason[:500],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="transfers.delegation_granted",
            target=delegation,
            changes={
                "delegator": [None, delegator.username],
                "delegate": [None, delegate.username],
                "starts_at": [None, starts_at.isoformat()],
                "ends_at": [None, ends_at.isoformat()],
                "reason": [None, reason],
            },
        )
    return delegation


def delegation_revoke(*, actor: Any, delegation_id: int) -> Delegation:
    """Ended by its delegator or an administrator (checked before the transaction, so that a
    denial's audit record stays)."""
    delegator_id = (
        Delegation.objects.filter(pk=delegation_id).values_list("delegator_id", flat=True).first()
    )
    if actor.pk != delegator_id:
        require_permission(actor, "core.manage_settings")
    with service_atomic():
        delegation = Delegation.objects.select_for_update().filter(pk=delegation_id).first()
        if delegation is None or delegation.revoked_at is not None:
            raise DomainError(
                TransferError.delegation_invalid, field="delegation", detail="no such delegation"
            )
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="transfers.delegation_revoked",
            target=delegation,
            changes={"revoked_at": [None, delegation.revoked_at.isoformat()]},
        )
    return delegation
