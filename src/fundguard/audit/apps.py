from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fundguard.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from fundguard.audit import signin_events  # noqa: F401  (connects the sign-in receivers)
