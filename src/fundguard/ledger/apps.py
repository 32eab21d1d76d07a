from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "fundguard.ledger"
    label = "ledger"
    verbose_name = "FundGuard ledger"

    def ready(self) -> None:
        from fundguard.ledger import errors  # noqa: F401 (registers the error codes)
