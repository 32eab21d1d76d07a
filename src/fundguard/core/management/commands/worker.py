from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from fundguard.core.periodic import ticker_start


class Command(BaseCommand):
    help = "Run background tasks from the database queue (django-tasks-db), and the sweeps."

    def handle(self, *args: Any, **options: Any) -> None:
        ticker_start()
        call_command("db_worker", verbosity=options["verbosity"])
