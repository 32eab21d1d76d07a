from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fundguard.core.errors import DomainError
from fundguard.core.services.users import token_create, user_get


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME` prints a new token as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="issue a bearer token (stored hashed)")
        create.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token, plain = token_create(actor=None, user=user_get(options["username"]))
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        self.stdout.write(f"token {token} for {token.user.username}; shown once:")
        self.stdout.write(plain)
