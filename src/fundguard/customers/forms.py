"""Console forms. They only shape the input: every rule is the services' (as for the API),
and a refused call's ``DomainError`` is shown next to the field it names (``error_place``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import DomainError
from fundguard.customers.models import (
    AccountScheme,
    CustomerCategory,
    CustomerKind,
    DocumentKind,
    Gender,
    IdType,
    KycOutcome,
    KycStatus,
    RiskLevel,
    ValueClass,
)

DATE = forms.DateInput(attrs={"type": "date"})
BLANK: list[tuple[str, Any]] = [("", "—")]
# Service field names that a form shows under another field.
FIELD_ALIASES = {
    "expected_monthly_volume_minor": "expected_monthly_volume",
    "content": "file",
    "content_type": "file",
    "filename": "file",
    "notes": "findings",
    "amount": "expected_monthly_volume",
    "share_bp": "share",
    "limit_minor": "limit",
    "overdue_amount_minor": "overdue_amount",
}


def error_place(form: forms.Form, error: DomainError) -> None:
    """Attach a service's refusal to the field it names, else to the whole form."""
    name = FIELD_ALIASES.get(error.field or "", error.field or "")
    form.add_error(name if name in form.fields else None, error.message)


class CustomerFilterForm(forms.Form):
    search = forms.CharField(label=_("Name, ID or account number"), required=False, max_length=100)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), required=False, choices=BLANK + RiskLevel.choices
    )
    value_class = forms.ChoiceField(
        label=_("Class"), required=False, choices=BLANK + ValueClass.choices
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=BLANK + CustomerCategory.choices
    )
    kyc_status = forms.ChoiceField(
        label=_("KYC status"), required=False, choices=BLANK + KycStatus.choices
    )
    review_due = forms.BooleanField(label=_("Review due"), required=False)


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices)
    name = forms.CharField(label=_("Name (Chinese)"), required=False)
    name_latin = forms.CharField(label=_("Name (Latin script)"), required=False)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("ID number"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=BLANK + Gender.choices)
    country = forms.CharField(label=_("Country (ISO code)"), required=False, initial="CN")
    nationality = forms.CharField(label=_("Nationality (ISO code)"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    email = forms.CharField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), required=False)
    occupation = forms.CharField(label=_("Occupation"), required=False)
    industry = forms.CharField(label=_("Industry"), required=False)
    is_pep = forms.BooleanField(label=_("Politically exposed person"), required=False)
    expected_monthly_volume = forms.CharField(label=_("Expected monthly volume"), required=False)
    expected_volume_currency = forms.CharField(
        label=_("Currency of the volume"), required=False, initial="CNY"
    )
    purposes = forms.CharField(label=_("Purposes (separated by ;)"), required=False)
    source_of_funds = forms.CharField(label=_("Source of funds"), required=False)
    legal_representative_name = forms.CharField(
        label=_("Legal representative (organizations)"), required=False
    )
    legal_representative_id_type = forms.ChoiceField(
        label=_("Legal representative's ID type"),
        required=False,
        choices=BLANK + IdType.choices,
    )
    legal_representative_id_number = forms.CharField(
        label=_("Legal representative's ID number"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(label=_("Bank"), required=False)
    branch = forms.CharField(label=_("Branch"), required=False)
    account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scheme = forms.ChoiceField(
        label=_("Scheme"), required=False, choices=[("", _("Detect")), *AccountScheme.choices]
    )
    bic = forms.CharField(label=_("BIC"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, initial="CNY")


class BeneficiaryForm(BankAccountForm):
    name = forms.CharField(label=_("Beneficiary name"), required=False)
    province = forms.CharField(label=_("Province of the branch"), required=False)
    city = forms.CharField(label=_("City of the branch"), required=False)
    field_order = ["name"]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)


class KycReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=KycOutcome.choices)
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea)
    reviewed_on = forms.DateField(label=_("Reviewed on"), required=False, widget=DATE)


class FundsAccountForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), initial="CNY", max_length=3)


class BeneficialOwnerForm(forms.Form):
    name = forms.CharField(label=_("Owner's name (Chinese)"), required=False)
    name_latin = forms.CharField(label=_("Owner's name (Latin script)"), required=False)
    share = forms.CharField(label=_("Share (%)"), required=False)
    nationality = forms.CharField(label=_("Nationality (ISO code)"), required=False)
    id_type = forms.ChoiceField(label=_("ID type"), required=False, choices=BLANK + IdType.choices)
    id_number = forms.CharField(
        label=_("ID number"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class ClassifyForm(forms.Form):
    value_class = forms.ChoiceField(
        label=_("Class"), required=False, choices=BLANK + ValueClass.choices
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=BLANK + CustomerCategory.choices
    )


class CreditProfileForm(forms.Form):
    score = forms.CharField(label=_("Credit score (0 to 1000)"), required=False)
    grade = forms.CharField(label=_("Grade"), required=False)
    limit = forms.CharField(label=_("Credit limit"), required=False)
    limit_currency = forms.CharField(label=_("Currency"), required=False, initial="CNY")
    overdue_count = forms.CharField(label=_("Overdue records"), required=False, initial="0")
    overdue_amount = forms.CharField(label=_("Overdue amount"), required=False, initial="0")
    external_report_reference = forms.CharField(
        label=_("External credit report reference"), required=False
    )


class RiskOverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=BLANK + RiskLevel.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea)


class EraseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the erasure"), required=False)
    confirm = forms.BooleanField(
        label=_("I understand that the personal data will be unreadable for good"),
        required=True,
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
