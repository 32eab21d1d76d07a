"""Enumerations shared by the customers models, services and validation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CustomerKind(models.TextChoices):
    person = "person", _("Person")
    organization = "organization", _("Organization")


class Gender(models.TextChoices):
    male = "male", _("Male")
    female = "female", _("Female")


class IdType(models.TextChoices):
    cn_resident_id = "cn_resident_id", _("Mainland resident ID card (居民身份证)")
    cn_uscc = "cn_uscc", _("Unified Social Credit Code (统一社会信用代码)")
    passport = "passport", _("Passport")
    hk_macao_permit = "hk_macao_permit", _("Mainland travel permit for HK/Macao residents")
    taiwan_permit = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    foreign_registration = "foreign_registration", _("Foreign registration number")


ID_TYPES_FOR_KIND: dict[CustomerKind, frozenset[IdType]] = {
    CustomerKind.person: frozenset(
        {
            IdType.cn_resident_id,
            IdType.passport,
            IdType.hk_macao_permit,
            IdType.taiwan_permit,
            IdType.foreign_registration,
        }
    ),
    CustomerKind.organization: frozenset({IdType.cn_uscc, IdType.foreign_registration}),
}


class KycStatus(models.TextChoices):
    pending = "pending", pgettext_lazy("KYC status", "Pending")
    verified = "verified", _("Verified")
    rejected = "rejected", _("Rejected")
    expired = "expired", _("Expired")


class KycOutcome(models.TextChoices):
    verified = "verified", _("Verified")
    rejected = "rejected", _("Rejected")


class RiskLevel(models.TextChoices):
    low = "low", _("Low")
    medium = "medium", _("Medium")
    high = "high", _("High")


class ValueClass(models.TextChoices):
    a = "A", _("Class A")
    b = "B", _("Class B")
    c = "C", _("Class C")


class CustomerCategory(models.TextChoices):
    important = "important", _("Important (重要)")
    general = "general", _("General (一般)")
    high_risk = "high_risk", _("High risk (高风险)")


class AccountScheme(models.TextChoices):
    cn_card = "cn_card", _("Chinese bank card (Luhn)")
    cn_account = "cn_account", _("Chinese bank account")
    iban = "iban", _("IBAN")
    other = "other", _("Other")


class VerificationStatus(models.TextChoices):
    unverified = "unverified", _("Unverified")
    verified = "verified", _("Verified")
    failed = "failed", _("Failed")


class DocumentKind(models.TextChoices):
    id_scan = "id_scan", _("Identity document scan")
    business_licence = "business_licence", _("Business licence")
    contract = "contract", _("Contract")
    proof_of_address = "proof_of_address", _("Proof of address")
    other = "other", _("Other")


class OverrideStatus(models.TextChoices):
    none = "none", _("No override")
    pending = "pending", _("Waiting for approval")
    approved = "approved", _("Approved")
