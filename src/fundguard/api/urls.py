"""The REST API under /api/v1/: one NinjaAPI assembled from each app's router."""

from __future__ import annotations

from django.urls import path, re_path
from ninja import NinjaAPI, Swagger

from fundguard.api.auth import BearerToken
from fundguard.api.errors import install_error_handlers, no_such_endpoint
from fundguard.audit.api import router as audit_router
from fundguard.core.api import router as core_router
from fundguard.customers.api import router as customers_router
from fundguard.ledger.api import router as ledger_router
from fundguard.transfers.api import approvals_router
from fundguard.transfers.api import router as transfers_router

api = NinjaAPI(
    title="FundGuard API",
    version="1",
    description="Customer funds control: ledger, customers, transfers, audit.",
    auth=BearerToken(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", core_router)
api.add_router("/audit", audit_router)
api.add_router("/customers", customers_router)
api.add_router("/ledger", ledger_router)
api.add_router("/transfers", transfers_router)
api.add_router("/approvals", approvals_router)
api.add_router("", "fundguard.notifications.api.router")
api.add_router("", "fundguard.payments.api.router")

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>[\s\S]*)$", no_such_endpoint),  # after every route; any character
]
