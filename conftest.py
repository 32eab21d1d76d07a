"""Test-wide set-up shared by every app's tests and the cross-app suites in tests/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management.commands import flush
from django.db import connection

from fundguard.core.immutability import TRIGGER_PREFIX
from fundguard.core.services.users import CreatedUser, token_create, user_create

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_PASSWORD = "correct-horse-battery-staple-42"


def _suspend_append_only_triggers() -> Callable[[], None]:
    """Drop (SQLite) or disable (PostgreSQL) the append-only triggers; return the undo."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND name LIKE %s",
                [TRIGGER_PREFIX + "%"],
            )
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f"DROP TRIGGER {name}")

            def restore() -> None:
                with connection.cursor() as c:
                    for _, sql in triggers:
                        c.execute(sql)

            return restore
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
            [TRIGGER_PREFIX + "%"],
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

        def restore() -> None:
            with connection.cursor() as c:
                for table in tables:
                    c.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

        return restore


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_tables() -> Iterator[None]:
    """Transactional tests end with a flush, which the append-only triggers would refuse."""
    original = flush.Command.handle

    def handle(self: Any, *args: Any, **options: Any) -> Any:
        restore = _suspend_append_only_triggers()
        try:
            return original(self, *args, **options)
        finally:
            restore()

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    skip_pg = pytest.mark.skip(
        reason="PostgreSQL-only; runs in the PostgreSQL pass (DATABASE_URL=postgres://...)"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_or_skip(available: bool, what: str) -> None:
    """Skip when a tool is missing on a developer's machine; under CI=true, fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is missing")
    pytest.skip(f"{what} is not installed")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """``make_user("approver_l1")`` -> an active user of that role with TEST_PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(role: str, username: str | None = None, password: str | None = TEST_PASSWORD) -> User:
        created: CreatedUser = user_create(
            actor=None,
            username=username or f"{role}-{next(counter)}",
            role=role,
            password=password,
        )
        return created.user

    return make


@pytest.fixture
def bearer(db: Any) -> Callable[[User], dict[str, str]]:
    """Headers carrying a fresh API token for ``user``."""

    def headers(user: User) -> dict[str, str]:
        _, plain = token_create(actor=None, user=user)
        return {"Authorization": f"Bearer {plain}"}

    return headers
