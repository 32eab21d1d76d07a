from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from fundguard.core.demo import demo_users_load
from fundguard.customers.demo import customers_demo_load
from fundguard.ledger.demo import ledger_demo_load
from fundguard.transfers.demo import transfers_demo_load


class Command(BaseCommand):
    help = "Set up the embedded database with demo data, print the sign-ins, and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up and print only")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("init", verbosity=0)
        sign_ins = demo_users_load()
        ledger_demo_load()
        customers_demo_load()
        transfers_demo_load(port=options["port"])
        self.stdout.write("Demo sign-ins (password, then a one-time code where the role needs it):")
        for s in sign_ins:
            password = s.password or "(API only: fundguard token create integration)"
            self.stdout.write(f"  {s.username:<12} {s.role:<13} {password}")
        self.stdout.write(
            "One-time codes: scan the otpauth:// URI below into an authenticator app, or run\n"
            "  .venv/bin/fundguard user otp-code USERNAME   (embedded demo only)"
        )
        for s in sign_ins:
            if s.provisioning_uri:
                self.stdout.write(f"  {s.username}: {s.provisioning_uri}")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
