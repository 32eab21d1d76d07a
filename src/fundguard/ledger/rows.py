"""Lean SQL for the rows a posting reads and writes (the hot path of ``services.py``).

The ORM spends about 0.2 ms of Python per statement compiling queries and building model
instances; a posting issues a dozen statements, so that was most of its cost
(``docs/performance.md``). These helpers issue the same statements with the SQL built once
per (model, columns), values still converted by each field's ``get_db_prep_save``, and the
results returned as ordinary model instances (``Model.from_db``). They check nothing: the
services call them after their checks, inside their transaction, in the same order as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from fundguard.core.locks import row_locks_enabled
from fundguard.ledger.models import Account, EntryLine

M = TypeVar("M", bound=models.Model)

TOTALS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _select_sql(model: type[models.Model], vendor: str, count: int, lock: bool) -> str:
    del vendor  # part of the cache key only
    meta = model._meta
    columns = ", ".join(_q(f.column) for f in meta.concrete_fields)
    marks = ", ".join(["%s"] * count)
    pk = _q(meta.pk.column)
    sql = f"SELECT {columns} FROM {_q(meta.db_table)} WHERE {pk} IN ({marks}) ORDER BY {pk}"
    return sql + " FOR UPDATE" if lock else sql


def rows_by_id(model: type[M], ids: Iterable[int], *, for_update: bool) -> dict[int, M]:
    """The rows of ``model`` with these ids, by id; missing ids are absent (the caller names
    the error). ``for_update``: locked in ascending id order, as ``core.locks.lock_rows``
    does, by ``SELECT ... FOR UPDATE`` where the database has it (PostgreSQL; on SQLite the
    ``BEGIN IMMEDIATE`` transaction already holds the write lock) unless the concurrency
    tests' negative control has switched row locks off.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    wanted = sorted(set(ids))
    lock = for_update and row_locks_enabled() and conn.features.has_select_for_update
    sql = _select_sql(model, conn.vendor, len(wanted), lock)
    names = [f.attname for f in model._meta.concrete_fields]
    with conn.cursor() as cursor:
        cursor.execute(sql, wanted)
        rows = cursor.fetchall()
    out: dict[int, M] = {}
    for values in _convert(model, rows, conn):
        row = model.from_db(conn.alias, names, values)
        out[row.pk] = row
    return out


Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
_converters_by_connection: weakref.WeakKeyDictionary[
    BaseDatabaseWrapper, dict[type[models.Model], list[tuple[int, Any, list[Converter]]]]
] = weakref.WeakKeyDictionary()


def _converters(
    model: type[models.Model], conn: BaseDatabaseWrapper
) -> list[tuple[int, Any, list[Converter]]]:
    """The backend's and the fields' converters per column (SQLite booleans and datetimes),
    as the ORM's compiler would apply them; worked out once per connection and model."""
    by_model = _converters_by_connection.setdefault(conn, {})
    if model not in by_model:
        columns = [f.cached_col for f in model._meta.concrete_fields]
        found = [
            (i, col, [*conn.ops.get_db_converters(col), *col.get_db_converters(conn)])
            for i, col in enumerate(columns)
        ]
        by_model[model] = [(i, col, funcs) for i, col, funcs in found if funcs]
    return by_model[model]


def _convert(
    model: type[models.Model], rows: list[tuple[Any, ...]], conn: BaseDatabaseWrapper
) -> list[Sequence[Any]]:
    converters = _converters(model, conn)
    out: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for i, col, funcs in converters:
            for func in funcs:
                values[i] = func(values[i], col, conn)
        out.append(values)
    return out


@cache
def _totals_sql(vendor: str, count: int) -> str:
    del vendor
    pk = _q("id")
    sets = ", ".join(
        # CAST: typed for PostgreSQL even with server-side parameter binding.
        f"{_q(name)} = CASE {pk}" + " WHEN %s THEN CAST(%s AS BIGINT)" * count + " END"
        for name in TOTALS
    )
    marks = ", ".join(["%s"] * count)
    return f"UPDATE {_q(Account._meta.db_table)} SET {sets} WHERE {pk} IN ({marks})"


def account_totals_write(accounts: Sequence[Account]) -> None:
    """Write the four totals of these locked accounts, in one UPDATE, ascending id.

    The new values are absolute (computed under the lock from the values read under it), as
    the ORM update did: with row locks switched off for the negative control, racing postings
    lose updates and the bank test must see it.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    ordered = sorted(accounts, key=lambda a: a.pk)
    params: list[Any] = []
    for name in TOTALS:
        for account in ordered:
            params += [account.pk, getattr(account, name)]
    params += [account.pk for account in ordered]
    with conn.cursor() as cursor:
        cursor.execute(_totals_sql(conn.vendor, len(ordered)), params)
        assert cursor.rowcount == len(ordered), "every locked account is updated"


@cache
def _insert_sql(model: type[models.Model], vendor: str, names: tuple[str, ...]) -> str:
    del vendor
    meta = model._meta
    columns = ", ".join(_q(f.column) for f in _fields(model, names))
    marks = ", ".join(["%s"] * len(names))
    pk = _q(meta.pk.column)
    return f"INSERT INTO {_q(meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {pk}"


@cache
def _fields(model: type[models.Model], names: tuple[str, ...]) -> list[models.Field[Any, Any]]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[n] for n in names]


def row_insert(obj: models.Model, names: tuple[str, ...]) -> None:
    """INSERT ``obj`` (the fields whose attnames are ``names``); set its primary key.

    Values pass through each field's ``get_db_prep_save`` as ``save()`` would; the instance
    is marked saved (``_state``), as ``Model.objects.create`` leaves it.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    model = type(obj)
    params = [f.get_db_prep_save(getattr(obj, f.attname), conn) for f in _fields(model, names)]
    with conn.cursor() as cursor:
        cursor.execute(_insert_sql(model, conn.vendor, names), params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = conn.alias


@cache
def _lines_sql(vendor: str, count: int) -> str:
    del vendor
    columns = ("entry_id", "position", "account_id", "side", "amount_minor", "currency")
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {_q(EntryLine._meta.db_table)} ({', '.join(map(_q, columns))})"
        f" VALUES {', '.join([row] * count)}"
    )


def lines_insert(entry_id: int, lines: Sequence[tuple[int, str, int, str]]) -> None:
    """INSERT an entry's lines, ``(account_id, side, amount_minor, currency)`` in position
    order, in one statement (no instances: the services return the entry, never its lines)."""
    conn = connections[DEFAULT_DB_ALIAS]
    params: list[Any] = []
    for position, (account_id, side, amount_minor, currency) in enumerate(lines):
        params += [entry_id, position, account_id, side, amount_minor, currency]
    with conn.cursor() as cursor:
        cursor.execute(_lines_sql(conn.vendor, len(lines)), params)
