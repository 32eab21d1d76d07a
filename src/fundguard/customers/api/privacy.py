"""Personal data: revealing one field in clear, erasing by destroying the data key."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fundguard.customers import services
from fundguard.customers.api._common import customer_out, router
from fundguard.customers.schemas import CustomerOut, EraseIn, RevealIn, RevealOut


@router.post(
    "/{int:customer_id}/reveal",
    response=RevealOut,
    summary="Reveal one personal field in clear (audited)",
    operation_id="fundguard_customers_api_customer_field_reveal",
)
def customer_field_reveal(request: HttpRequest, customer_id: int, payload: RevealIn) -> Any:
    value = services.customer_field_reveal(
        actor=request.user,
        customer_id=customer_id,
        field=payload.field,
        object_id=payload.object_id,
    )
    return {"field": payload.field, "value": value}


@router.post(
    "/{int:customer_id}/erase",
    response=CustomerOut,
    summary="Erase personal data by destroying the customer's data key",
    operation_id="fundguard_customers_api_customer_erase",
)
def customer_erase(request: HttpRequest, customer_id: int, payload: EraseIn) -> Any:
    customer = services.customer_erase(
        actor=request.user, customer_id=customer_id, reason=payload.reason
    )
    return customer_out(customer)
