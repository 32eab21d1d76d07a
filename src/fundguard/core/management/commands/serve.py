from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from waitress import serve

from fundguard.core.periodic import ticker_start
from fundguard.wsgi import application


def _start_worker_thread() -> None:
    """The embedded mode runs the task worker beside the web server, in one process."""
    worker = Worker(
        queue_names=["*"],
        interval=1.0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"serve-{get_random_string(12)}",
        excluded_queue_names=[],
    )
    threading.Thread(target=worker.run, name="fundguard-worker", daemon=True).start()
    ticker_start()


class Command(BaseCommand):
    help = "Serve FundGuard with waitress, a threaded production WSGI server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--with-worker",
            action="store_true",
            default=not settings.IS_PRODUCTION,
            help="also run the background worker in this process (the embedded default)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["with_worker"]:
            _start_worker_thread()
        self.stdout.write(f"FundGuard on http://{options['host']}:{options['port']}/")
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="FundGuard",
        )
