"""Engines for a store URL: `postgresql+psycopg://...` or `sqlite:///file.db` (or a bare file path)."""

from __future__ import annotations

import orjson
from sqlalchemy import Engine, create_engine, event


def _json_dumps(value) -> str:
    return orjson.dumps(value).decode("utf-8")


JSON_OPTIONS = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}  # 5x the stdlib's speed
SQLITE_PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def store_url(value: str) -> str:
    """A SQLAlchemy URL for `value`: URLs unchanged, a bare path (news.db) as a SQLite file, and
    `postgresql://` as psycopg 3."""
    if "://" not in value:
        return f"sqlite:///{value}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for the store at `url`.

    SQLite: WAL, foreign keys on, a busy timeout, and real transactions (the driver's own would
    leave DDL outside them, so a migration would not be atomic); PostgreSQL: pre-ping.
    """
    url = store_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **JSON_OPTIONS, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # no implicit transactions of the driver: BEGIN below covers DDL too
            cur = dbapi_conn.cursor()
            for pragma in SQLITE_PRAGMAS:
                cur.execute(pragma)
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, **JSON_OPTIONS, **kwargs)


__all__ = ["store_url", "make_engine"]
