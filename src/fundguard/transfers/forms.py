"""Console forms for transfers. They only shape the input: every rule is the services' (as for
the API), and a refused call's ``DomainError`` is shown next to the field it names
(:func:`error_place`)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import DomainError
from fundguard.transfers.lifecycle import TransferStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CODE = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "12"}
)

STATUS_LABELS: dict[str, str | Promise] = {
    TransferStatus.draft: _("Draft"),
    TransferStatus.submitted: _("Submitted"),
    TransferStatus.screening: _("Screening"),
    TransferStatus.pending_approval: _("Pending approval"),
    TransferStatus.under_review: _("Under compliance review"),
    TransferStatus.approved: _("Approved"),
    TransferStatus.executing: _("Executing"),
    TransferStatus.completed: _("Completed"),
    TransferStatus.failed: _("Failed"),
    TransferStatus.returned: _("Returned"),
    TransferStatus.rejected: _("Rejected"),
    TransferStatus.cancelled: _("Cancelled"),
    TransferStatus.expired: _("Expired"),
}

# Service field names that a form shows under another field.
FIELD_ALIASES = {
    "customer": "",  # KYC and the customer's limits: about the whole request
    "source_account_id": "source_account",
    "beneficiary_id": "beneficiary",
    "amount_minor": "amount",
    "single_minor": "single_limit",
    "daily_minor": "daily_limit",
    "daily_limit": "daily_limit",
    "user_id": "user",
    "delegator_id": "delegator",
    "delegate_id": "delegate",
    "content": "file",
    "filename": "file",
    "transfer_ids": "transfers",
}


def error_place(form: forms.Form, error: DomainError) -> None:
    """Attach a service's refusal to the field it names, else to the whole form.

    A new beneficiary's fields come back as ``beneficiary.<name>``; the form calls them
    ``beneficiary_<name>``.
    """
    field = error.field or ""
    name = FIELD_ALIASES.get(field, field.replace(".", "_"))
    if name not in form.fields and name.startswith("beneficiary_"):
        name = "beneficiary"
    form.add_error(name if name in form.fields else None, error.message)


class CustomerSearchForm(forms.Form):
    search = forms.CharField(label=_("Customer name, ID or account number"), max_length=100)


class TransferForm(forms.Form):
    """A transfer as the operator enters it; ``source_account`` and ``beneficiary`` choices are
    the chosen customer's."""

    customer = forms.IntegerField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    source_account = forms.TypedChoiceField(label=_("Source funds account"), coerce=int)
    beneficiary = forms.ChoiceField(label=_("Beneficiary"), required=False)
    beneficiary_name = forms.CharField(
        label=_("New beneficiary: name"), required=False, max_length=200
    )
    beneficiary_account_number = forms.CharField(
        label=_("New beneficiary: account number"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    beneficiary_bank_name = forms.CharField(
        label=_("New beneficiary: bank"), required=False, max_length=200
    )
    beneficiary_branch = forms.CharField(
        label=_("New beneficiary: branch"), required=False, max_length=200
    )
    beneficiary_bic = forms.CharField(
        label=_("New beneficiary: BIC"), required=False, max_length=11
    )
    beneficiary_province = forms.CharField(
        label=_("New beneficiary: province of the branch"), required=False, max_length=40
    )
    beneficiary_city = forms.CharField(
        label=_("New beneficiary: city of the branch"), required=False, max_length=40
    )
    beneficiary_country = forms.CharField(
        label=_("New beneficiary: country (ISO code)"), required=False, max_length=2, initial="CN"
    )
    amount = forms.CharField(
        label=_("Amount"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    purpose = forms.CharField(label=_("Purpose (用途)"), required=False, max_length=140)
    remittance_information = forms.CharField(
        label=_("Remittance information"), required=False, max_length=140
    )
    requested_execution_date = forms.DateField(
        label=_("Requested execution date"), required=False, widget=DATE
    )

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[int, str]],
        beneficiaries: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        source = self.fields["source_account"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = accounts
        payee = self.fields["beneficiary"]
        assert isinstance(payee, forms.ChoiceField)
        payee.choices = [("", _("A new beneficiary (below)")), *beneficiaries]


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)
    otp = forms.CharField(label=_("One-time code"), required=False, max_length=12, widget=CODE)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), required=False, max_length=1000)


class ApproveManyForm(forms.Form):
    transfers = forms.TypedMultipleChoiceField(label=_("Transfers"), coerce=int)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)
    otp = forms.CharField(label=_("One-time code"), required=False, max_length=12, widget=CODE)

    def __init__(self, *args: Any, transfer_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["transfers"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, str(pk)) for pk in transfer_ids]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Supporting document (PDF, JPEG or PNG)"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("clear", _("Clear: go on to approval")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *STATUS_LABELS.items()]
    )
    customer = forms.CharField(label=_("Customer"), required=False, max_length=100)
    date_from = forms.DateField(label=_("Created from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Created until"), required=False, widget=DATE)


class BatchForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class VoucherFilterForm(forms.Form):
    period = forms.RegexField(
        label=_("Period (YYYY-MM)"),
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Give the period as YYYY-MM, e.g. 2026-05.")},
        widget=forms.TextInput(attrs={"type": "month"}),
    )


class PolicyDraftForm(forms.Form):
    document = forms.CharField(
        label=_("Policy (JSON: tiers per currency, amounts in minor units; risk add-ons)"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        max_length=20_000,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PolicyActivateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ApproverLimitForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Approver"), coerce=int)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    single_limit = forms.CharField(label=_("Single-transfer limit"), max_length=32)
    daily_limit = forms.CharField(label=_("Daily limit"), max_length=32)

    def __init__(self, *args: Any, approvers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = approvers


class DelegationForm(forms.Form):
    delegator = forms.TypedChoiceField(label=_("Delegator (whose level)"), coerce=int)
    delegate = forms.TypedChoiceField(label=_("Delegate (who approves instead)"), coerce=int)
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(
        self,
        *args: Any,
        delegators: list[tuple[int, str]],
        delegates: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("delegator", delegators), ("delegate", delegates)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class DelegationRevokeForm(forms.Form):
    delegation = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
