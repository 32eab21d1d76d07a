"""The ledger's invariants as named checks, each returning its problems (empty: holds).

Reused by the test suite (after every ledger test, and after every step of the stateful
model) and by ``fundguard ledger check``. Each check reads the database and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Sum

from fundguard.ledger.models import Account, EntryLine, Hold, HoldStatus, JournalEntry, Side
from fundguard.ledger.selectors import line_sums, pending_sums


@dataclass(frozen=True)
class Problem:
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


def currencies_sum_to_zero() -> list[Problem]:
    """Per currency, posted debits equal posted credits, and pending debits pending credits."""
    problems = []
    rows = (
        Account.objects.values("currency")
        .annotate(
            dp=Sum("debits_posted"),
            cp=Sum("credits_posted"),
            dq=Sum("debits_pending"),
            cq=Sum("credits_pending"),
        )
        .order_by("currency")
    )
    for row in rows:
        if row["dp"] != row["cp"]:
            problems.append(
                Problem(
                    "currencies_sum_to_zero",
                    f"{row['currency']}: posted debits {row['dp']} != credits {row['cp']}",
                )
            )
        if row["dq"] != row["cq"]:
            problems.append(
                Problem(
                    "currencies_sum_to_zero",
                    f"{row['currency']}: pending debits {row['dq']} != credits {row['cq']}",
                )
            )
    return problems


def totals_match_lines() -> list[Problem]:
    """Each account's posted totals equal its lines; its pending totals its pending holds."""
    posted, pending = line_sums(), pending_sums()
    problems = []
    for account in Account.objects.order_by("pk"):
        expected = {
            "debits_posted": posted.get((account.pk, Side.debit), 0),
            "credits_posted": posted.get((account.pk, Side.credit), 0),
            "debits_pending": pending.get((account.pk, Side.debit), 0),
            "credits_pending": pending.get((account.pk, Side.credit), 0),
        }
        for name, value in expected.items():
            actual = getattr(account, name)
            if actual != value:
                problems.append(
                    Problem(
                        "totals_match_lines",
                        f"account {account.code}: {name} is {actual}, lines give {value}",
                    )
                )
    return problems


def no_forbidden_negative() -> list[Problem]:
    """No account that forbids it has a negative available balance."""
    return [
        Problem(
            "no_forbidden_negative",
            f"account {account.code}: available {account.available_minor} < 0",
        )
        for account in Account.objects.filter(allow_negative=False).order_by("pk")
        if account.available_minor < 0
    ]


def entries_balanced() -> list[Problem]:
    """Every entry has two or more lines, in its accounts' currencies, balanced per currency."""
    problems = []
    short = JournalEntry.objects.annotate(n=Count("lines")).filter(n__lt=2)
    problems += [
        Problem("entries_balanced", f"entry #{pk}: fewer than two lines")
        for pk in short.values_list("pk", flat=True)
    ]
    sums: dict[tuple[int, str], int] = {}
    for entry_id, side, currency, total in (
        EntryLine.objects.values_list("entry_id", "side", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    ):
        signed = total if side == Side.debit else -total
        sums[(entry_id, currency)] = sums.get((entry_id, currency), 0) + signed
    problems += [
        Problem("entries_balanced", f"entry #{entry_id}: {currency} off by {value}")
        for (entry_id, currency), value in sorted(sums.items())
        if value != 0
    ]
    mismatched = EntryLine.objects.exclude(currency=F("account__currency")).values_list(
        "entry_id", "position"
    )
    problems += [
        Problem("entries_balanced", f"entry #{entry_id} line {pos}: not the account's currency")
        for entry_id, pos in mismatched
    ]
    return problems


def holds_legal() -> list[Problem]:
    """Posted holds have a two-line entry of the posted amount; others have none."""
    problems = []
    posted = Hold.objects.filter(status=HoldStatus.posted).prefetch_related("entry__lines")
    for hold in posted:
        lines = list(hold.entry.lines.all()) if hold.entry else []
        expected = {
            (hold.debit_account_id, Side.debit, hold.posted_amount_minor),
            (hold.credit_account_id, Side.credit, hold.posted_amount_minor),
        }
        actual = {(ln.account_id, ln.side, ln.amount_minor) for ln in lines}
        if len(lines) != 2 or actual != expected:
            problems.append(Problem("holds_legal", f"hold #{hold.pk}: entry does not match"))
        if not 0 < hold.posted_amount_minor <= hold.amount_minor:
            problems.append(Problem("holds_legal", f"hold #{hold.pk}: posted amount out of range"))
    unresolved_with_entry = Hold.objects.exclude(status=HoldStatus.posted).filter(
        entry__isnull=False
    )
    problems += [
        Problem("holds_legal", f"hold #{pk}: has an entry but is not posted")
        for pk in unresolved_with_entry.values_list("pk", flat=True)
    ]
    return problems


def reversals_mirror() -> list[Problem]:
    """A reversing entry is the mirror image of the entry it reverses."""
    problems = []
    for entry in JournalEntry.objects.filter(reverses__isnull=False).prefetch_related(
        "lines", "reverses__lines"
    ):
        assert entry.reverses is not None
        mine = sorted((ln.account_id, ln.side, ln.amount_minor) for ln in entry.lines.all())
        flipped = sorted(
            (ln.account_id, Side.credit if ln.side == Side.debit else Side.debit, ln.amount_minor)
            for ln in entry.reverses.lines.all()
        )
        if mine != flipped:
            problems.append(
                Problem("reversals_mirror", f"entry #{entry.pk}: not the mirror of its original")
            )
    return problems


ALL_CHECKS: list[Callable[[], list[Problem]]] = [
    currencies_sum_to_zero,
    totals_match_lines,
    no_forbidden_negative,
    entries_balanced,
    holds_legal,
    reversals_mirror,
]


def ledger_check() -> list[Problem]:
    """Run every check; return every problem found."""
    problems: list[Problem] = []
    for check in ALL_CHECKS:
        problems += check()
    return problems
