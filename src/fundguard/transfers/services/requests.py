"""Starting a transfer: create (as a draft or submitted at once), submit with every check and the
ledger hold, screening and the approval levels it needs; cancel."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.idempotency import idempotency_claim, idempotency_complete
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.money import format_amount
from fundguard.core.permissions import require_permission
from fundguard.customers.models import (
    Beneficiary,
    Customer,
    CustomerFundsAccount,
    CustomerKind,
    KycStatus,
    RiskLevel,
)
from fundguard.customers.models.choices import CustomerCategory
from fundguard.customers.selectors import beneficiary_cooling_off_ends_at
from fundguard.customers.services import beneficiary_add
from fundguard.customers.services._common import customer_locked
from fundguard.ledger.models import Account, AccountStatus
from fundguard.ledger.services import hold_place
from fundguard.transfers.conf import per_currency, setting
from fundguard.transfers.errors import TransferError
from fundguard.transfers.lifecycle import TransferEvent, TransferStatus
from fundguard.transfers.models import Channel, Transfer, TransferBatch
from fundguard.transfers.policy import required_levels
from fundguard.transfers.screening import ScreeningAction, ScreeningFacts, screen
from fundguard.transfers.services._common import (
    staff_notify,
    step_apply,
    step_record,
    transfer_locked,
)
from fundguard.transfers.services.policy_admin import policy_in_force

TEXT_MAX_CHARS = 140

# Statuses whose amounts count against the customer's daily and monthly limits.
LIMIT_STATUSES = frozenset(TransferStatus) - {
    TransferStatus.draft,
    TransferStatus.rejected,
    TransferStatus.cancelled,
    TransferStatus.expired,
    TransferStatus.failed,
    TransferStatus.returned,
}


@dataclass(frozen=True, slots=True)
class NewBeneficiary:
    """A payee given with the transfer; it is saved to the customer's beneficiaries."""

    name: str
    account_number: str
    bank_name: str
    country: str
    bic: str = ""
    branch: str = ""
    province: str = ""
    city: str = ""


