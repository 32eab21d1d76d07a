"""The payments API's request and response shapes. Amounts travel as decimal strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from fundguard.core.money import format_amount
from fundguard.payments.models import CompanyBankAccount, PaymentFile, PaymentOrder, StatusReport


class CompanyAccountIn(Schema):
    name: str = Field(max_length=140)
    bank_name: str = Field(max_length=140)
    account_number: str = Field(max_length=40)
    currency: str = Field(min_length=3, max_length=3)
    country: str = Field(min_length=2, max_length=3)
    rail: str
    bic: str = Field(default="", max_length=20)
    iban: str = Field(default="", max_length=50)


class CompanyAccountOut(Schema):
    id: int
    name: str
    bank_name: str
    bic: str
    account_number: str
    iban: str
    currency: str
    country: str
    rail: str
    active: bool
    clearing_account: int
    clearing_account_code: str
    in_transit: str


class PaymentFileIn(Schema):
    company_account: int = Field(ge=1, le=2**63 - 1)


class OrderOut(Schema):
    id: int
    end_to_end_id: str
    amount: str
    currency: str
    creditor_name: str
    creditor_bank_name: str
    creditor_country: str
    requested_execution_date: date
    status: str
    status_reason: str


class PaymentFileOut(Schema):
    id: int
    company_account: int
    rail: str
    status: str
    message_id: str
    file_name: str
    media_type: str
    order_count: int
    control_sum: str
    currency: str
    sha256: str
    created_by: str
    created_at: datetime
    released_by: str | None
    released_at: datetime | None


class PaymentFileMetaOut(PaymentFileOut):
    orders: list[OrderOut]


class StatusReportOut(Schema):
    id: int
    message_id: str
    original_message_id: str
    version: str
    sha256: str
    imported_at: datetime
    transactions: int
    accepted: int
    settled: int
    rejected: int
    unchanged: int


def company_account_out(company: CompanyBankAccount) -> dict[str, Any]:
    clearing = company.clearing_account
    return {
        "id": company.pk,
        "name": company.name,
        "bank_name": company.bank_name,
        "bic": company.bic,
        "account_number": company.account_number,
        "iban": company.iban,
        "currency": company.currency,
        "country": company.country,
        "rail": company.rail,
        "active": company.active,
        "clearing_account": clearing.pk,
        "clearing_account_code": clearing.code,
        "in_transit": format_amount(clearing.balance_minor, clearing.currency),
    }


def order_out(order: PaymentOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "end_to_end_id": order.end_to_end_id,
        "amount": format_amount(order.amount_minor, order.currency),
        "currency": order.currency,
        "creditor_name": order.creditor_name,
        "creditor_bank_name": order.creditor_bank_name,
        "creditor_country": order.creditor_country,
        "requested_execution_date": order.requested_execution_date,
        "status": order.status,
        "status_reason": order.status_reason,
    }


def payment_file_out(payment_file: PaymentFile) -> dict[str, Any]:
    return {
        "id": payment_file.pk,
        "company_account": payment_file.company_account_id,
        "rail": payment_file.rail,
        "status": payment_file.status,
        "message_id": payment_file.message_id,
        "file_name": payment_file.file_name,
        "media_type": payment_file.media_type,
        "order_count": payment_file.order_count,
        "control_sum": format_amount(payment_file.control_sum_minor, payment_file.currency),
        "currency": payment_file.currency,
        "sha256": payment_file.content_sha256,
        "created_by": payment_file.created_by.username,
        "created_at": payment_file.created_at,
        "released_by": payment_file.released_by.username if payment_file.released_by else None,
        "released_at": payment_file.released_at,
    }


def status_report_out(report: StatusReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "message_id": report.message_id,
        "original_message_id": report.original_message_id,
        "version": report.version,
        "sha256": report.content_sha256,
        "imported_at": report.imported_at,
        "transactions": report.transaction_count,
        "accepted": report.accepted_count,
        "settled": report.settled_count,
        "rejected": report.rejected_count,
        "unchanged": report.unchanged_count,
    }
