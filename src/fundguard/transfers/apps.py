from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "fundguard.transfers"
    label = "transfers"
    verbose_name = "FundGuard transfers"

    def ready(self) -> None:
        from fundguard.customers.vault import sealed_place_register
        from fundguard.payments.hooks import register_status_listener
        from fundguard.transfers import errors  # noqa: F401 (registers the error codes)
        from fundguard.transfers.models import TransferAttachment
        from fundguard.transfers.services.execution import on_payment_status

        register_status_listener(on_payment_status)
        # Attachments are sealed under the customer's data key: a re-key re-seals them.
        sealed_place_register(TransferAttachment, "filename_sealed", "filename")
        sealed_place_register(TransferAttachment, "content_sealed", "content")
