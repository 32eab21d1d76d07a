"""Every change to a transfer, its approvals, the approval policy, limits and delegations.

Keyword-only functions; each checks the permission, runs in one transaction (``service_atomic``,
retried by ``retrying``), locks the transfer row, applies the lifecycle step with what it does
to the ledger hold, appends the timeline step and the audit record, and queues notifications,
which go out only once the transaction commits.
"""

from fundguard.transfers.services.approvals import (
    BulkOutcome,
    approvals_sla_check,
    transfer_approve,
    transfer_reject,
    transfer_review_decide,
    transfers_approve_many,
    waiting_levels,
)
from fundguard.transfers.services.attachments import (
    transfer_attachment_add,
    transfer_attachment_open,
)
from fundguard.transfers.services.batches import BatchReport, transfer_batch_submit
from fundguard.transfers.services.policy_admin import (
    approval_policy_activate,
    approval_policy_draft,
    approver_limit_set,
    delegation_grant,
    delegation_revoke,
    policy_in_force,
)
from fundguard.transfers.services.requests import (
    NewBeneficiary,
    transfer_cancel,
    transfer_create,
    transfer_submit,
    transfers_expire_due,
)
from fundguard.transfers.services.vouchers import voucher_print

__all__ = [
    "BatchReport",
    "BulkOutcome",
    "NewBeneficiary",
    "approval_policy_activate",
    "approval_policy_draft",
    "approvals_sla_check",
    "approver_limit_set",
    "delegation_grant",
    "delegation_revoke",
    "policy_in_force",
    "transfer_approve",
    "transfer_attachment_add",
    "transfer_attachment_open",
    "transfer_batch_submit",
    "transfer_cancel",
    "transfer_create",
    "transfer_reject",
    "transfer_review_decide",
    "transfer_submit",
    "transfers_approve_many",
    "transfers_expire_due",
    "voucher_print",
    "waiting_levels",
]
