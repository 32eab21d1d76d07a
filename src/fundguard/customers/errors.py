"""The customers app's error codes. Validation errors name the field and the reason."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import DomainError, register_errors


class CustomerError(StrEnum):
    customer_not_found = "customer_not_found"
    customer_kind_unknown = "customer_kind_unknown"
    country_unknown = "country_unknown"
    id_type_unknown = "id_type_unknown"
    id_type_not_for_kind = "id_type_not_for_kind"
    id_number_invalid = "id_number_invalid"
    id_number_taken = "id_number_taken"
    phone_invalid = "phone_invalid"
    email_invalid = "email_invalid"
    account_number_invalid = "account_number_invalid"
    bic_invalid = "bic_invalid"
    share_invalid = "share_invalid"
    shares_exceed_whole = "shares_exceed_whole"
    owners_only_for_organizations = "owners_only_for_organizations"
    document_too_large = "document_too_large"
    document_type_not_allowed = "document_type_not_allowed"
    document_empty = "document_empty"
    document_dates_inverted = "document_dates_inverted"
    kyc_outcome_unknown = "kyc_outcome_unknown"
    kyc_reviewer_is_creator = "kyc_reviewer_is_creator"
    risk_score_out_of_range = "risk_score_out_of_range"
    risk_level_unknown = "risk_level_unknown"
    risk_override_reason_missing = "risk_override_reason_missing"
    risk_override_not_pending = "risk_override_not_pending"
    risk_override_approver_is_proposer = "risk_override_approver_is_proposer"
    customer_class_unknown = "customer_class_unknown"
    credit_profile_invalid = "credit_profile_invalid"
    funds_account_exists = "funds_account_exists"
    reveal_field_unknown = "reveal_field_unknown"
    personal_data_erased = "personal_data_erased"
    personal_data_unreadable = "personal_data_unreadable"
    field_not_editable = "field_not_editable"
    erasure_blocked_by_open_accounts = "erasure_blocked_by_open_accounts"


# Why a number was refused; shown in the message and kept in ``DomainError.params["reason"]``.
REASONS: dict[str, str | Promise] = {
    "checksum": _("checksum"),
    "length": _("length"),
    "format": _("format"),
    "birth_date": _("birth date"),
    "region": _("region code"),
    "gender": _("gender does not match the number"),
    "country": _("country code"),
    "bank_code": _("bank code"),
    "branch_code": _("branch code"),
    "empty": _("empty"),
}


register_errors(
    {
        CustomerError.customer_not_found: (404, _("No such customer.")),
        CustomerError.customer_kind_unknown: (
            422,
            _("The kind must be “person” or “organization”."),
        ),
        CustomerError.country_unknown: (
            422,
            _("%(label)s: “%(value)s” is not an ISO 3166 country code such as CN."),
        ),
        CustomerError.id_type_unknown: (422, _("Unknown identity document type “%(value)s”.")),
        CustomerError.id_type_not_for_kind: (
            422,
            _("A %(kind)s cannot be identified by a document of type %(id_type)s."),
        ),
        CustomerError.id_number_invalid: (
            422,
            _("%(label)s: the %(id_type)s number is not valid (%(reason)s)."),
        ),
        CustomerError.id_number_taken: (
            409,
            _("%(label)s: another customer already holds this %(id_type)s number."),
        ),
        CustomerError.phone_invalid: (422, _("%(label)s: not a valid phone number (%(reason)s).")),
        CustomerError.email_invalid: (422, _("%(label)s: not a valid e-mail address.")),
        CustomerError.account_number_invalid: (
            422,
            _("%(label)s: the account number is not valid (%(reason)s)."),
        ),
        CustomerError.bic_invalid: (422, _("%(label)s: the BIC is not valid (%(reason)s).")),
        CustomerError.share_invalid: (
            422,
            _("%(label)s: a share is 1 to 10000 basis points (100.00 %%)."),
        ),
        CustomerError.shares_exceed_whole: (
            422,
            _("The beneficial owners' shares would exceed the whole (10000 basis points)."),
        ),
        CustomerError.owners_only_for_organizations: (
            422,
            _("Beneficial owners and legal representatives belong to organizations only."),
        ),
        CustomerError.document_too_large: (
            422,
            _("%(label)s: the file is larger than %(limit)s bytes."),
        ),
        CustomerError.document_type_not_allowed: (
            422,
            _("%(label)s: files of type %(value)s are not accepted (allowed: %(allowed)s)."),
        ),
        CustomerError.document_empty: (422, _("%(label)s: the file is empty.")),
        CustomerError.document_dates_inverted: (
            422,
            _("The expiry date is before the issue date."),
        ),
        CustomerError.kyc_outcome_unknown: (
            422,
            _("The outcome must be “verified” or “rejected”."),
        ),
        CustomerError.kyc_reviewer_is_creator: (
            403,
            _("The person who registered a customer cannot also verify them."),
        ),
        CustomerError.risk_score_out_of_range: (
            422,
            _("%(label)s: a factor score is between 0 and 3."),
        ),
        CustomerError.risk_level_unknown: (
            422,
            _("%(label)s: the risk level must be low, medium or high."),
        ),
        CustomerError.risk_override_reason_missing: (
            422,
            _("A manual risk level needs a reason."),
        ),
        CustomerError.risk_override_not_pending: (
            409,
            _("This risk override is not waiting for approval."),
        ),
        CustomerError.risk_override_approver_is_proposer: (
            403,
            _("A risk override must be approved by a second person."),
        ),
        CustomerError.customer_class_unknown: (422, _("%(label)s: unknown customer class.")),
        CustomerError.credit_profile_invalid: (422, _("%(label)s: not a valid value.")),
        CustomerError.funds_account_exists: (
            409,
            _("The customer already has a funds account in %(currency)s."),
        ),
        CustomerError.reveal_field_unknown: (422, _("%(label)s: no such personal field.")),
        CustomerError.personal_data_erased: (
            410,
            _("This customer's personal data has been erased."),
        ),
        CustomerError.personal_data_unreadable: (
            500,
            _("Stored personal data failed its integrity check; the incident is logged."),
        ),
        CustomerError.field_not_editable: (422, _("%(label)s cannot be changed here.")),
        CustomerError.erasure_blocked_by_open_accounts: (
            409,
            _(
                "Personal data cannot be erased while the customer has open funds accounts "
                "(%(accounts)s): accounting records must be kept for the legal retention "
                "period. Bring each balance to zero and close the account, then erase again."
            ),
        ),
    }
)


def invalid(code: CustomerError, field: str, reason: str = "", **params: Any) -> DomainError:
    """A validation refusal naming ``field`` and, for numbers, the ``reason``."""
    reason_text = REASONS.get(reason, reason)
    return DomainError(
        code, field=field, label=field, reason=reason_text, reason_code=reason, **params
    )
