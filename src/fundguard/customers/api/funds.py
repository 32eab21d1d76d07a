"""The customer's funds accounts: ledger liability accounts the customer owns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fundguard.core.permissions import require_permission
from fundguard.customers import services
from fundguard.customers.api._common import VIEW, funds_out, router
from fundguard.customers.schemas import FundsAccountIn, FundsAccountOut
from fundguard.customers.selectors import customer_get, funds_accounts


@router.post(
    "/{int:customer_id}/accounts",
    response={201: FundsAccountOut},
    summary="Open a funds account (a ledger liability account owned by the customer)",
    operation_id="fundguard_customers_api_funds_account_open",
)
def funds_account_open(
    request: HttpRequest, customer_id: int, payload: FundsAccountIn
) -> tuple[int, dict[str, Any]]:
    link = services.funds_account_open(
        actor=request.user, customer_id=customer_id, currency=payload.currency
    )
    return 201, funds_out(link.account)


@router.get(
    "/{int:customer_id}/accounts",
    response=list[FundsAccountOut],
    summary="Funds accounts and balances",
    operation_id="fundguard_customers_api_funds_account_list",
)
def funds_account_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    return [funds_out(account) for _, account in funds_accounts(customer_get(customer_id))]
