"""Supporting documents of a transfer: added by its maker before it executes, sealed with the
customer's data key, read by those who decide on it (every read audited)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from fundguard.audit.services import audit_record
from fundguard.core.errors import CoreError, DomainError
from fundguard.core.locks import retrying, service_atomic
from fundguard.core.permissions import require_permission
from fundguard.customers.services.documents import MAX_FILENAME_CHARS, document_check
from fundguard.customers.vault import vault_for
from fundguard.transfers.errors import TransferError
from fundguard.transfers.lifecycle import TransferStatus
from fundguard.transfers.models import TransferAttachment
from fundguard.transfers.services._common import step_record, transfer_locked

# Until it executes, the evidence of a transfer may still grow; after that it is on the voucher.
OPEN_FOR_ATTACHMENTS = frozenset(
    {
        TransferStatus.draft,
        TransferStatus.submitted,
        TransferStatus.screening,
        TransferStatus.under_review,
        TransferStatus.pending_approval,
    }
)


def transfer_attachment_add(
    *, actor: Any, transfer_id: int, filename: str, content_type: str, content: bytes
) -> TransferAttachment:
    require_permission(actor, "transfers.make_transfers")
    filename = (filename or "").strip().replace("/", "_").replace("\\", "_")
    if not filename or len(filename) > MAX_FILENAME_CHARS:
        raise DomainError(CoreError.invalid_input, field="filename")
    document_check(content_type=content_type, content=content)
    digest = hashlib.sha256(content).hexdigest()

    def once() -> TransferAttachment:
        with service_atomic():
            transfer = transfer_locked(transfer_id)
            if transfer.maker_id != actor.pk:
                raise DomainError(TransferError.not_transfer_maker, field="transfer")
            if transfer.status not in OPEN_FOR_ATTACHMENTS:
                raise DomainError(
                    TransferError.transition_not_allowed,
                    field="status",
                    status=transfer.status,
                    event="attach",
                )
            vault = vault_for(transfer.customer_id)
            attachment = TransferAttachment.objects.create(
                transfer=transfer,
                customer_id=transfer.customer_id,
                filename_sealed=vault.seal(TransferAttachment, "filename", filename),
                content_type=content_type,
                size_bytes=len(content),
                sha256=digest,
                content_sealed=vault.seal_bytes(TransferAttachment, "content", content),
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            step_record(transfer, event="attach", actor=actor, reason=digest)
            audit_record(
                actor=actor,
                action="transfer.attachment_added",
                target=transfer,
                changes={
                    "attachment": [None, attachment.pk],
                    "sha256": [None, digest],
                    "size_bytes": [None, len(content)],
                    "content_type": [None, content_type],
                },
            )
            return attachment

    return retrying(once)


def transfer_attachment_open(
    *, actor: Any, attachment_id: int
) -> tuple[TransferAttachment, str, bytes]:
    """The file and its name, for someone who may see the transfer; the read is audited."""
    require_permission(actor, "transfers.view_transfers")
    with service_atomic():
        attachment = TransferAttachment.objects.filter(pk=attachment_id).first()
        if attachment is None:
            raise DomainError(CoreError.not_found, field="attachment")
        vault = vault_for(attachment.customer_id)
        filename = vault.open(TransferAttachment, "filename", attachment.filename_sealed)
        content = vault.open_bytes(TransferAttachment, "content", attachment.content_sealed)
        audit_record(
            actor=actor,
            action="transfer.attachment_read",
            target=attachment.transfer,
            changes={"attachment": [None, attachment.pk], "sha256": [None, attachment.sha256]},
        )
    return attachment, filename, content
