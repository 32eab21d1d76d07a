"""Reading and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Max, Min, QuerySet

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


def _links(up_to_seq: int | None = None) -> Iterator[Link]:
    records = AuditRecord.objects.order_by("seq")
    if up_to_seq is not None:
        records = records.filter(seq__lte=up_to_seq)
    for record in records.iterator(chunk_size=2000):
        yield Link(
            seq=record.seq,
            prev_hash=record.prev_hash,
            hash=record.hash,
            fields=record.chain_fields(),
        )


def _head() -> Mark | None:
    row = AuditChainHead.objects.filter(pk=1).first()
    return Mark(seq=row.seq, hash=row.hash) if row else None


def audit_chain_verify() -> tuple[int, ChainProblem | None]:
    """(number of records checked, first problem or None).

    The trail keeps growing while it is read, so the chain is checked up to the head as read
    first; records and checkpoints appended meanwhile are then only required not to stand
    beyond the head as read last (an append moves the head in the same transaction).
    """
    head = _head()
    if head is None:
        links = list(_links())
        checkpoints = [Mark(seq=c.seq, hash=c.hash) for c in AuditCheckpoint.objects.all()]
        return len(links), verify_chain(links, head=None, checkpoints=checkpoints)
    checked = 0

    def counted() -> Iterator[Link]:
        nonlocal checked
        for link in _links(head.seq):
            checked += 1
            yield link

    early = AuditCheckpoint.objects.filter(seq__lte=head.seq)
    problem = verify_chain(
        counted(), head=head, checkpoints=[Mark(seq=c.seq, hash=c.hash) for c in early]
    )
    if problem is not None:
        return checked, problem
    last_checkpoint = AuditCheckpoint.objects.aggregate(seq=Max("seq"))["seq"] or 0
    last_record = AuditRecord.objects.aggregate(seq=Max("seq"))["seq"] or 0
    head_now = _head() or head  # read after the two above
    if last_record > head_now.seq:
        beyond = AuditRecord.objects.filter(seq__gt=head_now.seq).aggregate(seq=Min("seq"))
        return checked, ChainProblem(
            beyond["seq"], "inserted", f"stands beyond the chain head (#{head_now.seq})"
        )
    if last_checkpoint > head_now.seq:
        return checked, ChainProblem(
            head.seq + 1,
            "truncated",
            f"a checkpoint remembers #{last_checkpoint}, the chain ends at #{head.seq}",
        )
    return checked, None
