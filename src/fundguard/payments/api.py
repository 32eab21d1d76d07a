"""``/api/v1/payment-files``, ``/payment-status-reports``, ``/company-accounts``: parse, call one
service or selector, render. ``GET /payment-files/{id}`` is the file itself (a published
contract): the pain.001 XML as ``application/xml``, or the bank's XLSX."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from fundguard.core.errors import DomainError
from fundguard.core.permissions import require_permission
from fundguard.core.schemas import ObjectId
from fundguard.payments import selectors, services
from fundguard.payments.errors import PaymentError
from fundguard.payments.models import FileStatus
from fundguard.payments.schemas import (
    CompanyAccountIn,
    CompanyAccountOut,
    PaymentFileIn,
    PaymentFileMetaOut,
    PaymentFileOut,
    StatusReportOut,
    company_account_out,
    order_out,
    payment_file_out,
    status_report_out,
)

router = Router(tags=["payments"])

VIEW = "payments.view_payments"
ERRORS = {400: dict[str, Any], 401: dict[str, Any], 403: dict[str, Any], 404: dict[str, Any]}
WRITE_ERRORS = {**ERRORS, 409: dict[str, Any], 422: dict[str, Any]}
LIST_MAX = 1000


def _meta(payment_file_id: int) -> dict[str, Any]:
    payment_file = selectors.payment_file_get(payment_file_id)
    orders = [order_out(order) for order in selectors.file_orders(payment_file)]
    return {**payment_file_out(payment_file), "orders": orders}


@router.get("/company-accounts", response=list[CompanyAccountOut], summary="Company accounts")
def company_account_list(request: HttpRequest) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    return [company_account_out(c) for c in selectors.company_accounts()[:LIST_MAX]]


@router.post(
    "/company-accounts",
    response={201: CompanyAccountOut, **WRITE_ERRORS},
    summary="Register a company bank account (and open its clearing account)",
)
def company_account_create(
    request: HttpRequest, payload: CompanyAccountIn
) -> tuple[int, dict[str, Any]]:
    company = services.company_account_create(actor=request.user, **payload.dict())
    return 201, company_account_out(company)


@router.get("/payment-files", response=list[PaymentFileOut], summary="Payment files")
def payment_file_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    return [payment_file_out(f) for f in selectors.payment_files(status=status)[:LIST_MAX]]


@router.post(
    "/payment-files",
    response={201: PaymentFileMetaOut, **WRITE_ERRORS},
    summary="Build a file of a company account's queued payments",
)
def payment_file_build(request: HttpRequest, payload: PaymentFileIn) -> tuple[int, dict[str, Any]]:
    payment_file = services.payment_file_build(
        actor=request.user, company_account_id=payload.company_account
    )
    return 201, _meta(payment_file.pk)


@router.get(
    "/payment-files/{payment_file_id}",
    response={200: None, **WRITE_ERRORS},
    summary="The file itself, once released (pain.001 XML or the bank's XLSX)",
)
def payment_file_download(request: HttpRequest, payment_file_id: ObjectId) -> HttpResponse:
    require_permission(request.user, VIEW)
    payment_file = selectors.payment_file_get(payment_file_id)
    if payment_file.status == FileStatus.built:
        raise DomainError(PaymentError.payment_file_not_released, field="payment_file")
    response = HttpResponse(bytes(payment_file.content), content_type=payment_file.media_type)
    response["Content-Disposition"] = f'attachment; filename="{payment_file.file_name}"'
    return response


@router.get(
    "/payment-files/{payment_file_id}/meta",
    response={200: PaymentFileMetaOut, **ERRORS},
    summary="A payment file's status, totals and orders",
)
def payment_file_meta(request: HttpRequest, payment_file_id: ObjectId) -> dict[str, Any]:
    require_permission(request.user, VIEW)
    return _meta(payment_file_id)


@router.post(
    "/payment-files/{payment_file_id}/release",
    response={200: PaymentFileMetaOut, **WRITE_ERRORS},
    summary="Release a file to the bank (not by whoever built it)",
)
def payment_file_release(request: HttpRequest, payment_file_id: ObjectId) -> dict[str, Any]:
    payment_file = services.payment_file_release(
        actor=request.user, payment_file_id=payment_file_id
    )
    return _meta(payment_file.pk)


@router.post(
    "/payment-status-reports",
    response={201: StatusReportOut, **WRITE_ERRORS},
    summary="Import a pain.002 status report (the XML as the request body)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
def status_report_import(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "payments.manage_payment_files")
    report = services.status_report_import(actor=request.user, xml_bytes=request.body)
    return 201, status_report_out(report)
