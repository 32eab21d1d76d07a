from django.urls import include, path

urlpatterns = [
    path("", include("fundguard.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("fundguard.ledger.urls")),
    path("customers/", include("fundguard.customers.urls")),
    path("payments/", include("fundguard.payments.urls")),
    path("transfers/", include("fundguard.transfers.urls")),
    path("notifications/", include("fundguard.notifications.urls")),
    path("", include("fundguard.console.urls")),
]
