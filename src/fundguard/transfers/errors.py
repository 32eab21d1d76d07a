"""The transfer error codes: one enum, registered once with their HTTP status and message."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import register_errors


class TransferError(StrEnum):
    transition_not_allowed = "transition_not_allowed"
    rejection_needs_reason = "rejection_needs_reason"
    reason_too_long = "reason_too_long"
    transfer_amount_not_positive = "transfer_amount_not_positive"
    currency_not_in_approval_policy = "currency_not_in_approval_policy"
    risk_addon_unknown = "risk_addon_unknown"
    approval_policy_invalid = "approval_policy_invalid"
    approver_is_maker = "approver_is_maker"
    level_already_approved_by_user = "level_already_approved_by_user"
    approvals_already_complete = "approvals_already_complete"
    approval_level_not_required = "approval_level_not_required"
    approval_out_of_order = "approval_out_of_order"
    approval_limit_exceeded = "approval_limit_exceeded"
    approval_daily_limit_exceeded = "approval_daily_limit_exceeded"
    otp_required = "otp_required"
    otp_invalid = "otp_invalid"
    transfer_not_found = "transfer_not_found"
    source_account_not_customers = "source_account_not_customers"
    source_account_not_open = "source_account_not_open"
    transfer_currency_mismatch = "transfer_currency_mismatch"
    kyc_not_verified = "kyc_not_verified"
    kyc_review_overdue = "kyc_review_overdue"
    beneficiary_required = "beneficiary_required"
    beneficiary_not_found = "beneficiary_not_found"
    beneficiary_cooling_off = "beneficiary_cooling_off"
    customer_daily_limit_exceeded = "customer_daily_limit_exceeded"
    customer_monthly_limit_exceeded = "customer_monthly_limit_exceeded"
    execution_date_in_past = "execution_date_in_past"
    purpose_required = "purpose_required"
    no_company_account = "no_company_account"
    not_an_approver = "not_an_approver"
    no_approver_limit = "no_approver_limit"
    not_transfer_maker = "not_transfer_maker"
    policy_version_not_found = "policy_version_not_found"
    policy_activated_by_drafter = "policy_activated_by_drafter"
    delegation_invalid = "delegation_invalid"
    batch_file_invalid = "batch_file_invalid"
    batch_file_unreadable = "batch_file_unreadable"
    batch_already_submitted = "batch_already_submitted"
    voucher_not_found = "voucher_not_found"


register_errors(
    {
        TransferError.transition_not_allowed: (
            409,
            _("The transfer is %(status)s: “%(event)s” is not allowed now."),
        ),
        TransferError.rejection_needs_reason: (422, _("Give a reason for the rejection.")),
        TransferError.reason_too_long: (
            422,
            _("The reason is longer than %(max_chars)s characters."),
        ),
        TransferError.transfer_amount_not_positive: (
            422,
            _("The amount of a transfer must be greater than zero."),
        ),
        TransferError.currency_not_in_approval_policy: (
            422,
            _("The approval policy (version %(version)s) has no tiers for %(currency)s."),
        ),
        TransferError.risk_addon_unknown: (
            422,
            _("The approval policy (version %(version)s) has no risk add-on “%(addon)s”."),
        ),
        TransferError.approval_policy_invalid: (
            422,
            _("The approval policy is not valid: %(detail)s"),
        ),
        TransferError.approver_is_maker: (
            403,
            _("You started this transfer; someone else must approve it."),
        ),
        TransferError.level_already_approved_by_user: (
            403,
            _("You already approved this transfer at level %(level)s; one person approves once."),
        ),
        TransferError.approvals_already_complete: (
            409,
            _("This transfer already has every approval it needs."),
        ),
        TransferError.approval_level_not_required: (
            403,
            _("This transfer needs no approval at level %(level)s."),
        ),
        TransferError.approval_out_of_order: (
            409,
            _("This transfer waits for a level %(expected)s approval, not level %(level)s."),
        ),
        TransferError.approval_limit_exceeded: (
            403,
            _("The amount exceeds your single-transfer approval limit."),
        ),
        TransferError.approval_daily_limit_exceeded: (
            403,
            _("This approval would exceed your daily approval limit."),
        ),
        TransferError.otp_required: (
            403,
            _("Approving this amount needs a fresh one-time code."),
        ),
        TransferError.otp_invalid: (403, _("The one-time code is wrong or was already used.")),
        TransferError.transfer_not_found: (404, _("There is no such transfer.")),
        TransferError.source_account_not_customers: (
            422,
            _("The source account is not a funds account of this customer."),
        ),
        TransferError.source_account_not_open: (
            422,
            _("The source account is %(status)s; only an open account can send money."),
        ),
        TransferError.transfer_currency_mismatch: (
            422,
            _("The source account holds %(account_currency)s, not %(currency)s."),
        ),
        TransferError.kyc_not_verified: (
            422,
            _("The customer's KYC is %(status)s; only a verified customer can send money."),
        ),
        TransferError.kyc_review_overdue: (
            422,
            _("The customer's KYC review was due on %(due)s; review the customer first."),
        ),
        TransferError.beneficiary_required: (
            422,
            _("Give a saved beneficiary or the new beneficiary's details."),
        ),
        TransferError.beneficiary_not_found: (
            422,
            _("The beneficiary is not one of this customer's saved beneficiaries."),
        ),
        TransferError.beneficiary_cooling_off: (
            422,
            _(
                "This beneficiary was added recently: a transfer above %(threshold)s may be sent "
                "after %(until)s."
            ),
        ),
        TransferError.customer_daily_limit_exceeded: (
            422,
            _("This transfer would take the customer past the daily limit of %(limit)s."),
        ),
        TransferError.customer_monthly_limit_exceeded: (
            422,
            _("This transfer would take the customer past the monthly limit of %(limit)s."),
        ),
        TransferError.execution_date_in_past: (
            422,
            _("The requested execution date is in the past."),
        ),
        TransferError.purpose_required: (422, _("Give the purpose (用途) of the transfer.")),
        TransferError.no_company_account: (
            422,
            _("No company bank account pays out %(currency)s; an operator must set one up."),
        ),
        TransferError.not_an_approver: (
            403,
            _("Only an approver of a level this transfer needs may decide on it."),
        ),
        TransferError.no_approver_limit: (
            403,
            _("You have no approval limit for %(currency)s; an administrator must set one."),
        ),
        TransferError.not_transfer_maker: (
            403,
            _("Only the person who started this transfer may cancel it."),
        ),
        TransferError.policy_version_not_found: (
            404,
            _("There is no approval policy version %(version)s."),
        ),
        TransferError.policy_activated_by_drafter: (
            403,
            _("You drafted this policy version; another administrator must activate it."),
        ),
        TransferError.delegation_invalid: (422, _("The delegation is not valid: %(detail)s")),
        TransferError.batch_file_invalid: (
            422,
            _("The batch file has %(count)s bad rows; nothing was submitted."),
        ),
        TransferError.batch_file_unreadable: (
            422,
            _("The batch file cannot be read: %(detail)s"),
        ),
        TransferError.batch_already_submitted: (
            409,
            _("This file was already submitted as batch %(batch)s."),
        ),
        TransferError.voucher_not_found: (404, _("There is no such voucher.")),
    }
)
