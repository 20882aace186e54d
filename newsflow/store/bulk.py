"""Fast writes of many rows inside the caller's transaction: PostgreSQL COPY and arrays, SQLite executemany.

SQLAlchemy's executemany turns each row into a statement of psycopg's pipeline and runs
every value through its bind processors: for the ~30 entity and quote rows an article
brings, that is most of a batch's time. Here rows go straight to the driver, one statement
per table and batch:
- PostgreSQL: `COPY ... FROM STDIN` (text format, formatted by `copy_text`) for rows that cannot
  conflict (the batch's entities and quotes, deleted just before); for rows that may exist, COPY
  into a temporary staging table (one per connection, emptied at commit) then `INSERT ... SELECT
  ... ON CONFLICT DO UPDATE` (`upsert_rows`); small rows as typed arrays, `unnest`ed (`insert_rows`
  with ignore_existing, `lock_rows`, `update_rows`, `add_counts`);
- SQLite: the driver's executemany (`INSERT`, `INSERT OR IGNORE`, `ON CONFLICT DO UPDATE`, `UPDATE`).
JSON values are serialised here (orjson), times as SQLAlchemy stores them in SQLite; values are
always bound or sent as COPY data, never formatted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Mapping, Sequence

import orjson
from sqlalchemy import Column, Connection, Table, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from newsflow.store.schema import JSONType

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime in SQLite: compared as text, so always this form
Rows = Sequence[Mapping[str, Any]]


def _json_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns if c.type is JSONType or type(c.type).__name__ in ("JSON", "JSONB")}


def _cells(table: Table, columns: Sequence[str], rows: Rows, sqlite: bool) -> list[tuple]:
    json_cols = _json_columns(table)
    out = []
    for row in rows:
        cells = []
        for c in columns:
            v = row[c]
            if v is not None and c in json_cols:
                v = orjson.dumps(v).decode("utf-8")
            elif sqlite and isinstance(v, date):
                v = v.strftime(SQLITE_TIME) if isinstance(v, datetime) else v.isoformat()
            cells.append(v)
        out.append(tuple(cells))
    return out


# --- PostgreSQL COPY text ---------------------------------------------------------------------------


def _escaped(v: str) -> str:
    # a scan per special character (fast, in C) and a replace only where one occurs (str.translate with a
    # table is several times slower on articles' text)
    if "\\" in v:
        v = v.replace("\\", "\\\\")
    if "\t" in v:
        v = v.replace("\t", "\\t")
    if "\n" in v:
        v = v.replace("\n", "\\n")
    if "\r" in v:
        v = v.replace("\r", "\\r")
    return v


def _copy_json(v: Any) -> str:
    return "\\N" if v is None else _escaped(orjson.dumps(v).decode("utf-8"))


def _copy_plain(v: Any) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, str):
        return _escaped(v)
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, datetime):
        return v.isoformat(" ")
    return str(v)


def copy_text(table: Table, columns: Sequence[str], rows: Rows) -> bytes:
    """`rows` in PostgreSQL's COPY text format (tab-separated, \\N for null, backslash escapes): formatted
    here in one pass, several times faster than the driver's value-by-value rows."""
    json_cols = _json_columns(table)
    formats: list[tuple[str, Callable[[Any], str]]] = [
        (c, _copy_json if c in json_cols else _copy_plain) for c in columns
    ]
    lines = ["\t".join([fmt(row[c]) for c, fmt in formats]) for row in rows]
    lines.append("")
    return "\n".join(lines).encode("utf-8")


# --- PostgreSQL arrays ------------------------------------------------------------------------------

_PG_ARRAY = {"Text": "text", "Integer": "int", "DateTime": "timestamp", "Date": "date", "Float": "float8"}


def _pg_type(column: Column) -> str:
    return _PG_ARRAY[type(column.type).__name__]


