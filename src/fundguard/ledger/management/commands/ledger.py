from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fundguard.ledger.checks import ledger_check


class Command(BaseCommand):
    help = (
        "Ledger tools. `fundguard ledger check`: recompute totals and sums; non-zero on a mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("check", help="verify every invariant of the ledger")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "check":
            problems = ledger_check()
            for problem in problems:
                self.stderr.write(str(problem))
            if problems:
                raise CommandError(f"ledger check: {len(problems)} problem(s)")
            self.stdout.write("ledger check: ok")
