from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "fundguard.customers"
    label = "customers"
    verbose_name = "FundGuard customers"

    def ready(self) -> None:
        from fundguard.customers import checks, errors  # noqa: F401  (registers codes, checks)
