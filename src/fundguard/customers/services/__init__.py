"""Every write of the customers app. See each module; all are re-exported here."""

from fundguard.customers.services.banking import (
    bank_account_add,
    bank_details_verify,
    beneficiary_add,
)
from fundguard.customers.services.customers import (
    CustomerInput,
    beneficial_owner_add,
    customer_create,
    customer_input_clean,
    customer_update,
    identity_document_add,
)
from fundguard.customers.services.documents import (
    document_check,
    document_content_decode,
    document_upload,
)
from fundguard.customers.services.exports import customer_data_export, customer_list_export
from fundguard.customers.services.funds import funds_account_open
from fundguard.customers.services.imports import ImportResult, customers_import
from fundguard.customers.services.keys import (
    ReindexReport,
    RekeyReport,
    RotationReport,
    blind_indexes_rebuild,
    data_keys_rekey,
    data_keys_rotate,
)
from fundguard.customers.services.kyc import (
    credit_profile_set,
    customer_classify,
    kyc_expire_due,
    kyc_review_record,
    risk_override_approve,
    risk_override_propose,
    risk_rating_compute,
)
from fundguard.customers.services.privacy import (
    customer_erase,
    customer_field_reveal,
    document_content_reveal,
)

__all__ = [
    "CustomerInput",
    "ImportResult",
    "ReindexReport",
    "RekeyReport",
    "RotationReport",
    "bank_account_add",
    "bank_details_verify",
    "beneficial_owner_add",
    "beneficiary_add",
    "blind_indexes_rebuild",
    "credit_profile_set",
    "customer_classify",
    "customer_create",
    "customer_data_export",
    "customer_erase",
    "customer_field_reveal",
    "customer_input_clean",
    "customer_list_export",
    "customer_update",
    "customers_import",
    "data_keys_rekey",
    "data_keys_rotate",
    "document_check",
    "document_content_decode",
    "document_content_reveal",
    "document_upload",
    "funds_account_open",
    "identity_document_add",
    "kyc_expire_due",
    "kyc_review_record",
    "risk_override_approve",
    "risk_override_propose",
    "risk_rating_compute",
]
