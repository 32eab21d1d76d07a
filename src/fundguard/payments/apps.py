from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "fundguard.payments"
    label = "payments"
    verbose_name = "FundGuard payments"

    def ready(self) -> None:
        from fundguard.payments import errors  # noqa: F401 (registers the error codes)
