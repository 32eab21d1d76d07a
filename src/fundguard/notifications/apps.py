from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "fundguard.notifications"
    label = "notifications"
    verbose_name = "FundGuard notifications"

    def ready(self) -> None:
        from fundguard.notifications import errors  # noqa: F401 (registers the error codes)
