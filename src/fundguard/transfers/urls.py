from django.urls import path

from fundguard.transfers.views import approvals, batches, policy, requests, vouchers

app_name = "transfers"

urlpatterns = [
    path("", requests.transfer_list_page, name="transfer_list"),
    path("new/", requests.transfer_new, name="transfer_new"),
    path("new/customers/", requests.customer_pick, name="customer_pick"),
    path("new/checks/", requests.transfer_new_checks, name="transfer_new_checks"),
    path("batch/", batches.batch_upload, name="batch_upload"),
    path("inbox/", approvals.inbox, name="inbox"),
    path("inbox/approve-many/", approvals.approve_many, name="approve_many"),
    path("vouchers/", vouchers.voucher_list, name="voucher_list"),
    path("vouchers/<int:voucher_id>/print/", vouchers.voucher_print, name="voucher_print"),
    path("policy/", policy.policy_page, name="policy"),
    path("policy/draft/", policy.policy_draft, name="policy_draft"),
    path("policy/activate/", policy.policy_activate, name="policy_activate"),
    path("policy/limits/", policy.approver_limit_set, name="approver_limit_set"),
    path("delegations/", policy.delegations, name="delegations"),
    path("delegations/revoke/", policy.delegation_revoke, name="delegation_revoke"),
    path("<int:transfer_id>/", requests.transfer_detail, name="transfer_detail"),
    path("<int:transfer_id>/submit/", requests.transfer_submit, name="transfer_submit"),
    path("<int:transfer_id>/cancel/", requests.transfer_cancel, name="transfer_cancel"),
    path("<int:transfer_id>/attach/", requests.transfer_attach, name="transfer_attach"),
    path(
        "attachments/<int:attachment_id>/",
        requests.attachment_download,
        name="attachment_download",
    ),
    path("<int:transfer_id>/review/", requests.transfer_review, name="transfer_review"),
    path("<int:transfer_id>/approve/", approvals.transfer_approve, name="transfer_approve"),
    path("<int:transfer_id>/reject/", approvals.transfer_reject, name="transfer_reject"),
]
