from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fundguard.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail: `audit verify` checks the hash chain and names the first bad record."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        verbs.add_parser("verify", help="verify the hash chain, checkpoints and head")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = audit_chain_verify()
        if problem is not None:
            raise CommandError(f"audit chain broken at {problem} ({checked} records read)")
        self.stdout.write(f"audit chain intact: {checked} records")
