"""A hypothesis model of the ledger, checked against the database after every step."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fundguard.core.errors import DomainError
from fundguard.ledger.checks import ledger_check
from fundguard.ledger.models import Account
from fundguard.ledger.services import (
    LineSpec,
    account_freeze,
    account_open,
    account_unfreeze,
    entry_post,
    entry_reverse,
    hold_place,
    hold_post,
    hold_void,
    holds_expire_due,
)
from fundguard.ledger.tests.conftest import snapshot

pytestmark = pytest.mark.django_db

CURRENCIES = ["CNY", "USD"]
amounts = st.integers(min_value=1, max_value=5_000)
OPENING_FUNDS_MINOR = 8_000


@dataclass
class ModelAccount:
    pk: int
    currency: str
    debit_normal: bool
    allow_negative: bool
    frozen: bool = False
    totals: dict[str, int] = field(default_factory=lambda: {"dp": 0, "cp": 0, "dq": 0, "cq": 0})

    def available(self, t: dict[str, int]) -> int:
        if self.debit_normal:
            return t["dp"] - t["cp"] - t["cq"]
        return t["cp"] - t["dp"] - t["dq"]


@dataclass
class ModelHold:
    pk: int
    debit: ModelAccount
    credit: ModelAccount
    amount: int
    expires_at: datetime | None
    pending: bool = True


@dataclass
class ModelEntry:
    pk: int
    lines: list[tuple[ModelAccount, str, int]]
    reversed: bool = False


class LedgerMachine(RuleBasedStateMachine):
    actor: User

    accounts = Bundle("accounts")
    holds = Bundle("holds")
    entries = Bundle("entries")

    def __init__(self) -> None:
        super().__init__()
        self.run = uuid.uuid4().hex[:8]
        self.n = 0
        self.now = timezone.now()
        self.model: dict[int, ModelAccount] = {}
        self.hold_models: list[ModelHold] = []
        self.keys: dict[str, tuple[ModelAccount, ModelAccount, int, int]] = {}
        self.sources = {c: self._open("liability", c, allow_negative=True) for c in CURRENCIES}

    def _open(self, kind: str, currency: str, allow_negative: bool) -> ModelAccount:
        self.n += 1
        account = account_open(
            actor=self.actor,
            code=f"SM-{self.run}-{self.n}",
            name="model",
            kind=kind,
            currency=currency,
            allow_negative=allow_negative,
        )
        m = ModelAccount(account.pk, currency, kind == "asset", allow_negative)
        self.model[m.pk] = m
        return m

    # --- model arithmetic --------------------------------------------------------------------

    def _try(self, changes: list[tuple[ModelAccount, str, int]]) -> str | None:
        """Apply (account, total, delta) to copies; the refusal code, or None and commit."""
        new = {m.pk: dict(m.totals) for m, _, _ in changes}
        for m, name, delta in changes:
            new[m.pk][name] += delta
        for m, _, _ in changes:
            if not m.allow_negative and m.available(new[m.pk]) < 0:
                return "insufficient_funds"
        for m, _, _ in changes:
            m.totals = new[m.pk]
        return None

    def _expect(self, code: str | None, call: Any) -> Any:
        before = snapshot()
        try:
            result = call()
        except DomainError as exc:
            assert exc.code == code, (exc.code, code)  # noqa: PT017
            assert snapshot() == before
            return None
        assert code is None, f"expected {code}"
        return result

    @staticmethod
    def _posted(lines: list[tuple[ModelAccount, str, int]]) -> list[tuple[ModelAccount, str, int]]:
        return [(m, "dp" if side == "debit" else "cp", amount) for m, side, amount in lines]

    # --- rules -------------------------------------------------------------------------------

    @initialize(target=accounts)
    def start_with_funded_accounts(self) -> Any:
        opened = [self._open("liability", c, False) for c in ("CNY", "CNY", "CNY", "USD")]
        for account in opened:
            self._fund(account, OPENING_FUNDS_MINOR)
        opened.append(self._open("asset", "CNY", False))
        return multiple(*opened)

    @rule(
        target=accounts,
        kind=st.sampled_from(["liability", "asset"]),
        currency=st.sampled_from([*CURRENCIES, "CNY", "CNY"]),
        allow_negative=st.booleans(),
    )
    def open_account(self, kind: str, currency: str, allow_negative: bool) -> ModelAccount:
        account = self._open(kind, currency, allow_negative)
        if kind == "liability":  # start with money, so that most moves can succeed
            self._fund(account, OPENING_FUNDS_MINOR)
        return account

    @rule(target=entries, account=accounts, amount=amounts)
    def fund(self, account: ModelAccount, amount: int) -> Any:
        return self._fund(account, amount)

    def _fund(self, account: ModelAccount, amount: int) -> Any:
        source = self.sources[account.currency]
        lines = [(source, "debit", amount), (account, "credit", amount)]
        if account.frozen:
            code: str | None = "account_frozen"
        else:
            code = self._try(self._posted(lines))
        return self._post(lines, code)

    def _post(self, lines: list[tuple[ModelAccount, str, int]], code: str | None) -> Any:
        key = f"{self.run}-{uuid.uuid4().hex[:8]}"
        entry = self._expect(
            code,
            lambda: entry_post(
                actor=self.actor,
                lines=[LineSpec(m.pk, side, amount) for m, side, amount in lines],
                idempotency_key=key,
            ),
        )
        if entry is None:
            return multiple()  # only posted entries enter the bundle
        if len(lines) == 2:
            self.keys[key] = (lines[0][0], lines[1][0], lines[0][2], entry.pk)
        return ModelEntry(entry.pk, lines)

    @rule(target=entries, a=accounts, b=accounts, amount=amounts)
    def transfer(self, a: ModelAccount, b: ModelAccount, amount: int) -> Any:
        lines = [(a, "debit", amount), (b, "credit", amount)]
        code: str | None
        if a.frozen or (b.frozen and a is not b):
            code = "account_frozen"
        elif a.currency != b.currency:
            code = "entry_unbalanced"
        else:
            code = self._try(self._posted(lines))
        return self._post(lines, code)

    @rule(entry=entries)
    def reverse(self, entry: ModelEntry) -> None:
        flipped = [(m, "credit" if s == "debit" else "debit", a) for m, s, a in entry.lines]
        code: str | None
        if entry.reversed:
            code = "entry_already_reversed"
        elif any(m.frozen for m, _, _ in entry.lines):
            code = "account_frozen"
        else:
            code = self._try(self._posted(flipped))
        if self._expect(code, lambda: entry_reverse(actor=self.actor, entry_id=entry.pk)):
            entry.reversed = True

    @rule(
        target=holds,
        a=accounts,
        b=accounts,
        amount=amounts,
        expires_in=st.one_of(st.none(), st.integers(min_value=1, max_value=600)),
    )
    def place_hold(self, a: ModelAccount, b: ModelAccount, amount: int, expires_in: Any) -> Any:
        expires_at = self.now + timedelta(seconds=expires_in) if expires_in else None
        code: str | None
        if a is b:
            code = "hold_needs_two_accounts"
        elif a.frozen or b.frozen:
            code = "account_frozen"
        elif a.currency != b.currency:
            code = "currency_mismatch"
        else:
            code = self._try([(a, "dq", amount), (b, "cq", amount)])
        hold = self._expect(
            code,
            lambda: hold_place(
                actor=self.actor,
                debit_account_id=a.pk,
                credit_account_id=b.pk,
                amount_minor=amount,
                expires_at=expires_at,
                now=self.now,
            ),
        )
        if hold is None:
            return multiple()  # only placed holds enter the bundle
        m = ModelHold(hold.pk, a, b, amount, expires_at)
        self.hold_models.append(m)
        return m

    @rule(hold=holds, part=st.one_of(st.none(), st.integers(min_value=1, max_value=6_000)))
    def post_hold(self, hold: ModelHold, part: int | None) -> None:
        amount = hold.amount if part is None else part
        code: str | None
        if not hold.pending:
            code = "hold_already_resolved"
        elif amount > hold.amount:
            code = "hold_amount_exceeded"
        elif hold.debit.frozen or hold.credit.frozen:
            code = "account_frozen"
        else:
            code = self._try(
                [
                    (hold.debit, "dq", -hold.amount),
                    (hold.debit, "dp", amount),
                    (hold.credit, "cq", -hold.amount),
                    (hold.credit, "cp", amount),
                ]
            )
        if self._expect(
            code, lambda: hold_post(actor=self.actor, hold_id=hold.pk, amount_minor=part)
        ):
            hold.pending = False

    @rule(hold=holds)
    def void_hold(self, hold: ModelHold) -> None:
        code = None if hold.pending else "hold_already_resolved"
        if code is None:
            self._try([(hold.debit, "dq", -hold.amount), (hold.credit, "cq", -hold.amount)])
        if self._expect(code, lambda: hold_void(actor=self.actor, hold_id=hold.pk)):
            hold.pending = False

    @rule(seconds=st.integers(min_value=1, max_value=900))
    def advance_clock_and_expire(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)
        due = [
            h for h in self.hold_models if h.pending and h.expires_at and h.expires_at <= self.now
        ]
        for h in due:
            self._try([(h.debit, "dq", -h.amount), (h.credit, "cq", -h.amount)])
            h.pending = False
        assert holds_expire_due(now=self.now) == len(due)

    @rule(account=accounts)
    def freeze_or_unfreeze(self, account: ModelAccount) -> None:
        if account.frozen:
            account_unfreeze(actor=self.actor, account_id=account.pk)
        else:
            account_freeze(actor=self.actor, account_id=account.pk)
        account.frozen = not account.frozen

    @precondition(lambda self: bool(self.keys))
    @rule(data=st.data(), changed=st.booleans())
    def replay_key(self, data: st.DataObject, changed: bool) -> None:
        key = data.draw(st.sampled_from(sorted(self.keys)))
        a, b, amount, entry_id = self.keys[key]
        code = "idempotency_key_reused" if changed else None
        entry = self._expect(
            code,
            lambda: entry_post(
                actor=self.actor,
                lines=[
                    LineSpec(a.pk, "debit", amount + changed),
                    LineSpec(b.pk, "credit", amount + changed),
                ],
                idempotency_key=key,
            ),
        )
        if not changed:
            assert entry.pk == entry_id

    def teardown(self) -> None:
        """Leave no pending hold behind: the next example's clock starts afresh."""
        for h in self.hold_models:
            if h.pending:
                hold_void(actor=self.actor, hold_id=h.pk)

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def database_matches_model_and_checks_hold(self) -> None:
        problems = ledger_check()
        assert not problems, problems
        rows = Account.objects.filter(pk__in=self.model).values_list(
            "pk", "debits_posted", "credits_posted", "debits_pending", "credits_pending"
        )
        for pk, dp, cp, dq, cq in rows:
            assert self.model[pk].totals == {"dp": dp, "cp": cp, "dq": dq, "cq": cq}, pk


def test_the_ledger_behaves_like_its_model(operator: User) -> None:
    LedgerMachine.actor = operator
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
