"""Payment files: built from the queued orders by one person, released by another.

A pain.001 is checked against its XSD when it is built and again when it is released: a file
that fails its schema is never released, and a refused build or release changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import DomainError
from fundguard.core.locks import lock_rows, retrying, service_atomic
from fundguard.core.permissions import require_permission
from fundguard.formats.cn_bank_batch import PAYMENTS_MAX as ICBC_PAYMENTS_MAX
from fundguard.formats.iso20022.pain001 import PAYMENTS_MAX as PAIN001_PAYMENTS_MAX
from fundguard.payments.conf import setting
from fundguard.payments.errors import PaymentError
from fundguard.payments.models import (
    FILE_RAILS,
    CompanyBankAccount,
    FileStatus,
    OrderStatus,
    PaymentFile,
    PaymentOrder,
    Rail,
)
from fundguard.payments.rails import FileHeader, file_render, file_validate, media_type_of


def _message_id(now: Any) -> str:
    """Unique and at most 35 characters: FG-20250301093015-1a2b3c4d."""
    return f"FG-{now:%Y%m%d%H%M%S}-{secrets.token_hex(4)}"


def _orders_for_next_file(company: CompanyBankAccount, today: date) -> tuple[date, list[Any]]:
    """The queued orders of the earliest execution date (a past date counts as today), oldest
    first, as many as one file of the rail holds. A file carries one execution date."""
    queued: QuerySet[PaymentOrder] = PaymentOrder.objects.filter(
        company_account=company, status=OrderStatus.queued
    ).order_by("requested_execution_date", "pk")
    first = queued.first()
    if first is None:
        raise DomainError(PaymentError.payment_file_nothing_queued, field="company_account")
    execution_date = max(first.requested_execution_date, today)
    limit = ICBC_PAYMENTS_MAX if company.rail == Rail.cn_bank_batch else PAIN001_PAYMENTS_MAX
    orders = list(queued.filter(requested_execution_date__lte=execution_date)[:limit])
    return execution_date, orders


def payment_file_build(*, actor: Any, company_account_id: int) -> PaymentFile:
    """Put the next queued orders of a company bank account in a file for its rail."""
    require_permission(actor, "payments.manage_payment_files")

    def once() -> PaymentFile:
        with service_atomic():
            company = lock_rows(CompanyBankAccount, [company_account_id]).get(company_account_id)
            if company is None:
                raise DomainError(PaymentError.company_account_not_found, field="company_account")
            if company.rail not in FILE_RAILS:
                raise DomainError(PaymentError.payment_file_nothing_queued, field="company_account")
            now = timezone.now()
            execution_date, orders = _orders_for_next_file(company, timezone.localdate(now))
            header = FileHeader(
                message_id=_message_id(now),
                created_at=timezone.localtime(now),
                requested_execution_date=execution_date,
                initiating_party_name=setting("PAYMENTS_INITIATING_PARTY_NAME"),
            )
            content = file_render(company.rail, company, header, orders)
            media_type, suffix = media_type_of(company.rail)
            payment_file = PaymentFile.objects.create(
                company_account=company,
                rail=company.rail,
                message_id=header.message_id,
                file_name=f"{header.message_id}.{suffix}",
                content=content,
                content_sha256=hashlib.sha256(content).hexdigest(),
                media_type=media_type,
                order_count=len(orders),
                control_sum_minor=sum(order.amount_minor for order in orders),
                currency=company.currency,
                created_by=actor,
                created_at=now,
            )
            PaymentOrder.objects.filter(pk__in=[order.pk for order in orders]).update(
                status=OrderStatus.in_file, payment_file=payment_file, status_changed_at=now
            )
            audit_record(
                actor=actor,
                action="payments.file_built",
                target=payment_file,
                changes={
                    "message_id": [None, payment_file.message_id],
                    "rail": [None, payment_file.rail],
                    "order_count": [None, payment_file.order_count],
                    "control_sum_minor": [None, payment_file.control_sum_minor],
                    "sha256": [None, payment_file.content_sha256],
                    "end_to_end_ids": [None, [order.end_to_end_id for order in orders]],
                },
            )
            return payment_file

    return retrying(once)


def payment_file_release(*, actor: Any, payment_file_id: int) -> PaymentFile:
    """Release a built file for upload to the bank (four eyes: not by whoever built it); its
    orders are then ``sent``."""
    require_permission(actor, "payments.release_payment_files")

    def once() -> PaymentFile:
        with service_atomic():
            payment_file = lock_rows(PaymentFile, [payment_file_id]).get(payment_file_id)
            if payment_file is None:
                raise DomainError(PaymentError.payment_file_not_found, field="payment_file")
            if payment_file.status != FileStatus.built:
                raise DomainError(PaymentError.payment_file_already_released, field="payment_file")
            if payment_file.created_by_id == actor.pk:
                raise DomainError(
                    PaymentError.payment_file_releaser_is_builder, field="payment_file"
                )
            file_validate(payment_file.rail, bytes(payment_file.content))
            now = timezone.now()
            payment_file.status = FileStatus.released
            payment_file.released_by = actor
            payment_file.released_at = now
            payment_file.save(update_fields=["status", "released_by", "released_at"])
            sent = PaymentOrder.objects.filter(
                payment_file=payment_file, status=OrderStatus.in_file
            ).update(status=OrderStatus.sent, status_changed_at=now)
            assert sent == payment_file.order_count, (sent, payment_file.order_count)
            audit_record(
                actor=actor,
                action="payments.file_released",
                target=payment_file,
                changes={
                    "status": [FileStatus.built, FileStatus.released],
                    "sha256": [None, payment_file.content_sha256],
                },
            )
            return payment_file

    return retrying(once)
