"""API shapes of the customers endpoints. Personal values go out masked only (``*_masked``)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class CustomerIn(Schema):
    kind: str
    name: str = Field(max_length=200)
    id_type: str
    id_number: str = Field(max_length=60)
    country: str = Field(max_length=3)
    name_latin: str = Field("", max_length=200)
    gender: str = ""
    nationality: str = Field("", max_length=3)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)
    occupation: str = Field("", max_length=200)
    industry: str = Field("", max_length=100)
    is_pep: bool = False
    expected_monthly_volume: str | None = Field(None, description="decimal string, e.g. 50000.00")
    expected_volume_currency: str = ""
    purposes: list[str] = Field(default_factory=list, max_length=20)
    source_of_funds: str = Field("", max_length=500)
    legal_representative_name: str = Field("", max_length=200)
    legal_representative_id_type: str = ""
    legal_representative_id_number: str = Field("", max_length=60)


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=200)
    name_latin: str | None = Field(None, max_length=200)
    gender: str | None = None
    nationality: str | None = None
    country: str | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=500)
    occupation: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=100)
    is_pep: bool | None = None
    expected_monthly_volume: str | None = None
    expected_volume_currency: str | None = None
    purposes: list[str] | None = Field(None, max_length=20)
    source_of_funds: str | None = Field(None, max_length=500)
    legal_representative_name: str | None = Field(None, max_length=200)


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    name_latin: str
    gender: str
    nationality: str
    country: str
    occupation: str
    industry: str
    is_pep: bool
    expected_monthly_volume: str | None
    expected_volume_currency: str
    purposes: list[str]
    source_of_funds: str
    id_type: str
    id_number_masked: str
    phone_masked: str
    email_masked: str
    address_masked: str
    legal_representative_name: str
    legal_representative_id_type: str
    legal_representative_id_masked: str
    kyc_status: str
    next_review_on: date | None
    risk_level: str
    value_class: str
    category: str
    created_at: datetime
    is_erased: bool


class CustomerPageOut(Schema):
    count: int
    results: list[CustomerOut]


class IdentityDocumentIn(Schema):
    id_type: str
    id_number: str = Field(max_length=60)
    issuing_country: str = ""
    issued_on: date | None = None
    expires_on: date | None = None


class IdentityDocumentOut(Schema):
    id: int
    id_type: str
    number_masked: str
    issuing_country: str
    issued_on: date | None
    expires_on: date | None
    is_primary: bool


class BeneficialOwnerIn(Schema):
    name: str = Field(max_length=200)
    share_bp: int = Field(description="basis points: 2500 = 25.00 %")
    name_latin: str = Field("", max_length=200)
    nationality: str = ""
    id_type: str = ""
    id_number: str = Field("", max_length=60)


class BeneficialOwnerOut(Schema):
    id: int
    name: str
    name_latin: str
    nationality: str
    share_bp: int
    id_type: str
    id_number_masked: str


class BankAccountIn(Schema):
    bank_name: str = Field(max_length=200)
    account_number: str = Field(max_length=60)
    currency: str
    branch: str = Field("", max_length=200)
    bic: str = Field("", max_length=20)
    scheme: str = Field("", description="cn_card, cn_account, iban or other; empty: detect")


class BeneficiaryIn(BankAccountIn):
    name: str = Field(max_length=200)
    province: str = Field("", max_length=40, description="省份 of the payee's bank branch")
    city: str = Field("", max_length=40, description="城市 of the payee's bank branch")


class BankAccountOut(Schema):
    id: int
    bank_name: str
    branch: str
    bic: str
    scheme: str
    account_number_masked: str
    currency: str
    verification_status: str
    created_at: datetime


class BeneficiaryOut(BankAccountOut):
    name: str
    province: str
    city: str
    cooling_off_until: datetime


class DocumentIn(Schema):
    kind: str
    filename: str = Field(max_length=200)
    content_type: str
    content_base64: str = Field(description="the file, base64-encoded (size limit applies)")
    issued_on: date | None = None
    expires_on: date | None = None


class DocumentOut(Schema):
    id: int
    kind: str
    content_type: str
    size_bytes: int
    sha256: str
    issued_on: date | None
    expires_on: date | None
    uploaded_at: datetime


class KycReviewIn(Schema):
    outcome: str
    notes: str = Field("", max_length=5000)
    reviewed_on: date | None = None
    document_ids: list[int] = Field(default_factory=list, max_length=50)


class KycReviewOut(Schema):
    id: int
    outcome: str
    notes: str
    reviewer: str
    reviewed_on: date
    next_review_on: date | None
    kyc_status: str


class FundsAccountIn(Schema):
    currency: str


class FundsAccountOut(Schema):
    id: int = Field(description="the ledger account id")
    code: str
    currency: str
    status: str
    balance: str
    available: str
    opened_at: datetime


class RiskRatingIn(Schema):
    products_channels_score: int = 0
    adverse_history_score: int = 0


class RiskOverrideIn(Schema):
    level: str
    reason: str = Field(max_length=5000)


class RiskRatingOut(Schema):
    id: int
    factors: dict[str, int]
    total_score: int
    computed_level: str
    override_level: str
    override_reason: str
    override_status: str
    level_in_force: str
    rated_by: str | None
    approved_by: str | None
    created_at: datetime


class ClassifyIn(Schema):
    value_class: str = ""
    category: str = ""


class CreditProfileIn(Schema):
    score: int | None = None
    grade: str = ""
    limit: str | None = None
    limit_currency: str = ""
    overdue_count: int = 0
    overdue_amount: str = "0"
    external_report_reference: str = ""


class CreditProfileOut(Schema):
    score: int | None
    grade: str
    limit: str | None
    limit_currency: str
    overdue_count: int
    overdue_amount_minor: int
    external_report_reference: str


class RevealIn(Schema):
    field: str
    object_id: int | None = None


class RevealOut(Schema):
    field: str
    value: str


class EraseIn(Schema):
    reason: str = Field(max_length=500)


class CustomerDetailOut(CustomerOut):
    identity_documents: list[IdentityDocumentOut]
    beneficial_owners: list[BeneficialOwnerOut]
    bank_accounts: list[BankAccountOut]
    beneficiaries: list[BeneficiaryOut]
    documents: list[DocumentOut]
    funds_accounts: list[FundsAccountOut]
    kyc_reviews: list[KycReviewOut]
    risk_ratings: list[RiskRatingOut]
    credit_profile: CreditProfileOut | None
