from __future__ import annotations

import getpass
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fundguard.core.errors import DomainError
from fundguard.core.roles import Role
from fundguard.core.services.users import user_create, user_disable, user_get


class Command(BaseCommand):
    help = "Users: `user create USERNAME --role ROLE [--password-stdin]`, `user disable USERNAME`."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="create a user holding one role")
        create.add_argument("username")
        create.add_argument("--role", required=True, help=", ".join(Role))
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        create.add_argument(
            "--no-password",
            action="store_true",
            help="API-only user (integration): no console password",
        )
        disable = verbs.add_parser("disable", help="disable a user, end sessions, revoke tokens")
        disable.add_argument("username")
        otp = verbs.add_parser("otp-code", help="print the current one-time code (embedded only)")
        otp.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['verb'].replace('-', '_')}")(options)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None

    def _password(self, options: dict[str, Any]) -> str | None:
        if options["no_password"]:
            return None
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("no terminal: pass --password-stdin or --no-password", returncode=2)
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ", returncode=2)
        return first

    def _create(self, options: dict[str, Any]) -> None:
        if options["role"] not in Role.__members__:
            raise CommandError(
                f"unknown role {options['role']!r}; roles: {', '.join(Role)}", returncode=2
            )
        created = user_create(
            actor=None,
            username=options["username"],
            role=options["role"],
            password=self._password(options),
            email=options["email"],
        )
        self.stdout.write(f"created {created.user.username} ({options['role']})")
        if created.provisioning_uri:
            self.stdout.write("one-time codes: add this to an authenticator app:")
            self.stdout.write(created.provisioning_uri)

    def _disable(self, options: dict[str, Any]) -> None:
        user = user_disable(actor=None, user=user_get(options["username"]))
        self.stdout.write(f"disabled {user.username}: sessions ended, tokens revoked")

    def _otp_code(self, options: dict[str, Any]) -> None:
        from fundguard.core.otp import current_code

        if settings.IS_PRODUCTION:
            raise CommandError("otp-code exists for the embedded demo only", returncode=2)
        self.stdout.write(current_code(user_get(options["username"])))
