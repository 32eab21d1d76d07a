"""Reads of the payments app, for the API and the console."""

from __future__ import annotations

from django.db.models import QuerySet

from fundguard.core.errors import DomainError
from fundguard.payments.errors import PaymentError
from fundguard.payments.models import CompanyBankAccount, PaymentFile, PaymentOrder, StatusReport


def company_accounts() -> QuerySet[CompanyBankAccount]:
    return CompanyBankAccount.objects.select_related("clearing_account").order_by("pk")


def payment_files(*, status: str = "") -> QuerySet[PaymentFile]:
    files = PaymentFile.objects.select_related(
        "company_account", "created_by", "released_by"
    ).defer("content")
    return files.filter(status=status) if status else files


def payment_file_get(payment_file_id: int) -> PaymentFile:
    payment_file = (
        PaymentFile.objects.select_related("company_account", "created_by", "released_by")
        .filter(pk=payment_file_id)
        .first()
    )
    if payment_file is None:
        raise DomainError(PaymentError.payment_file_not_found, field="payment_file")
    return payment_file


def file_orders(payment_file: PaymentFile) -> QuerySet[PaymentOrder]:
    return payment_file.orders.order_by("pk")


def queued_orders(company: CompanyBankAccount) -> QuerySet[PaymentOrder]:
    return company.orders.filter(status="queued").order_by("requested_execution_date", "pk")


def status_reports() -> QuerySet[StatusReport]:
    return StatusReport.objects.select_related("imported_by").defer("content")
