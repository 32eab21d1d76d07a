"""The payments app's refusals: codes that read as sentences, each with one status and message."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import register_errors


class PaymentError(StrEnum):
    company_account_not_found = "company_account_not_found"
    company_account_inactive = "company_account_inactive"
    company_account_exists = "company_account_exists"
    rail_unknown = "rail_unknown"
    rail_needs_cny = "rail_needs_cny"
    payment_currency_mismatch = "payment_currency_mismatch"
    end_to_end_id_taken = "end_to_end_id_taken"
    payment_order_invalid = "payment_order_invalid"
    payment_file_nothing_queued = "payment_file_nothing_queued"
    payment_file_fails_schema = "payment_file_fails_schema"
    payment_file_not_found = "payment_file_not_found"
    payment_file_already_released = "payment_file_already_released"
    payment_file_not_released = "payment_file_not_released"
    payment_file_releaser_is_builder = "payment_file_releaser_is_builder"
    status_report_unreadable = "status_report_unreadable"
    status_report_already_imported = "status_report_already_imported"
    status_report_names_unknown_payments = "status_report_names_unknown_payments"
    status_report_names_unsent_payments = "status_report_names_unsent_payments"
    status_report_contradicts_final_status = "status_report_contradicts_final_status"
    status_report_names_no_payment = "status_report_names_no_payment"


register_errors(
    {
        PaymentError.company_account_not_found: (404, _("No such company bank account.")),
        PaymentError.company_account_inactive: (
            409,
            _("The company bank account is not active."),
        ),
        PaymentError.company_account_exists: (
            409,
            _("A company bank account with this number and currency exists."),
        ),
        PaymentError.rail_unknown: (
            422,
            _("Unknown rail: choose pain001_09, pain001_03, cn_bank_batch or sandbox."),
        ),
        PaymentError.rail_needs_cny: (
            422,
            _("The ICBC batch file carries payments in CNY only."),
        ),
        PaymentError.payment_currency_mismatch: (
            422,
            _("The payment is in %(currency)s; the company bank account holds %(account)s."),
        ),
        PaymentError.end_to_end_id_taken: (
            409,
            _("A payment with the end-to-end id %(end_to_end_id)s exists."),
        ),
        PaymentError.payment_order_invalid: (
            422,
            _("The payment cannot go on the %(rail)s rail: %(detail)s"),
        ),
        PaymentError.payment_file_nothing_queued: (
            409,
            _("No payments are queued on this company bank account."),
        ),
        PaymentError.payment_file_fails_schema: (
            422,
            _("The file fails its XSD (%(schema)s): %(violation)s. Nothing was changed."),
        ),
        PaymentError.payment_file_not_found: (404, _("No such payment file.")),
        PaymentError.payment_file_already_released: (
            409,
            _("This payment file has already been released."),
        ),
        PaymentError.payment_file_not_released: (
            409,
            _("This payment file has not been released yet; see its orders on /meta."),
        ),
        PaymentError.payment_file_releaser_is_builder: (
            403,
            _("You built this payment file; someone else must release it."),
        ),
        PaymentError.status_report_unreadable: (
            422,
            _("This is not a pain.002 payment status report: %(detail)s"),
        ),
        PaymentError.status_report_already_imported: (
            409,
            _("This status report was already imported (report #%(report)s)."),
        ),
        PaymentError.status_report_names_unknown_payments: (
            422,
            _("The report names payments we never sent: %(ids)s. Nothing was applied."),
        ),
        PaymentError.status_report_names_unsent_payments: (
            409,
            _("The report names payments not yet released to the bank: %(ids)s."),
        ),
        PaymentError.status_report_contradicts_final_status: (
            409,
            _("The report contradicts payments already settled or rejected: %(ids)s."),
        ),
        PaymentError.status_report_names_no_payment: (
            422,
            _("The report names no payment and no file of ours (original message %(message)s)."),
        ),
    }
)
