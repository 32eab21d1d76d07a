"""Append-only tables: triggers that make the database itself refuse UPDATE and DELETE.

Used from migrations (``RunPython(append_only(table))``) for the audit trail and the ledger's
entries and lines. Triggers are named ``fg_append_only_<table>_<op>`` so that tooling (and the
test suite's flush between transactional tests) can find them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TRIGGER_PREFIX = "fg_append_only_"


def _sqlite_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {TRIGGER_PREFIX}{table}_{op} BEFORE {op.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        for op in ("update", "delete")
    ]


def _postgresql_sql(table: str) -> list[str]:
    function = f"{TRIGGER_PREFIX}{table}_refuse"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION USING MESSAGE = '{table} is append-only: ' || TG_OP || ' refused', "
        f"ERRCODE = 'integrity_constraint_violation'; END $$",
        f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table}_rows ON {table}",
        f"CREATE TRIGGER {TRIGGER_PREFIX}{table}_rows BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table}_truncate ON {table}",
        f"CREATE TRIGGER {TRIGGER_PREFIX}{table}_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def append_only_sql(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return _sqlite_sql(table)
    if vendor == "postgresql":
        return _postgresql_sql(table)
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def append_only(*tables: str) -> Callable[[Any, Any], None]:
    """A ``RunPython`` forward function installing the triggers on ``tables``."""

    def install(apps: Any, schema_editor: Any) -> None:
        connection: BaseDatabaseWrapper = schema_editor.connection
        for table in tables:
            for statement in append_only_sql(connection.vendor, table):
                schema_editor.execute(statement)

    return install
