"""``/api/v1/transfers`` and ``/api/v1/approvals``: parse, call one service or selector, render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from fundguard.core.downloads import file_response
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.money import parse_amount
from fundguard.core.permissions import require_permission
from fundguard.core.schemas import ObjectId
from fundguard.customers.services import document_content_decode
from fundguard.transfers import selectors, services
from fundguard.transfers.errors import TransferError
from fundguard.transfers.models import Channel

router = Router(tags=["transfers"])
approvals_router = Router(tags=["transfers"])

ERRORS = {400: dict[str, Any], 401: dict[str, Any], 403: dict[str, Any], 404: dict[str, Any]}
WRITE_ERRORS = {**ERRORS, 409: dict[str, Any], 422: dict[str, Any]}


class BeneficiaryIn(Schema):
    name: str = Field(max_length=200)
    account_number: str = Field(max_length=64)
    bank_name: str = Field(max_length=200)
    country: str = Field(min_length=2, max_length=2)
    bic: str = Field("", max_length=11)
    branch: str = Field("", max_length=200)
    province: str = Field("", max_length=40, description="省份 of the payee's bank branch")
    city: str = Field("", max_length=40, description="城市 of the payee's bank branch")


class TransferIn(Schema):
    source_account: ObjectId
    beneficiary: BeneficiaryIn | None = None
    beneficiary_id: ObjectId | None = None
    amount: str = Field(max_length=32, description="Decimal string in the currency, e.g. 1234.56")
    currency: str = Field(min_length=3, max_length=3)
    purpose: str = Field(max_length=140)
    remittance_information: str = Field("", max_length=140)
    requested_execution_date: date | None = None


class ApproveIn(Schema):
    comment: str = Field("", max_length=1000)
    otp: str = Field("", max_length=12)


class RejectIn(Schema):
    reason: str = Field(max_length=1000)


class CancelIn(Schema):
    reason: str = Field("", max_length=1000)


class ApproveManyIn(Schema):
    transfers: list[ObjectId] = Field(min_length=1, max_length=200)
    comment: str = Field("", max_length=1000)
    otp: str = Field("", max_length=12)


class BulkOutcomeOut(Schema):
    transfer: int
    status: str
    code: str
    message: str


class TransferOut(Schema):
    id: int
    reference: str
    status: str
    customer: int
    source_account: int
    beneficiary: dict[str, Any]
    amount: str
    currency: str
    purpose: str
    remittance_information: str
    requested_execution_date: date
    channel: str
    maker: str
    created_at: datetime
    submitted_at: datetime | None
    required_levels: list[str]
    waiting_levels: list[str]
    sla_due_at: datetime | None
    policy_version: int | None
    screening: dict[str, Any]
    status_reason: str
    end_to_end_id: str
    hold: dict[str, Any] | None
    return_entry: int | None
    attachments: list[dict[str, Any]]
    voucher_number: str | None
    voucher_id: int | None
    approvals: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


def _can_view(request: HttpRequest) -> None:
    require_permission(request.user, "transfers.view_transfers")


def _view(transfer_id: int) -> dict[str, Any]:
    return selectors.transfer_view(selectors.transfer_get(transfer_id))


@router.post("", response={201: TransferOut, **WRITE_ERRORS}, summary="Request a transfer")
def transfer_create(request: HttpRequest, payload: TransferIn) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "transfers.make_transfers")
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise DomainError(CoreError.idempotency_key_missing, field="Idempotency-Key")
    currency = payload.currency.upper()
    try:
        amount_minor = parse_amount(payload.amount, currency)
    except DomainError as exc:
        exc.field = "amount"
        raise
    new = None
    if payload.beneficiary is not None:
        new = services.NewBeneficiary(**payload.beneficiary.dict())
    transfer = services.transfer_create(
        actor=request.user,
        source_account_id=payload.source_account,
        amount_minor=amount_minor,
        currency=currency,
        purpose=payload.purpose,
        beneficiary_id=payload.beneficiary_id,
        new_beneficiary=new,
        remittance_information=payload.remittance_information,
        requested_execution_date=payload.requested_execution_date,
        channel=Channel.api,
        idempotency_key=key,
    )
    return 201, _view(transfer.pk)


class RowProblemOut(Schema):
    row: int
    field: str
    reason: str


class BatchOut(Schema):
    batch: int | None
    rows_total: int
    dry_run: bool
    problems: list[RowProblemOut]
    transfers: list[int]


@router.post(
    "/batches",
    response={200: BatchOut, 201: BatchOut, **WRITE_ERRORS},
    summary="Check or submit a batch file",
)
def transfer_batch(
    request: HttpRequest, file: File[UploadedFile], dry_run: bool = True
) -> tuple[int, dict[str, Any]]:
    """A CSV or XLSX of transfers (docs/transfers.md): every row a transfer, or none. A dry run
    (the default) reports every bad row and writes nothing; 201 when the batch was submitted."""
    report = services.transfer_batch_submit(
        actor=request.user,
        filename=file.name or "",
        content=file.read(),
        dry_run=dry_run,
    )
    body = {
        "batch": report.batch.pk if report.batch else None,
        "rows_total": report.rows_total,
        "dry_run": report.dry_run,
        "problems": [{"row": p.row, "field": p.field, "reason": p.reason} for p in report.problems],
        "transfers": [t.pk for t in report.transfers],
    }
    return (201 if report.batch else 200), body


@router.get("", response={200: list[TransferOut], **ERRORS}, summary="Transfers, newest first")
def transfer_list(
    request: HttpRequest, status: str = "", customer: ObjectId | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    _can_view(request)
    rows = selectors.transfer_list(status=status, customer_id=customer)[: max(1, min(limit, 500))]
    return [selectors.transfer_view(t) for t in rows]


@router.get("/{transfer_id}", response={200: TransferOut, **ERRORS}, summary="A transfer")
def transfer_get(request: HttpRequest, transfer_id: ObjectId) -> dict[str, Any]:
    _can_view(request)
    return _view(transfer_id)


class AttachmentIn(Schema):
    filename: str = Field(max_length=200)
    content_type: str = Field(description="application/pdf, image/jpeg or image/png")
    content_base64: str


@router.post(
    "/{transfer_id}/attachments",
    response={201: dict[str, Any], **WRITE_ERRORS},
    summary="Attach a supporting document (JSON, file base64-encoded); stored encrypted",
)
def transfer_attachment_add(
    request: HttpRequest, transfer_id: ObjectId, payload: AttachmentIn
) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "transfers.make_transfers")
    attachment = services.transfer_attachment_add(
        actor=request.user,
        transfer_id=transfer_id,
        filename=payload.filename,
        content_type=payload.content_type,
        content=document_content_decode(payload.content_base64),
    )
    return 201, selectors.attachment_view(attachment)


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="Download an attachment (the read is audited)",
)
def transfer_attachment_get(request: HttpRequest, attachment_id: ObjectId) -> HttpResponse:
    attachment, filename, content = services.transfer_attachment_open(
        actor=request.user, attachment_id=attachment_id
    )
    return file_response(
        content,
        content_type=attachment.content_type,
        ascii_name=f"attachment-{attachment.pk}",
        name=filename,
    )


@router.post("/{transfer_id}/submit", response={200: TransferOut, **WRITE_ERRORS})
def transfer_submit(request: HttpRequest, transfer_id: ObjectId) -> dict[str, Any]:
    services.transfer_submit(actor=request.user, transfer_id=transfer_id)
    return _view(transfer_id)


@router.post("/{transfer_id}/approve", response={200: TransferOut, **WRITE_ERRORS})
def transfer_approve(
    request: HttpRequest, transfer_id: ObjectId, payload: ApproveIn
) -> dict[str, Any]:
    services.transfer_approve(
        actor=request.user, transfer_id=transfer_id, comment=payload.comment, otp=payload.otp
    )
    return _view(transfer_id)


@router.post("/{transfer_id}/reject", response={200: TransferOut, **WRITE_ERRORS})
def transfer_reject(
    request: HttpRequest, transfer_id: ObjectId, payload: RejectIn
) -> dict[str, Any]:
    services.transfer_reject(actor=request.user, transfer_id=transfer_id, reason=payload.reason)
    return _view(transfer_id)


@router.post("/{transfer_id}/cancel", response={200: TransferOut, **WRITE_ERRORS})
def transfer_cancel(
    request: HttpRequest, transfer_id: ObjectId, payload: CancelIn | None = None
) -> dict[str, Any]:
    services.transfer_cancel(
        actor=request.user, transfer_id=transfer_id, reason=payload.reason if payload else ""
    )
    return _view(transfer_id)


@router.post("/{transfer_id}/review", response={200: TransferOut, **WRITE_ERRORS})
def transfer_review(
    request: HttpRequest, transfer_id: ObjectId, clear: bool, payload: RejectIn
) -> dict[str, Any]:
    """Compliance clears (``clear=true``) or rejects a transfer held for review."""
    services.transfer_review_decide(
        actor=request.user, transfer_id=transfer_id, clear=clear, reason=payload.reason
    )
    return _view(transfer_id)


@approvals_router.get("/inbox", response={200: list[TransferOut], **ERRORS})
def approvals_inbox(request: HttpRequest) -> list[dict[str, Any]]:
    """What the caller may approve now, the most overdue first."""
    require_permission(request.user, "transfers.approve_transfers")
    return [selectors.transfer_view(t) for t in selectors.approval_inbox(request.user)]


@approvals_router.post("/approve-many", response={200: list[BulkOutcomeOut], **WRITE_ERRORS})
def approvals_approve_many(request: HttpRequest, payload: ApproveManyIn) -> list[dict[str, Any]]:
    """Approve several transfers, each checked on its own; the outcome of each is listed."""
    outcomes = services.transfers_approve_many(
        actor=request.user, transfer_ids=payload.transfers, comment=payload.comment, otp=payload.otp
    )
    return [
        {"transfer": o.transfer_id, "status": o.status, "code": o.code, "message": o.message}
        for o in outcomes
    ]


@router.get(
    "/{transfer_id}/voucher.pdf", response={200: None, **ERRORS}, summary="Print the voucher"
)
def transfer_voucher_pdf(request: HttpRequest, transfer_id: ObjectId) -> HttpResponse:
    """The 记账凭证 as PDF; every print after the first is marked a copy (副本)."""
    transfer = selectors.transfer_get(transfer_id)
    voucher = getattr(transfer, "voucher", None)
    if voucher is None:
        raise DomainError(TransferError.voucher_not_found, field="voucher")
    voucher, pdf, is_copy = services.voucher_print(actor=request.user, voucher_id=voucher.pk)
    copy = "-copy" if is_copy else ""
    return file_response(
        pdf,
        content_type="application/pdf",
        ascii_name=f"voucher-{voucher.period}-{voucher.number:04d}{copy}.pdf",
        name=f"voucher-{voucher.number_text}{copy}.pdf",
        inline=True,
    )
