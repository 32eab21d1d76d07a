"""The controls on the controls: approval policy versions (drafted by one administrator, activated
by another), approver limits, and delegations (administrators for anyone, approvers their own)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fundguard.console.access import staff_page
from fundguard.core.errors import DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.core.roles import ROLE_LABELS, Role, role_of
from fundguard.transfers import services
from fundguard.transfers.forms import (
    ApproverLimitForm,
    DelegationForm,
    DelegationRevokeForm,
    PolicyActivateForm,
    PolicyDraftForm,
    error_place,
)
from fundguard.transfers.models import ApprovalPolicyVersion, ApproverLimit, Delegation
from fundguard.transfers.policy import policy_to_document
from fundguard.transfers.views._common import APPROVE, MANAGE_POLICY, levels_text, staff_page_any

APPROVER_ROLES = (Role.approver_l1, Role.approver_l2, Role.approver_l3)
VERSIONS_SHOWN = 20
DELEGATIONS_SHOWN = 100


def _approvers() -> list[Any]:
    users = get_user_model().objects.filter(is_active=True, groups__name__in=APPROVER_ROLES)
    return list(users.prefetch_related("groups").order_by("username").distinct())


def _user_label(user: Any) -> str:
    role = role_of(user)
    return f"{user.username} ({ROLE_LABELS[role]})" if role else str(user.username)


def _tiers(document: dict[str, Any]) -> list[dict[str, Any]]:
    """A version's tiers for reading: per currency, each upper bound and its levels."""
    shown = []
    for currency, tiers in sorted(dict(document.get("tiers", {})).items()):
        for tier in tiers:
            bound = tier.get("up_to_minor")
            shown.append(
                {
                    "currency": currency,
                    "up_to": None if bound is None else format_amount(int(bound), currency),
                    "levels": levels_text(tier.get("levels", [])),
                }
            )
    return shown


def _policy_page(
    request: HttpRequest,
    *,
    draft_form: PolicyDraftForm | None = None,
    limit_form: ApproverLimitForm | None = None,
    activate_error: str = "",
) -> HttpResponse:
    versions = ApprovalPolicyVersion.objects.select_related("drafted_by", "activated_by")[
        :VERSIONS_SHOWN
    ]
    current = json.dumps(
        policy_to_document(services.policy_in_force()), indent=2, ensure_ascii=False
    )
    approvers = _approvers()
    context = {
        "versions": [(v, _tiers(v.document)) for v in versions],
        "draft_form": draft_form or PolicyDraftForm(initial={"document": current}),
        "limit_form": limit_form
        or ApproverLimitForm(approvers=[(u.pk, _user_label(u)) for u in approvers]),
        "limits": [
            (
                limit,
                format_amount(limit.limit_single_minor, limit.currency),
                format_amount(limit.limit_daily_minor, limit.currency),
            )
            for limit in ApproverLimit.objects.select_related("user", "updated_by").order_by(
                "user__username", "currency"
            )
        ],
        "activate_error": activate_error,
    }
    return render(request, "transfers/policy.html", context)


@staff_page(MANAGE_POLICY)
def policy_page(request: HttpRequest) -> HttpResponse:
    return _policy_page(request)


@staff_page(MANAGE_POLICY)
@require_POST
def policy_draft(request: HttpRequest) -> HttpResponse:
    form = PolicyDraftForm(request.POST)
    if form.is_valid():
        try:
            document = json.loads(form.cleaned_data["document"])
        except json.JSONDecodeError as exc:
            form.add_error("document", _("Not valid JSON: %(detail)s") % {"detail": str(exc)})
        else:
            if not isinstance(document, dict):
                form.add_error("document", _("The policy is a JSON object with “tiers”."))
            else:
                try:
                    row = services.approval_policy_draft(
                        actor=request.user, document=document, note=form.cleaned_data["note"]
                    )
                except DomainError as exc:  # every refusal of a draft is about its document
                    form.add_error("document", exc.message)
                else:
                    messages.success(
                        request,
                        _("Version %(v)s drafted: another administrator activates it.")
                        % {"v": row.version},
                    )
                    return redirect("transfers:policy")
    return _policy_page(request, draft_form=form)


