from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "fundguard.console"
    label = "console"
    verbose_name = "Staff console"
