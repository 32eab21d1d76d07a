"""Transfers, their approvals and timeline, the approval policy versions, limits, delegations,
vouchers and batches. Rows change only through ``fundguard.transfers.services``."""

from fundguard.transfers.models.approvals import (
    ApprovalPolicyVersion,
    ApproverLimit,
    Delegation,
    PolicyStatus,
    TransferApproval,
)
from fundguard.transfers.models.transfers import (
    Channel,
    Transfer,
    TransferAttachment,
    TransferBatch,
    TransferStep,
)
from fundguard.transfers.models.vouchers import Voucher, VoucherPrint, VoucherSequence

__all__ = [
    "ApprovalPolicyVersion",
    "ApproverLimit",
    "Channel",
    "Delegation",
    "PolicyStatus",
    "Transfer",
    "TransferApproval",
    "TransferAttachment",
    "TransferBatch",
    "TransferStep",
    "Voucher",
    "VoucherPrint",
    "VoucherSequence",
]
