"""The ledger's refusals: codes that read as sentences, each with one status and message."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fundguard.core.errors import register_errors


class LedgerError(StrEnum):
    account_not_found = "account_not_found"
    account_code_taken = "account_code_taken"
    account_frozen = "account_frozen"
    account_closed = "account_closed"
    account_not_frozen = "account_not_frozen"
    account_not_open = "account_not_open"
    account_balance_not_zero = "account_balance_not_zero"
    account_kind_unknown = "account_kind_unknown"
    currency_mismatch = "currency_mismatch"
    amount_not_positive = "amount_not_positive"
    insufficient_funds = "insufficient_funds"
    entry_needs_two_lines = "entry_needs_two_lines"
    entry_has_too_many_lines = "entry_has_too_many_lines"
    entry_unbalanced = "entry_unbalanced"
    entry_not_found = "entry_not_found"
    entry_already_reversed = "entry_already_reversed"
    line_needs_one_side = "line_needs_one_side"
    hold_not_found = "hold_not_found"
    hold_needs_two_accounts = "hold_needs_two_accounts"
    hold_already_resolved = "hold_already_resolved"
    hold_amount_exceeded = "hold_amount_exceeded"
    hold_expiry_in_past = "hold_expiry_in_past"
    hold_not_due = "hold_not_due"


register_errors(
    {
        LedgerError.account_not_found: (404, _("No such account.")),
        LedgerError.account_code_taken: (409, _("An account with this code exists.")),
        LedgerError.account_frozen: (409, _("The account is frozen.")),
        LedgerError.account_closed: (409, _("The account is closed.")),
        LedgerError.account_not_frozen: (409, _("The account is not frozen.")),
        LedgerError.account_not_open: (409, _("The account is not open.")),
        LedgerError.account_balance_not_zero: (
            409,
            _("The account still has a balance or pending amounts."),
        ),
        LedgerError.account_kind_unknown: (422, _("Unknown account kind.")),
        LedgerError.currency_mismatch: (422, _("The currency does not match the account's.")),
        LedgerError.amount_not_positive: (422, _("The amount must be greater than zero.")),
        LedgerError.insufficient_funds: (
            409,
            _("The account's available balance is not enough for this."),
        ),
        LedgerError.entry_needs_two_lines: (422, _("An entry needs at least two lines.")),
        LedgerError.entry_has_too_many_lines: (422, _("An entry has too many lines.")),
        LedgerError.entry_unbalanced: (
            422,
            _("Debits do not equal credits in %(currency)s."),
        ),
        LedgerError.entry_not_found: (404, _("No such journal entry.")),
        LedgerError.entry_already_reversed: (409, _("This entry has already been reversed.")),
        LedgerError.line_needs_one_side: (
            422,
            _("A line needs exactly one of debit or credit."),
        ),
        LedgerError.hold_not_found: (404, _("No such hold.")),
        LedgerError.hold_needs_two_accounts: (
            422,
            _("A hold moves money between two different accounts."),
        ),
        LedgerError.hold_already_resolved: (409, _("The hold has already been resolved.")),
        LedgerError.hold_amount_exceeded: (
            422,
            _("The amount to post is more than the hold reserves."),
        ),
        LedgerError.hold_expiry_in_past: (422, _("The expiry time is in the past.")),
        LedgerError.hold_not_due: (409, _("The hold has not expired yet.")),
    }
)
