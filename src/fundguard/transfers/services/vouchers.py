"""Printing a voucher: the first print is the original, every later one is marked a copy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import service_atomic
from fundguard.core.permissions import require_permission
from fundguard.formats.voucher import Voucher as PrintedVoucher
from fundguard.formats.voucher import VoucherLine, voucher_render_pdf
from fundguard.payments.models import PaymentOrder
from fundguard.transfers.errors import TransferError
from fundguard.transfers.models import Voucher, VoucherPrint


def _cashier(voucher: Voucher) -> str | None:
    """出纳: who released the payment file that carried the payment to the bank (none for the
    sandbox bank, which takes payments without a file), as known at the time of printing."""
    order = (
        PaymentOrder.objects.select_related("payment_file__released_by")
        .filter(end_to_end_id=voucher.transfer.end_to_end_id)
        .first()
    )
    releaser = order.payment_file.released_by if order and order.payment_file else None
    if releaser is None:
        return voucher.cashier or None
    return str(releaser.get_full_name() or releaser.username)[:60]


def _printed(voucher: Voucher, *, is_copy: bool) -> PrintedVoucher:
    return PrintedVoucher(
        number=voucher.number,
        period=voucher.period,
        date=voucher.voucher_date,
        summary=voucher.summary,
        lines=tuple(
            VoucherLine(
                account_code=line["account_code"][:60],
                account_name=line["account_name"][:60],
                debit_minor=line["debit_minor"],
                credit_minor=line["credit_minor"],
            )
            for line in voucher.lines
        ),
        preparer=voucher.preparer,
        reviewer=voucher.reviewer or None,
        approver=voucher.approver or None,
        cashier=_cashier(voucher),
        attachment_count=voucher.attachment_count,
        company_name=getattr(settings, "FUNDGUARD_COMPANY_NAME", None),
        is_copy=is_copy,
    )


def voucher_print(*, actor: Any, voucher_id: int) -> tuple[Voucher, bytes, bool]:
    """The PDF of the voucher and whether it is a copy; every print is logged and audited.

    Vouchers are kept in the books' currency: a voucher in another currency cannot be printed
    until amounts are converted (not built yet), and says so.
    """
    require_permission(actor, "transfers.view_vouchers")
    with service_atomic():
        voucher = Voucher.objects.select_for_update().filter(pk=voucher_id).first()
        if voucher is None:
            raise DomainError(TransferError.voucher_not_found, field="voucher")
        if voucher.currency != "CNY":
            raise DomainError(CoreError.invalid_input, field="currency")
        is_copy = VoucherPrint.objects.filter(voucher=voucher).exists()
        pdf = voucher_render_pdf(_printed(voucher, is_copy=is_copy))
        VoucherPrint.objects.create(
            voucher=voucher, printed_by=actor, printed_at=timezone.now(), is_copy=is_copy
        )
        audit_record(
            actor=actor,
            action="transfer.voucher_printed",
            target=voucher.transfer,
            changes={"voucher": [None, voucher.number_text], "copy": [None, is_copy]},
        )
    return voucher, pdf, is_copy
