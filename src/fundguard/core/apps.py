from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "fundguard.core"
    label = "core"
    verbose_name = "FundGuard core"

    def ready(self) -> None:
        from fundguard.core.services.roles import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="fundguard_roles_sync")
