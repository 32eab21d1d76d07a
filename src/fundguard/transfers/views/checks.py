"""The live checks shown while an operator fills in a new transfer. Read-only advice in the words
the services use; the submission runs the real checks under lock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from fundguard.core.errors import DomainError
from fundguard.core.money import format_amount, parse_amount
from fundguard.customers.models import Customer, KycStatus
from fundguard.customers.selectors import beneficiary_cooling_off_ends_at
from fundguard.transfers.conf import per_currency
from fundguard.transfers.policy import required_levels
from fundguard.transfers.services import policy_in_force
from fundguard.transfers.views._common import levels_text

AMOUNT_TEXT_MAX_CHARS = 32


@dataclass
class Check:
    """One line of the checks: ``level`` is ok, warning or error."""

    key: str
    label: str | Promise
    text: str
    level: str = "ok"


@dataclass
class Checks:
    items: list[Check] = field(default_factory=list)

    def add(self, key: str, label: str | Promise, text: str, level: str = "ok") -> None:
        self.items.append(Check(key, label, text, level))

    @property
    def has_errors(self) -> bool:
        return any(c.level == "error" for c in self.items)


def _amount(data: Mapping[str, Any], currency: str) -> int | None:
    text = str(data.get("amount", "")).strip().replace(",", "")[:AMOUNT_TEXT_MAX_CHARS]
    if not text:
        return None
    return parse_amount(text, currency)


def transfer_checks(customer: Customer, data: Mapping[str, Any]) -> Checks:
    checks = Checks()
    _kyc(checks, customer)
    currency = str(data.get("currency", "")).strip().upper()[:3] or "CNY"
    try:
        amount_minor = _amount(data, currency)
    except DomainError as exc:
        checks.add("amount", _("Amount"), exc.message, "error")
        amount_minor = None
    _balance(checks, customer, data.get("source_account"), amount_minor)
    if amount_minor is not None and amount_minor > 0:
        _levels(checks, amount_minor, currency)
    _cooling_off(checks, customer, data.get("beneficiary"), amount_minor, currency)
    return checks


def _kyc(checks: Checks, customer: Customer) -> None:
    label = _("KYC")
    status = customer.get_kyc_status_display()
    if customer.kyc_status != KycStatus.verified:
        checks.add(
            "kyc",
            label,
            _("%(status)s: the transfer will be refused.") % {"status": status},
            "error",
        )
    elif customer.next_review_on is not None and customer.next_review_on < timezone.localdate():
        checks.add(
            "kyc",
            label,
            _("Review overdue since %(date)s: the transfer will be refused.")
            % {"date": customer.next_review_on.isoformat()},
            "error",
        )
    else:
        checks.add("kyc", label, str(status))


def _balance(checks: Checks, customer: Customer, source: Any, amount_minor: int | None) -> None:
    label = _("Available balance")
    links = customer.funds_accounts.select_related("account")
    link = links.filter(account_id=_int(source) or 0).first()
    if link is None:
        checks.add("balance", label, _("Choose the source funds account."), "warning")
        return
    account = link.account
    available = format_amount(account.available_minor, account.currency)
    text = f"{available} {account.currency}"
    if amount_minor is not None and amount_minor > account.available_minor:
        checks.add(
            "balance",
            label,
            _("%(available)s: less than the amount.") % {"available": text},
            "error",
        )
    else:
        checks.add("balance", label, text)


def _levels(checks: Checks, amount_minor: int, currency: str) -> None:
    label = _("Approvals needed")
    policy = policy_in_force()
    try:
        levels = required_levels(policy, amount_minor, currency)
    except DomainError as exc:
        checks.add("levels", label, exc.message, "error")
        return
    text = _("%(levels)s (policy version %(version)s; screening may add a level)") % {
        "levels": levels_text(levels),
        "version": policy.version,
    }
    threshold = per_currency("TRANSFERS_OTP_THRESHOLD_MINOR", currency)
    if threshold is not None and amount_minor > threshold:
        text += " · " + _("each approval needs a one-time code")
    checks.add("levels", label, text)


def _cooling_off(
    checks: Checks, customer: Customer, beneficiary: Any, amount_minor: int | None, currency: str
) -> None:
    label = _("Beneficiary")
    large = per_currency("TRANSFERS_COOLING_OFF_LARGE_MINOR", currency)
    too_large = large is not None and amount_minor is not None and amount_minor > large
    limit = format_amount(large, currency) if large is not None else ""
    saved = customer.beneficiaries.filter(pk=_int(beneficiary) or 0).first()
    if saved is None:
        if too_large:
            checks.add(
                "beneficiary",
                label,
                _(
                    "A new beneficiary is cooling off: it may not receive more than "
                    "%(limit)s %(currency)s yet. The transfer will be refused."
                )
                % {"limit": limit, "currency": currency},
                "error",
            )
        else:
            checks.add("beneficiary", label, _("A new beneficiary: saved with the transfer."))
        return
    until = beneficiary_cooling_off_ends_at(saved)
    if timezone.now() >= until:
        checks.add("beneficiary", label, _("Saved beneficiary, past its cooling-off."))
        return
    until_text = timezone.localtime(until).strftime("%Y-%m-%d %H:%M")
    if too_large:
        checks.add(
            "beneficiary",
            label,
            _(
                "Cooling off until %(until)s: it may not receive more than %(limit)s "
                "%(currency)s before then. The transfer will be refused."
            )
            % {"until": until_text, "limit": limit, "currency": currency},
            "error",
        )
    else:
        checks.add(
            "beneficiary",
            label,
            _("Cooling off until %(until)s (larger amounts are refused until then).")
            % {"until": until_text},
            "warning",
        )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
