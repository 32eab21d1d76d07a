from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from fundguard.notifications.demo_receiver import demo_webhook_receive

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("fundguard.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("fundguard.ledger.urls")),
    path("customers/", include("fundguard.customers.urls")),
    path("payments/", include("fundguard.payments.urls")),
    path("transfers/", include("fundguard.transfers.urls")),
    path("notifications/", include("fundguard.notifications.urls")),
    path("", include("fundguard.console.urls")),
]

if not settings.IS_PRODUCTION:  # the demo customer's webhook receiver (fundguard demo)
    urlpatterns.insert(0, path("demo/webhook/", demo_webhook_receive, name="demo_webhook"))