def _text(value: str, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX_CHARS or not value.isprintable():
        raise DomainError(CoreError.invalid_input, field=field)
    if required and not value:
        raise DomainError(TransferError.purpose_required, field=field)
    return value


def _source(source_account_id: int, currency: str) -> CustomerFundsAccount:
    link = (
        CustomerFundsAccount.objects.select_related("account", "customer")
        .filter(account_id=source_account_id)
        .first()
    )
    if link is None:
        raise DomainError(TransferError.source_account_not_customers, field="source_account")
    if link.currency != currency:
        raise DomainError(
            TransferError.transfer_currency_mismatch,
            field="currency",
            account_currency=link.currency,
            currency=currency,
        )
    return link


def _beneficiary(
    actor: Any,
    customer: Customer,
    currency: str,
    beneficiary_id: int | None,
    new: NewBeneficiary | None,
) -> tuple[Beneficiary, str]:
    """The saved beneficiary and its country; a new one is saved first (same transaction)."""
    if beneficiary_id is not None:
        saved = Beneficiary.objects.filter(pk=beneficiary_id, customer=customer).first()
        if saved is None:
            raise DomainError(TransferError.beneficiary_not_found, field="beneficiary_id")
        country = saved.bic[4:6] if len(saved.bic) >= 6 else "CN"
        return saved, country
    if new is None:
        raise DomainError(TransferError.beneficiary_required, field="beneficiary")
    country = (new.country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise DomainError(CoreError.invalid_input, field="beneficiary.country")
    try:
        saved = beneficiary_add(
            actor=actor,
            customer_id=customer.pk,
            name=new.name,
            bank_name=new.bank_name,
            account_number=new.account_number,
            currency=currency,
            bic=new.bic,
            branch=new.branch,
            province=new.province,
            city=new.city,
        )
    except DomainError as exc:
        exc.field = f"beneficiary.{exc.field}" if exc.field else "beneficiary"
        raise
    return saved, country


def transfer_create(
    *,
    actor: Any,
    source_account_id: int,
    amount_minor: int,
    currency: str,
    purpose: str,
    beneficiary_id: int | None = None,
    new_beneficiary: NewBeneficiary | None = None,
    remittance_information: str = "",
    requested_execution_date: date | None = None,
    channel: str = Channel.api,
    idempotency_key: str | None = None,
    submit: bool = True,
    batch: TransferBatch | None = None,
    now: datetime | None = None,
) -> Transfer:
    """Record a transfer request and, unless ``submit`` is False, submit it in the same
    transaction: a refused submission leaves nothing behind (no draft, no payee, no hold)."""
    require_permission(actor, "transfers.make_transfers")
    currency = (currency or "").upper()
    purpose = _text(purpose, "purpose", required=True)
    remittance_information = _text(remittance_information, "remittance_information", required=False)
    if not isinstance(amount_minor, int) or amount_minor < 1:
        raise DomainError(TransferError.transfer_amount_not_positive, field="amount")
    now = now or timezone.now()
    today = timezone.localdate(now)
    execution_date = requested_execution_date or today
    if execution_date < today:
        raise DomainError(TransferError.execution_date_in_past, field="requested_execution_date")
    payload = {
        "source_account": source_account_id,
        "amount": amount_minor,
        "currency": currency,
        "purpose": purpose,
        "beneficiary_id": beneficiary_id,
        "beneficiary": asdict(new_beneficiary) if new_beneficiary else None,
        "remittance_information": remittance_information,
        "requested_execution_date": execution_date,
        "submit": submit,
    }

    def once() -> Transfer:
        with service_atomic():
            claim = None
            if idempotency_key is not None:
                claim = idempotency_claim(
                    actor=actor, key=idempotency_key, scope="transfers.create", payload=payload
                )
                if claim.is_replay:
                    return Transfer.objects.get(pk=int(claim.result_id or 0))
            link = _source(source_account_id, currency)
            customer = customer_locked(link.customer_id)
            beneficiary, country = _beneficiary(
                actor, customer, currency, beneficiary_id, new_beneficiary
            )
            transfer = Transfer.objects.create(
                reference=f"TMP{uuid.uuid4().hex[:16]}",
                customer=customer,
                source_account=link.account,
                beneficiary=beneficiary,
                beneficiary_country=country,
                amount_minor=amount_minor,
                currency=currency,
                purpose=purpose,
                remittance_information=remittance_information,
                requested_execution_date=execution_date,
                channel=channel,
                batch=batch,
                status=TransferStatus.draft,
                maker=actor,
                status_changed_at=now,
            )
            transfer.reference = f"TR{today:%Y%m%d}{transfer.pk:08d}"
            transfer.end_to_end_id = f"FG-{transfer.reference}"
            transfer.save(update_fields=["reference", "end_to_end_id"])
            step_record(transfer, event="create", actor=actor, to_status="draft", now=now)
            audit_record(
                actor=actor,
                action="transfer.created",
                target=transfer,
                changes={
                    "reference": [None, transfer.reference],
                    "amount": [None, format_amount(amount_minor, currency)],
                    "currency": [None, currency],
                    "source_account": [None, link.account_id],
                    "beneficiary": [None, beneficiary.pk],
                    "channel": [None, channel],
                },
            )
            if submit:
                _submit(transfer, customer, actor=actor, now=now)
            if claim is not None:
                idempotency_complete(claim, result_type="transfers.transfer", result_id=transfer.pk)
            return transfer

    return retrying(once)


def transfer_submit(*, actor: Any, transfer_id: int, now: datetime | None = None) -> Transfer:
    """Submit a draft: the checks, the hold, screening and the levels it needs."""
    require_permission(actor, "transfers.make_transfers")

    def once() -> Transfer:
        with service_atomic():
            transfer = transfer_locked(transfer_id)
            if transfer.maker_id != actor.pk:
                raise DomainError(TransferError.not_transfer_maker, field="transfer")
            customer = customer_locked(transfer.customer_id)
            _submit(transfer, customer, actor=actor, now=now or timezone.now())
            return transfer

    return retrying(once)


def _require_kyc_current(customer: Customer, today: date) -> None:
    if customer.kyc_status != KycStatus.verified:
        raise DomainError(
            TransferError.kyc_not_verified, field="customer", status=customer.kyc_status
        )
    if customer.next_review_on is not None and customer.next_review_on < today:
        raise DomainError(
            TransferError.kyc_review_overdue, field="customer", due=customer.next_review_on
        )


def _require_account_open(account: Account) -> None:
    account.refresh_from_db(fields=["status"])
    if account.status != AccountStatus.open:
        raise DomainError(
            TransferError.source_account_not_open, field="source_account", status=account.status
        )


def _require_cooling_off_respected(transfer: Transfer, now: datetime) -> None:
    large = per_currency("TRANSFERS_COOLING_OFF_LARGE_MINOR", transfer.currency)
    until = beneficiary_cooling_off_ends_at(transfer.beneficiary)
    if large is not None and transfer.amount_minor > large and now < until:
        raise DomainError(
            TransferError.beneficiary_cooling_off,
            field="beneficiary",
            threshold=format_amount(large, transfer.currency),
            until=timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
        )


def _submitted_total(transfer: Transfer, since: datetime) -> int:
    rows = Transfer.objects.filter(
        customer_id=transfer.customer_id,
        currency=transfer.currency,
        status__in=LIMIT_STATUSES,
        submitted_at__gte=since,
    ).exclude(pk=transfer.pk)
    return int(rows.aggregate(total=Sum("amount_minor"))["total"] or 0)


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _require_customer_limits(transfer: Transfer, now: datetime) -> int:
    """Check the daily and monthly limits (the customer row is locked); return the day's total."""
    day_total = _submitted_total(transfer, _day_start(now)) + transfer.amount_minor
    limits = per_currency("TRANSFERS_CUSTOMER_LIMITS", transfer.currency) or {}
    month_start = _day_start(now).replace(day=1)
    checks = (
        ("daily", day_total, TransferError.customer_daily_limit_exceeded),
        (
            "monthly",
            _submitted_total(transfer, month_start) + transfer.amount_minor,
            TransferError.customer_monthly_limit_exceeded,
        ),
    )
    for name, total, code in checks:
        limit = limits.get(name)
        if limit is not None and total > limit:
            raise DomainError(code, field="amount", limit=format_amount(limit, transfer.currency))
    return day_total


def _clearing_account(currency: str) -> Account:
    from fundguard.payments.models import CompanyBankAccount

    company = (
        CompanyBankAccount.objects.filter(currency=currency, active=True)
        .select_related("clearing_account")
        .order_by("id")
        .first()
    )
    if company is None:
        raise DomainError(TransferError.no_company_account, field="currency", currency=currency)
    return company.clearing_account


def _screening_facts(
    transfer: Transfer, customer: Customer, day_total: int, now: datetime
) -> ScreeningFacts:
    earlier = Transfer.objects.filter(
        beneficiary_id=transfer.beneficiary_id, status__in=LIMIT_STATUSES
    ).exclude(pk=transfer.pk)
    return ScreeningFacts(
        amount_minor=transfer.amount_minor,
        currency=transfer.currency,
        customer_is_person=customer.kind == CustomerKind.person,
        customer_high_risk=customer.risk_level == RiskLevel.high
        or customer.category == CustomerCategory.high_risk,
        cross_border=transfer.beneficiary_country != "CN",
        day_total_minor=day_total,
        beneficiary_age_days=(now - transfer.beneficiary.created_at).days,
        first_to_beneficiary=not earlier.exists(),
    )


def _submit(transfer: Transfer, customer: Customer, *, actor: Any, now: datetime) -> None:
    """Inside the caller's transaction, with the transfer and customer rows locked."""
    if transfer.status != TransferStatus.draft:
        raise DomainError(
            TransferError.transition_not_allowed,
            field="status",
            status=transfer.status,
            event=TransferEvent.submit,
        )
    _require_kyc_current(customer, timezone.localdate(now))
    _require_account_open(transfer.source_account)
    _require_cooling_off_respected(transfer, now)
    day_total = _require_customer_limits(transfer, now)
    policy = policy_in_force()
    result = screen(_screening_facts(transfer, customer, day_total, now))
    levels = required_levels(policy, transfer.amount_minor, transfer.currency, result.addons)
    clearing = _clearing_account(transfer.currency)
    transfer.hold = hold_place(
        actor=None,
        debit_account_id=transfer.source_account_id,
        credit_account_id=clearing.pk,
        amount_minor=transfer.amount_minor,
        currency=transfer.currency,
        memo=transfer.reference,
        cause=transfer,
    )
    transfer.clearing_account = clearing
    transfer.submitted_at = now
    transfer.policy_version = policy.version
    transfer.required_levels = [str(level) for level in levels]
    transfer.screening = result.as_json()
    transfer.save(
        update_fields=[
            "hold",
            "clearing_account",
            "submitted_at",
            "policy_version",
            "required_levels",
            "screening",
        ]
    )
    # The submission's steps: submitted (hold placed), screening, then approval or review.
    transfer.status = TransferStatus.submitted
    transfer.save(update_fields=["status"])
    step_record(
        transfer, event="submit", actor=actor, from_status="draft", to_status="submitted", now=now
    )
    audit_record(
        actor=actor,
        action="transfer.submit",
        target=transfer,
        changes={
            "status": ["draft", "submitted"],
            "hold": [None, transfer.hold_id],
            "required_levels": [None, transfer.required_levels],
            "policy_version": [None, policy.version],
        },
    )
    step_apply(transfer, TransferEvent.screening_start, actor=None, now=now)
    if result.action is ScreeningAction.review:
        step_apply(transfer, TransferEvent.screening_refer, actor=None, now=now)
        return
    step_apply(transfer, TransferEvent.screening_clear, actor=None, now=now)
    staff_notify("approval.waiting", transfer, levels[:1])


def transfer_cancel(
    *, actor: Any, transfer_id: int, reason: str = "", now: datetime | None = None
) -> Transfer:
    """The maker withdraws a transfer not yet executed; its hold is released."""
    require_permission(actor, "transfers.make_transfers")

    def once() -> Transfer:
        with service_atomic():
            transfer = transfer_locked(transfer_id)
            if transfer.maker_id != actor.pk:
                raise DomainError(TransferError.not_transfer_maker, field="transfer")
            step_apply(transfer, TransferEvent.cancel, actor=actor, reason=reason, now=now)
            return transfer

    return retrying(once)


def transfers_expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire what waited too long past its requested execution date; release the holds."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - timedelta(days=int(setting("TRANSFERS_EXPIRE_AFTER_DAYS")))
    waiting = (
        TransferStatus.submitted,
        TransferStatus.under_review,
        TransferStatus.pending_approval,
        TransferStatus.approved,
    )
    ids = list(
        Transfer.objects.filter(status__in=waiting, requested_execution_date__lt=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for transfer_id in ids:

        def once(transfer_id: int = transfer_id) -> bool:
            with service_atomic():
                transfer = transfer_locked(transfer_id)
                if transfer.status not in waiting:
                    return False
                step_apply(transfer, TransferEvent.expire, actor=None, reason="expired", now=now)
                return True

        expired += retrying(once)
    return expired
