from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "fundguard.notifications"
    label = "notifications"
    verbose_name = "FundGuard notifications"

    def ready(self) -> None:
        from fundguard.customers.vault import sealed_place_register
        from fundguard.notifications import errors  # noqa: F401 (registers the error codes)
        from fundguard.notifications.models import WebhookEndpoint

        # Webhook secrets are sealed under the customer's data key: a re-key re-seals them.
        sealed_place_register(WebhookEndpoint, "secret_sealed", "secret")
