"""Fast inserts of many rows inside the caller's transaction: PostgreSQL COPY / unnest, SQLite executemany.

SQLAlchemy's executemany turns each row into a statement of psycopg's pipeline and runs
every value through its bind processors: for the ~30 entity and quote rows an article
brings, that is most of a batch's time. Here rows go straight to the driver:
- PostgreSQL: `COPY ... FROM STDIN` for rows that cannot conflict (the batch's entities and
  quotes, deleted just before), `INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING`
  for text-only rows that may exist (actors, aliases);
- SQLite: the driver's executemany (`INSERT` or `INSERT OR IGNORE`).
JSON values are serialised here (orjson); values are always bound, never formatted into SQL.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import orjson
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from newsflow.store.schema import JSONType


def _json_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns if c.type is JSONType or type(c.type).__name__ in ("JSON", "JSONB")}


def _cells(table: Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[tuple]:
    json_cols = _json_columns(table)
    out = []
    for row in rows:
        out.append(
            tuple(
                orjson.dumps(row[c]).decode("utf-8") if c in json_cols and row[c] is not None else row[c]
                for c in columns
            )
        )
    return out


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], ignore_existing: bool = False
) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the transaction of `conn`.

    `ignore_existing`: rows whose primary key exists are skipped (PostgreSQL: text columns only).
    """
    if not rows:
        return
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        _insert_rows(conn, table, rows, ignore_existing)
    except dbapi_error as err:
        # as SQLAlchemy raises for its own statements: IntegrityError, DataError, OperationalError ...
        driver = conn.connection.driver_connection
        lost = conn.dialect.is_disconnect(err, driver, None)
        if lost:
            conn.invalidate(err)
        raise DBAPIError.instance(
            f"bulk insert into {table.name}",
            None,
            err,
            dbapi_error,
            connection_invalidated=lost,
            dialect=conn.dialect,
        ) from err


def _insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], ignore_existing: bool) -> None:
    columns = list(rows[0].keys())
    cells = _cells(table, columns, rows)
    driver = conn.connection.driver_connection
    assert driver is not None
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cur:
            if ignore_existing:
                arrays = [list(col) for col in zip(*cells)]
                unnest = ", ".join("%s::text[]" for _ in columns)
                cur.execute(
                    f'INSERT INTO "{table.name}" ({_quoted(columns)}) SELECT * FROM unnest({unnest}) ON CONFLICT DO NOTHING',
                    arrays,
                )
            else:
                with cur.copy(f'COPY "{table.name}" ({_quoted(columns)}) FROM STDIN') as copy:
                    for cell in cells:
                        copy.write_row(cell)
        return
    verb = "INSERT OR IGNORE" if ignore_existing else "INSERT"
    marks = ", ".join("?" for _ in columns)
    cur = driver.cursor()
    try:
        cur.executemany(f'{verb} INTO "{table.name}" ({_quoted(columns)}) VALUES ({marks})', cells)
    finally:
        cur.close()


__all__ = ["insert_rows"]
