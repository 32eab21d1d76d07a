from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fundguard.core.errors import DomainError
from fundguard.core.money import (
    CAPITALS_MINOR_MAX,
    amount_in_chinese_capitals,
    format_amount,
    parse_amount,
)


class Command(BaseCommand):
    help = "Money: `money words 1409.50` prints the CNY amount in Chinese capitals (大写金额)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        words = verbs.add_parser("words", help="print a CNY amount as written on vouchers")
        words.add_argument("amount", help="yuan as a plain decimal, at most two decimals: 1409.50")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["amount"]
        try:
            amount_minor = parse_amount(text, "CNY")
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        if amount_minor < 0:
            raise CommandError(
                f"The amount {text} is negative; vouchers show positive amounts.", returncode=2
            )
        if amount_minor > CAPITALS_MINOR_MAX:
            largest = format_amount(CAPITALS_MINOR_MAX, "CNY")
            raise CommandError(
                f"The amount {text} is too large for capitals (at most {largest}).", returncode=2
            )
        self.stdout.write(amount_in_chinese_capitals(amount_minor))