def _unnest(table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[str, list[list]]:
    """`unnest(%s::type[], ...)` over the columns of `rows` (tuples in `columns` order) and its arrays."""
    sql = ", ".join(f"%b::{_pg_type(table.c[c])}[]" for c in columns)  # binary: no per-element quoting
    return f"unnest({sql})", [list(col) for col in zip(*rows)]


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _key(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def one_of(conn: Connection, column: Any, values: Sequence[Any]) -> Any:
    """`column IN values` as one bound array on PostgreSQL (`= ANY(%s)`: one statement text whatever the
    count, so the driver prepares it once and the server plans it once), an IN list on SQLite."""
    if _postgres(conn):
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


# --- the calls ----------------------------------------------------------------------------------------


def _driver_errors(conn: Connection, table: str, work: Callable[[Any], None]) -> None:
    """Run `work(driver connection)`; a driver error is raised as SQLAlchemy raises for its own statements."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        work(driver)
    except dbapi_error as err:
        # IntegrityError, DataError, OperationalError ... as for SQLAlchemy's statements
        lost = conn.dialect.is_disconnect(err, driver, None)
        if lost:
            conn.invalidate(err)
        raise DBAPIError.instance(
            f"bulk write into {table}",
            None,
            err,
            dbapi_error,
            connection_invalidated=lost,
            dialect=conn.dialect,
        ) from err


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _sqlite_many(driver, sql: str, cells: Sequence[Sequence[Any]]) -> None:
    cur = driver.cursor()
    try:
        cur.executemany(sql, cells)
    finally:
        cur.close()


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


@dataclass(frozen=True)
class Prepared:
    """Rows of one table ready for the driver: COPY text (PostgreSQL) or cells (SQLite); made without a
    connection (in another process, for a bulk load)."""

    table: str
    columns: tuple[str, ...]
    payload: bytes | list[tuple]
    rows: int


def prepare_rows(dialect: str, table: Table, rows: Rows) -> Prepared:
    """`rows` of `table` as the driver of `dialect` takes them (see `write_prepared`)."""
    columns = tuple(rows[0].keys()) if rows else ()
    if dialect == "postgresql":
        return Prepared(table.name, columns, copy_text(table, columns, rows) if rows else b"", len(rows))
    return Prepared(table.name, columns, _cells(table, columns, rows, sqlite=True), len(rows))


def write_prepared(conn: Connection, prepared: Prepared) -> None:
    """Insert prepared rows (PostgreSQL: COPY) in the transaction of `conn`."""
    if not prepared.rows:
        return
    names = _quoted(prepared.columns)

    def work(driver) -> None:
        if _postgres(conn):
            with driver.cursor() as cur:
                with cur.copy(f'COPY "{prepared.table}" ({names}) FROM STDIN') as copy:
                    copy.write(prepared.payload)
            return
        sql = f'INSERT INTO "{prepared.table}" ({names}) VALUES ({_marks(len(prepared.columns))})'
        assert isinstance(prepared.payload, list)
        _sqlite_many(driver, sql, prepared.payload)

    _driver_errors(conn, prepared.table, work)


def insert_rows(conn: Connection, table: Table, rows: Rows, ignore_existing: bool = False) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the transaction of `conn`.

    `ignore_existing`: rows whose primary key exists are skipped (PostgreSQL: arrays); else COPY.
    """
    if not rows:
        return
    if not ignore_existing:
        write_prepared(conn, prepare_rows(conn.dialect.name, table, rows))
        return
    columns = list(rows[0].keys())
    names = _quoted(columns)

    def work(driver) -> None:
        if _postgres(conn):
            unnest, arrays = _unnest(table, columns, _cells(table, columns, rows, sqlite=False))
            with driver.cursor() as cur:
                cur.execute(
                    f'INSERT INTO "{table.name}" ({names}) SELECT * FROM {unnest} ON CONFLICT DO NOTHING', arrays
                )
            return
        sql = f'INSERT OR IGNORE INTO "{table.name}" ({names}) VALUES ({_marks(len(columns))})'
        _sqlite_many(driver, sql, _cells(table, columns, rows, sqlite=True))

    _driver_errors(conn, table.name, work)


def upsert_rows(conn: Connection, table: Table, rows: Rows | Prepared, keep: Sequence[str] = ()) -> None:
    """Insert `rows` (or the same `prepare_rows`-prepared), or update the row of the same primary key (every
    column but the key and `keep`).

    PostgreSQL: COPY into a staging table, then one `INSERT ... SELECT ... ON CONFLICT DO UPDATE`.
    """
    prepared = rows if isinstance(rows, Prepared) else prepare_rows(conn.dialect.name, table, rows)
    if not prepared.rows:
        return
    columns = prepared.columns
    names = _quoted(columns)
    key = _key(table)
    updated = [c for c in columns if c not in key and c not in keep]
    conflict = f"ON CONFLICT ({_quoted(key)}) DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in updated)

    def work(driver) -> None:
        if _postgres(conn):
            stage = f"_stage_{table.name}"
            with driver.cursor() as cur:
                # made once per session (a temporary table lives as long as its connection), emptied at each
                # commit, and here (a second call in one transaction); one round trip
                cur.execute(
                    f'CREATE TEMPORARY TABLE IF NOT EXISTS "{stage}" (LIKE "{table.name}" INCLUDING DEFAULTS '
                    f'INCLUDING COMPRESSION) ON COMMIT DELETE ROWS; DELETE FROM "{stage}"'
                )
                with cur.copy(f'COPY "{stage}" ({names}) FROM STDIN') as copy:
                    copy.write(prepared.payload)
                cur.execute(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{stage}" {conflict}')
            return
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({_marks(len(columns))}) {conflict}'
        assert isinstance(prepared.payload, list)
        _sqlite_many(driver, sql, prepared.payload)

    _driver_errors(conn, table.name, work)


def lock_rows(conn: Connection, table: Table, rows: Rows) -> None:
    """Insert the `rows` whose key is missing; on PostgreSQL, lock the existing ones until the transaction
    ends (a no-op update), in the order given: give them sorted by key, so that writers lock in one order.
    SQLite: the transaction holds the database's write lock already."""
    if not rows:
        return
    columns = list(rows[0].keys())
    names = _quoted(columns)
    key = _key(table)
    other = next(c for c in columns if c not in key)

    def work(driver) -> None:
        if _postgres(conn):
            unnest, arrays = _unnest(table, columns, _cells(table, columns, rows, sqlite=False))
            with driver.cursor() as cur:
                cur.execute(
                    f'INSERT INTO "{table.name}" ({names}) SELECT * FROM {unnest} ON CONFLICT ({_quoted(key)}) '
                    f'DO UPDATE SET "{other}" = "{table.name}"."{other}"',
                    arrays,
                )
            return
        sql = f'INSERT OR IGNORE INTO "{table.name}" ({names}) VALUES ({_marks(len(columns))})'
        _sqlite_many(driver, sql, _cells(table, columns, rows, sqlite=True))

    _driver_errors(conn, table.name, work)


def update_rows(conn: Connection, table: Table, rows: Rows) -> None:
    """Set the columns of `rows` (dicts with the same keys: the primary key and the columns to set) on the
    row of each key."""
    if not rows:
        return
    columns = list(rows[0].keys())
    key = _key(table)
    sets = [c for c in columns if c not in key]

    def work(driver) -> None:
        if _postgres(conn):
            unnest, arrays = _unnest(table, columns, _cells(table, columns, rows, sqlite=False))
            assignments = ", ".join(f'"{c}" = u."{c}"' for c in sets)
            match = " AND ".join(f't."{k}" = u."{k}"' for k in key)
            with driver.cursor() as cur:
                cur.execute(
                    f'UPDATE "{table.name}" AS t SET {assignments} FROM {unnest} AS u({_quoted(columns)}) WHERE {match}',
                    arrays,
                )
            return
        assignments = ", ".join(f'"{c}" = ?' for c in sets)
        match = " AND ".join(f'"{k}" = ?' for k in key)
        cells = [(*(r[c] for c in sets), *(r[k] for k in key)) for r in _as_dicts(table, columns, rows)]
        _sqlite_many(driver, f'UPDATE "{table.name}" SET {assignments} WHERE {match}', cells)

    _driver_errors(conn, table.name, work)


def _as_dicts(table: Table, columns: list[str], rows: Rows) -> list[dict[str, Any]]:
    return [dict(zip(columns, cells)) for cells in _cells(table, columns, rows, sqlite=True)]


def add_counts(conn: Connection, table: Table, keys: Sequence[str], count: str, rows: Sequence[tuple]) -> None:
    """Add to the `count` column of `table` per key: `rows` are (*key values, amount); a missing key is inserted."""
    if not rows:
        return
    columns = [*keys, count]
    names = _quoted(columns)
    update = f'ON CONFLICT ({_quoted(keys)}) DO UPDATE SET "{count}" = "{table.name}"."{count}" + excluded."{count}"'

    def work(driver) -> None:
        if _postgres(conn):
            unnest, arrays = _unnest(table, columns, rows)
            with driver.cursor() as cur:
                cur.execute(f'INSERT INTO "{table.name}" ({names}) SELECT * FROM {unnest} {update}', arrays)
            return
        cells = [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows]
        _sqlite_many(driver, f'INSERT INTO "{table.name}" ({names}) VALUES ({_marks(len(columns))}) {update}', cells)

    _driver_errors(conn, table.name, work)


__all__ = [
    "SQLITE_TIME",
    "Prepared",
    "prepare_rows",
    "write_prepared",
    "copy_text",
    "one_of",
    "insert_rows",
    "upsert_rows",
    "lock_rows",
    "update_rows",
    "add_counts",
]
