"""Reading and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from fundguard.audit.chain import ChainProblem, Link, Mark, verify_chain
from fundguard.audit.models import AuditChainHead, AuditCheckpoint, AuditRecord


def audit_record_list(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditRecord]:
    """Newest first, narrowed by whichever filters are given."""
    records = AuditRecord.objects.order_by("-seq")
    if actor:
        records = records.filter(actor_username__icontains=actor.strip())
    if action:
        records = records.filter(action__startswith=action.strip())
    if object_type:
        records = records.filter(object_type=object_type.strip())
    if object_id:
        records = records.filter(object_id=object_id.strip())
    if date_from:
        records = records.filter(occurred_at__date__gte=date_from)
    if date_to:
        records = records.filter(occurred_at__date__lte=date_to)
    return records


def audit_records_for(target: Any) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).order_by("seq")


def _links() -> Iterator[Link]:
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        yield Link(
            seq=record.seq,
            prev_hash=record.prev_hash,
            hash=record.hash,
            fields=record.chain_fields(),
        )


def audit_chain_verify() -> tuple[int, ChainProblem | None]:
    """(number of records checked, first problem or None)."""
    head_row = AuditChainHead.objects.filter(pk=1).first()
    head = Mark(seq=head_row.seq, hash=head_row.hash) if head_row else None
    checkpoints = [Mark(seq=c.seq, hash=c.hash) for c in AuditCheckpoint.objects.all()]
    count = AuditRecord.objects.count()
    return count, verify_chain(_links(), head=head, checkpoints=checkpoints)
