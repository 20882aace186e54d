"""Engines for a store URL: `postgresql+psycopg://...` or `sqlite:///file.db` (or a bare file path), and
how a store that cannot be used is reported: one line that names it (its path, or its URL without password)."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def _json_dumps(value) -> str:
    return orjson.dumps(value).decode("utf-8")


JSON_OPTIONS = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}  # 5x the stdlib's speed
WRITE_OPTION = "newsflow_writes"  # execution option of an engine whose transactions write (SQLite: BEGIN IMMEDIATE)
SQLITE_PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def store_url(value: str) -> str:
    """A SQLAlchemy URL for `value`: URLs unchanged, a bare path (news.db) as a SQLite file, and
    `postgresql://` as psycopg 3."""
    if "://" not in value:
        return f"sqlite:///{value}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


class StoreUnavailable(RuntimeError):
    """A store that cannot be opened, reached or written; `str(err)` is one line naming it and why.

    `usage` is set when what the user gave is what is wrong (a SQLite path whose folder does not exist),
    not the store's server (the command then exits 2, not 1).
    """

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite store URL or path (None: no SQLite file, e.g. a server URL or `:memory:`)."""
    url = store_url(url)
    if not url.startswith("sqlite"):
        return None
    path = make_url(url).database
    return path if path and path != ":memory:" and not path.startswith("file:") else None


def store_name(url: str) -> str:
    """How a message names a store: a SQLite file by its path, a server by its URL without the password."""
    path = sqlite_path(url)
    if path is not None:
        return path
    try:
        return make_url(store_url(url)).render_as_string(hide_password=True)
    except Exception:  # not even a URL: name it as given
        return url


def error_line(err: BaseException) -> str:
    """The first line of what the database driver said (SQLAlchemy's own wrapping left out)."""
    orig = getattr(err, "orig", None) or err
    text = str(orig).strip()
    return text.splitlines()[0][:500] if text else type(orig).__name__


def unavailable(url: str, err: BaseException) -> StoreUnavailable:
    """The `StoreUnavailable` of the store at `url` that failed with `err`."""
    return StoreUnavailable(f"store {store_name(url)}: {error_line(err)}")


def check_sqlite_file(url: str) -> None:
    """StoreUnavailable (usage) when a SQLite store cannot be made at its path: no such folder, or a folder there."""
    path = sqlite_path(url)
    if path is None:
        return
    file = Path(path)
    if file.is_dir():
        raise StoreUnavailable(f"store {path}: a folder, not a SQLite file", usage=True)
    if not file.parent.is_dir():
        raise StoreUnavailable(f"store {path}: the folder {file.parent} does not exist", usage=True)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for the store at `url`.

    SQLite: WAL, foreign keys on, a busy timeout, and real transactions (the driver's own would
    leave DDL outside them, so a migration would not be atomic), which take the write lock at their
    start on `writing(engine)`; PostgreSQL: pre-ping.
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
            # a writer's transaction takes the write lock at once (WRITE_OPTIONS): two that began by reading
            # could not both upgrade, and SQLite would refuse one at once ("database is locked")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, **JSON_OPTIONS, **kwargs)


def writing(engine: Engine) -> Engine:
    """`engine` for transactions that write: on SQLite they take the write lock when they begin, so that
    two writers wait for each other (busy timeout) instead of one failing."""
    return engine.execution_options(**{WRITE_OPTION: True})


__all__ = [
    "WRITE_OPTION",
    "writing",
    "StoreUnavailable",
    "check_sqlite_file",
    "error_line",
    "make_engine",
    "sqlite_path",
    "store_name",
    "store_url",
    "unavailable",
]
