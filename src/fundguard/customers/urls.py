from django.urls import path

from fundguard.customers.views import customers, imports, records, risk

app_name = "customers"

urlpatterns = [
    path("", customers.customer_list_page, name="customer_list"),
    path(
        "export.<str:file_format>",
        customers.customer_list_export,
        name="customer_list_export",
    ),
    path("new/", customers.customer_new, name="customer_new"),
    path("import/", imports.customer_import, name="customer_import"),
    path(
        "import/template.csv",
        imports.customer_import_template,
        name="customer_import_template",
    ),
    path("follow-up/", customers.followup, name="followup"),
    path("risk-overrides/", risk.risk_override_list, name="risk_override_list"),
    path(
        "risk-ratings/<int:rating_id>/approve/",
        risk.risk_override_approve,
        name="risk_override_approve",
    ),
    path("<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path("<int:customer_id>/bank-accounts/new/", records.bank_account_new, name="bank_account_new"),
    path("<int:customer_id>/beneficiaries/new/", records.beneficiary_new, name="beneficiary_new"),
    path("<int:customer_id>/documents/new/", records.document_new, name="document_new"),
    path("<int:customer_id>/kyc-reviews/new/", records.kyc_review_new, name="kyc_review_new"),
    path(
        "<int:customer_id>/funds-accounts/new/",
        records.funds_account_new,
        name="funds_account_new",
    ),
    path(
        "<int:customer_id>/beneficial-owners/new/",
        records.beneficial_owner_new,
        name="beneficial_owner_new",
    ),
    path("<int:customer_id>/class/", risk.classify, name="classify"),
    path("<int:customer_id>/credit-profile/", risk.credit_profile, name="credit_profile"),
    path(
        "<int:customer_id>/risk-overrides/new/",
        risk.risk_override_new,
        name="risk_override_new",
    ),
    path("<int:customer_id>/erase/", risk.erase, name="erase"),
    path("<int:customer_id>/reveal/", records.field_reveal, name="field_reveal"),
    path("<int:customer_id>/personal-data.zip", records.data_export, name="data_export"),
]