@staff_page(MANAGE_POLICY)
@require_POST
def policy_activate(request: HttpRequest) -> HttpResponse:
    form = PolicyActivateForm(request.POST)
    if not form.is_valid():
        return _policy_page(request, activate_error=_("Choose a draft version."))
    try:
        row = services.approval_policy_activate(
            actor=request.user, version=form.cleaned_data["version"]
        )
    except DomainError as exc:
        return _policy_page(request, activate_error=exc.message)
    messages.success(request, _("Version %(v)s is in force.") % {"v": row.version})
    return redirect("transfers:policy")


@staff_page(MANAGE_POLICY)
@require_POST
def approver_limit_set(request: HttpRequest) -> HttpResponse:
    form = ApproverLimitForm(request.POST, approvers=[(u.pk, _user_label(u)) for u in _approvers()])
    if form.is_valid():
        data = form.cleaned_data
        currency = data["currency"].strip().upper()
        try:
            single = _minor(data["single_limit"], currency, "single_limit")
            daily = _minor(data["daily_limit"], currency, "daily_limit")
            services.approver_limit_set(
                actor=request.user,
                user_id=data["user"],
                currency=currency,
                single_minor=single,
                daily_minor=daily,
            )
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(request, _("Approver limits saved."))
            return redirect("transfers:policy")
    return _policy_page(request, limit_form=form)


def _minor(text: str, currency: str, field: str) -> int:
    try:
        return parse_amount(text.strip().replace(",", ""), currency)
    except DomainError as exc:
        if exc.field != "currency":
            exc.field = field
        raise


def _delegation_form(request: HttpRequest, data: Any = None) -> DelegationForm:
    user: Any = request.user
    approvers = _approvers()
    everyone = [(u.pk, _user_label(u)) for u in approvers]
    is_admin = user.has_perm(MANAGE_POLICY)
    delegators = everyone if is_admin else [(user.pk, _user_label(user))]
    now = timezone.localtime().replace(second=0, microsecond=0)
    return DelegationForm(
        data,
        delegators=delegators,
        delegates=[c for c in everyone if c[0] != user.pk or user.has_perm(MANAGE_POLICY)],
        initial={"delegator": user.pk, "starts_at": now, "ends_at": now + timedelta(days=7)},
    )


def _delegations_page(request: HttpRequest, form: DelegationForm | None = None) -> HttpResponse:
    user: Any = request.user
    rows = Delegation.objects.select_related("delegator", "delegate", "created_by")
    if not user.has_perm(MANAGE_POLICY):
        rows = rows.filter(delegator=user) | rows.filter(delegate=user)
    now = timezone.now()
    context = {
        "form": form or _delegation_form(request),
        "delegations": [
            {
                "row": d,
                "is_current": d.revoked_at is None and d.starts_at <= now < d.ends_at,
                "can_revoke": d.revoked_at is None
                and d.ends_at > now
                and (d.delegator_id == user.pk or user.has_perm(MANAGE_POLICY)),
            }
            for d in rows.order_by("-id")[:DELEGATIONS_SHOWN]
        ],
    }
    return render(request, "transfers/delegations.html", context)


@staff_page_any(MANAGE_POLICY, APPROVE)
def delegations(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _delegations_page(request)
    form = _delegation_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.delegation_grant(
                actor=request.user,
                delegator_id=data["delegator"],
                delegate_id=data["delegate"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except DomainError as exc:
            error_place(form, exc)
        else:
            messages.success(request, _("Delegation granted."))
            return redirect("transfers:delegations")
    return _delegations_page(request, form)


@staff_page_any(MANAGE_POLICY, APPROVE)
@require_POST
def delegation_revoke(request: HttpRequest) -> HttpResponse:
    form = DelegationRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.delegation_revoke(
                actor=request.user, delegation_id=form.cleaned_data["delegation"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Delegation revoked."))
    return redirect("transfers:delegations")
