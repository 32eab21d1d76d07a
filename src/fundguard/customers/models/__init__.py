from fundguard.customers.models.banking import BankAccount, Beneficiary
from fundguard.customers.models.choices import (
    AccountScheme,
    CustomerCategory,
    CustomerKind,
    DocumentKind,
    Gender,
    IdType,
    KycOutcome,
    KycStatus,
    OverrideStatus,
    RiskLevel,
    ValueClass,
    VerificationStatus,
)
from fundguard.customers.models.customers import (
    ERASED_NAME,
    BeneficialOwner,
    Customer,
    CustomerDataKey,
)
from fundguard.customers.models.documents import CustomerDocument, IdentityDocument
from fundguard.customers.models.funds import CustomerFundsAccount
from fundguard.customers.models.kyc import CreditProfile, KycReview, RiskRating

__all__ = [
    "ERASED_NAME",
    "AccountScheme",
    "BankAccount",
    "BeneficialOwner",
    "Beneficiary",
    "CreditProfile",
    "Customer",
    "CustomerCategory",
    "CustomerDataKey",
    "CustomerDocument",
    "CustomerFundsAccount",
    "CustomerKind",
    "DocumentKind",
    "Gender",
    "IdType",
    "IdentityDocument",
    "KycOutcome",
    "KycReview",
    "KycStatus",
    "OverrideStatus",
    "RiskLevel",
    "RiskRating",
    "ValueClass",
    "VerificationStatus",
]
