"""The customer's records: identity documents, beneficial owners, bank accounts, beneficiaries
and uploaded documents.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fundguard.core.permissions import require_permission
from fundguard.customers import services
from fundguard.customers.api._common import VIEW, document_out, owner_out, router
from fundguard.customers.models import BankAccount, Beneficiary, CustomerDocument
from fundguard.customers.schemas import (
    BankAccountIn,
    BankAccountOut,
    BeneficialOwnerIn,
    BeneficialOwnerOut,
    BeneficiaryIn,
    BeneficiaryOut,
    DocumentIn,
    DocumentOut,
    IdentityDocumentIn,
    IdentityDocumentOut,
)
from fundguard.customers.selectors import bank_details_view, customer_get, identity_document_view


@router.post(
    "/{int:customer_id}/identity-documents",
    response={201: IdentityDocumentOut},
    summary="Add an identity document",
    operation_id="fundguard_customers_api_identity_document_add",
)
def identity_document_add(
    request: HttpRequest, customer_id: int, payload: IdentityDocumentIn
) -> tuple[int, dict[str, Any]]:
    document = services.identity_document_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, identity_document_view(document)


@router.post(
    "/{int:customer_id}/beneficial-owners",
    response={201: BeneficialOwnerOut},
    summary="Add a beneficial owner (organizations)",
    operation_id="fundguard_customers_api_beneficial_owner_add",
)
def beneficial_owner_add(
    request: HttpRequest, customer_id: int, payload: BeneficialOwnerIn
) -> tuple[int, dict[str, Any]]:
    owner = services.beneficial_owner_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, owner_out(owner)


@router.post(
    "/{int:customer_id}/bank-accounts",
    response={201: BankAccountOut},
    summary="Add one of the customer's own bank accounts",
    operation_id="fundguard_customers_api_bank_account_add",
)
def bank_account_add(
    request: HttpRequest, customer_id: int, payload: BankAccountIn
) -> tuple[int, dict[str, Any]]:
    account = services.bank_account_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, bank_details_view(account)


@router.get(
    "/{int:customer_id}/bank-accounts",
    response=list[BankAccountOut],
    summary="Bank accounts",
    operation_id="fundguard_customers_api_bank_account_list",
)
def bank_account_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    customer = customer_get(customer_id)
    return [bank_details_view(a) for a in BankAccount.objects.filter(customer=customer)]


@router.post(
    "/{int:customer_id}/beneficiaries",
    response={201: BeneficiaryOut},
    summary="Save a beneficiary (收款人)",
    operation_id="fundguard_customers_api_beneficiary_add",
)
def beneficiary_add(
    request: HttpRequest, customer_id: int, payload: BeneficiaryIn
) -> tuple[int, dict[str, Any]]:
    beneficiary = services.beneficiary_add(
        actor=request.user, customer_id=customer_id, **payload.dict()
    )
    return 201, bank_details_view(beneficiary)


@router.get(
    "/{int:customer_id}/beneficiaries",
    response=list[BeneficiaryOut],
    summary="Beneficiaries",
    operation_id="fundguard_customers_api_beneficiary_list",
)
def beneficiary_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    customer = customer_get(customer_id)
    return [bank_details_view(b) for b in Beneficiary.objects.filter(customer=customer)]


@router.post(
    "/{int:customer_id}/documents",
    response={201: DocumentOut},
    summary="Upload a document (JSON, file base64-encoded); stored encrypted",
    operation_id="fundguard_customers_api_document_upload",
)
def document_upload(
    request: HttpRequest, customer_id: int, payload: DocumentIn
) -> tuple[int, dict[str, Any]]:
    require_permission(request.user, "customers.manage_customers")
    content = services.document_content_decode(payload.content_base64)
    document = services.document_upload(
        actor=request.user,
        customer_id=customer_id,
        kind=payload.kind,
        filename=payload.filename,
        content_type=payload.content_type,
        content=content,
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
    )
    return 201, document_out(document)


@router.get(
    "/{int:customer_id}/documents",
    response=list[DocumentOut],
    summary="Documents",
    operation_id="fundguard_customers_api_document_list",
)
def document_list(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    require_permission(request.user, VIEW)
    customer = customer_get(customer_id)
    documents = CustomerDocument.objects.filter(customer=customer).defer("content_sealed")
    return [document_out(d) for d in documents.order_by("id")]
