"""Roles are Django groups whose permissions are declared here, in code, and synced at migrate.

Administrators manage users and settings but hold no permission that moves money or approves:
``test_roles.py`` checks that no administrator permission appears in :data:`MONEY_PERMISSIONS`.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    operator = "operator"
    approver_l1 = "approver_l1"
    approver_l2 = "approver_l2"
    approver_l3 = "approver_l3"
    risk_officer = "risk_officer"
    auditor = "auditor"
    admin = "admin"
    customer = "customer"
    integration = "integration"


ROLE_LABELS: dict[Role, str | Promise] = {
    Role.operator: _("Operator"),
    Role.approver_l1: _("Approver L1"),
    Role.approver_l2: _("Approver L2"),
    Role.approver_l3: _("Approver L3"),
    Role.risk_officer: _("Risk officer"),
    Role.auditor: _("Auditor"),
    Role.admin: _("Administrator"),
    Role.customer: _("Customer"),
    Role.integration: _("Integration"),
}

# Roles whose sign-in needs a one-time code after the password.
OTP_REQUIRED_ROLES = frozenset(
    {
        Role.approver_l1,
        Role.approver_l2,
        Role.approver_l3,
        Role.risk_officer,
        Role.admin,
    }
)
# Roles that may sign in to the staff console (integration is API-only; customers get a portal).
CONSOLE_ROLES = frozenset(Role) - {Role.integration, Role.customer}

# Permissions that move money, reserve it or approve its movement. No admin may hold one.
MONEY_PERMISSIONS: frozenset[str] = frozenset(
    {
        "ledger.manage_accounts",
        "ledger.post_entries",
        "ledger.manage_holds",
        "payments.manage_payment_files",
        "payments.release_payment_files",
        "payments.manage_company_accounts",
        "transfers.make_transfers",
        "transfers.approve_transfers",
        "transfers.review_transfers",
    }
)
LEDGER_WRITE = frozenset(
    {"ledger.view_ledger", "ledger.manage_accounts", "ledger.post_entries", "ledger.manage_holds"}
)
LEDGER_READ = frozenset({"ledger.view_ledger"})

# Customers (docs/customers.md): everyone who handles customers reads them masked; operators
# register them; risk officers review KYC, rate risk, approve another's override and alone
# may reveal, export or erase personal data. Administrators hold none of these.
CUSTOMERS_READ = frozenset({"customers.view_customers"})
CUSTOMERS_WRITE = CUSTOMERS_READ | {"customers.manage_customers", "customers.import_customers"}
CUSTOMERS_RISK = CUSTOMERS_READ | {
    "customers.review_kyc",
    "customers.rate_risk",
    "customers.approve_risk_override",
    "customers.reveal_personal_data",
    "customers.export_personal_data",
    "customers.erase_personal_data",
}

# Notifications (docs/notifications.md): operators and integrations register customers'
# webhooks; operators, auditors and risk officers read the delivery log.
NOTIFICATIONS_MANAGE = frozenset({"notifications.manage_webhooks"})
NOTIFICATIONS_READ = frozenset({"notifications.view_deliveries"})

# Transfers (docs/transfers.md): operators and integrations start them, approvers decide, risk
# officers clear or reject those held for review, auditors read. Administrators set the approval
# policy, approver limits and delegations through core.manage_settings, and never approve.
TRANSFERS_READ = frozenset({"transfers.view_transfers", "transfers.view_vouchers"})
TRANSFERS_MAKE = TRANSFERS_READ | {"transfers.make_transfers"}
TRANSFERS_APPROVE = TRANSFERS_READ | {"transfers.approve_transfers"}
TRANSFERS_REVIEW = TRANSFERS_READ | {"transfers.review_transfers"}

# Payments (docs/payments.md): operators register the company's bank accounts, build payment
# files and import the bank's status reports; releasing a file to the bank is the second pair of
# eyes, for approvers L2 and L3; integrations may import status reports. Others read.
PAYMENTS_READ = frozenset({"payments.view_payments"})
PAYMENTS_OPERATE = PAYMENTS_READ | {
    "payments.manage_payment_files",
    "payments.manage_company_accounts",
}
PAYMENTS_RELEASE = PAYMENTS_READ | {"payments.release_payment_files"}
PAYMENTS_INTEGRATION = PAYMENTS_READ | {"payments.manage_payment_files"}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.operator: LEDGER_WRITE
    | CUSTOMERS_WRITE
    | NOTIFICATIONS_MANAGE
    | NOTIFICATIONS_READ
    | TRANSFERS_MAKE
    | PAYMENTS_OPERATE,
    Role.approver_l1: LEDGER_READ | CUSTOMERS_READ | TRANSFERS_APPROVE | PAYMENTS_READ,
    Role.approver_l2: LEDGER_READ | CUSTOMERS_READ | TRANSFERS_APPROVE | PAYMENTS_RELEASE,
    Role.approver_l3: LEDGER_READ | CUSTOMERS_READ | TRANSFERS_APPROVE | PAYMENTS_RELEASE,
    Role.risk_officer: LEDGER_READ
    | CUSTOMERS_RISK
    | NOTIFICATIONS_READ
    | TRANSFERS_REVIEW
    | PAYMENTS_READ,
    Role.auditor: frozenset({"audit.view_audit_trail", "audit.verify_audit_trail"})
    | LEDGER_READ
    | CUSTOMERS_READ
    | NOTIFICATIONS_READ
    | TRANSFERS_READ
    | PAYMENTS_READ,
    Role.admin: frozenset({"core.manage_users", "core.manage_settings"}),
    Role.customer: frozenset(),
    Role.integration: LEDGER_WRITE
    | CUSTOMERS_WRITE
    | NOTIFICATIONS_MANAGE
    | TRANSFERS_MAKE
    | PAYMENTS_INTEGRATION,
}


def role_of(user: object) -> Role | None:
    """The single role a user holds (FundGuard gives each user exactly one)."""
    groups = getattr(user, "groups", None)
    if groups is None:
        return None
    names = [g.name for g in groups.all()]
    for name in names:
        if name in Role.__members__:
            return Role(name)
    return None
