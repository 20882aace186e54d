"""Loading many events into an empty store at once: rows by COPY without indexes, then indexes and rollups.

What the sink does one batch at a time (newsflow.store.writer), done for a whole archive or a
benchmark's synthetic store: a helper process makes the rows and their COPY text while this one
writes them (two cores: Python on one, the server on the other); the secondary indexes (and
PostgreSQL's full-text GIN index, SQLite's full-text triggers) are dropped, the rows of every event
are written by COPY (SQLite: executemany) in chunks, stories are counted in Python as the writer
counts them (each written when its first copy comes, completed at the end), and then the indexes are
built once, the full-text index filled, the rollups computed from the rows (`rollups.rebuild`, the
SQL of migration 0004) and the planner's statistics refreshed (PostgreSQL: VACUUM ANALYZE, which
also marks pages all-visible for index-only scans). The store is the writer's (tests hold a bulk
load's rollups to the writer's counts of the same events).

An id given twice is loaded once (its first event). The store must be empty.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import Connection, Engine, func, select, text

from newsflow.store import rollups, schema
from newsflow.store.bulk import Prepared, prepare_rows, upsert_rows, write_prepared
from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.rows import ArticleRows, article_rows
from newsflow.store.writer import first_copy_key

LOADED = (schema.stories, schema.articles, schema.actors, schema.actor_aliases, schema.article_entities, schema.quotes)
GIN_INDEX = "ix_quotes_text_tsv"


@dataclass(frozen=True)
class LoadReport:
    """What a bulk load did and how long each part took (seconds)."""

    articles: int
    repeated: int  # events whose id was loaded already (skipped)
    rows_s: float  # making the rows and writing them
    indexes_s: float  # indexes, full text
    rollups_s: float
    analyse_s: float

    @property
    def seconds(self) -> float:
        """The whole load."""
        return self.rows_s + self.indexes_s + self.rollups_s + self.analyse_s

    def __str__(self) -> str:
        return (
            f"loaded {self.articles} articles in {self.seconds:.0f}s ({self.articles / max(self.seconds, 1e-9):.0f}/s): "
            f"rows {self.rows_s:.0f}s, indexes {self.indexes_s:.0f}s, rollups {self.rollups_s:.0f}s, "
            f"statistics {self.analyse_s:.0f}s" + (f"; {self.repeated} repeated ids skipped" if self.repeated else "")
        )


def _secondary_indexes() -> list:
    return [ix for t in LOADED for ix in t.indexes]


class _Stories:
    """Stories counted as the writer counts them: copies, and the first copy by publication."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}  # id -> [copies, first key, first article row]

    def add(self, r: ArticleRows) -> dict[str, Any] | None:
        """Count the article; the row of its story when it is the story's first article here."""
        a = r.article
        key = first_copy_key(SimpleNamespace(**a))
        story = self.rows.get(a["story_id"])
        if story is None:
            self.rows[a["story_id"]] = [1, key, a]
            return _story_row(a["story_id"], 1, a)
        story[0] += 1
        if key < story[1]:
            story[1], story[2] = key, a
        return None

    def table_rows(self) -> list[dict[str, Any]]:
        """Every story as counted."""
        return [_story_row(sid, copies, first) for sid, (copies, _, first) in sorted(self.rows.items())]


def _story_row(story_id: str, copies: int, first: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": story_id,
        "first_article_id": first["id"],
        "first_outlet": first["source"],
        "first_published_at": first["published_at"],
        "copies": copies,
    }


def _prepare(conn: Connection) -> None:
    """Drop what would slow the load down: secondary indexes, the full-text index or triggers."""
    for index in _secondary_indexes():
        conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    if conn.dialect.name == "postgresql":
        conn.execute(text(f'DROP INDEX IF EXISTS "{GIN_INDEX}"'))
        return
    for trigger in ("quotes_fts_ai", "quotes_fts_ad", "quotes_fts_au"):
        conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))


def _finish(conn: Connection) -> None:
    """Indexes and full text back."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for index in _secondary_indexes():
        index.create(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(text(schema.POSTGRES_FTS_DDL[1]))
        return
    conn.execute(text(f"INSERT INTO {schema.SQLITE_FTS_TABLE}({schema.SQLITE_FTS_TABLE}) VALUES ('rebuild')"))
    for statement in schema.SQLITE_FTS_DDL[1:]:
        conn.execute(text(statement))


class _Preparer:
    """Rows of events as the driver takes them, a chunk at a time: what the loading process's helper does."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.stories = _Stories()
        self.actors: set[str] = set()
        self.aliases: set[tuple[str, str]] = set()
        self.seen: set[str] = set()
        self.repeated = 0

    def chunks(self, arrivals: Iterable[tuple[datetime, dict]], size: int) -> Iterator[list[Prepared]]:
        """Lists of prepared rows, a chunk of `size` articles each, tables in the order they must be written."""
        chunk: list[ArticleRows] = []
        new_stories: list[dict[str, Any]] = []
        for stored_at, event in arrivals:
            rows = article_rows(event, stored_at)
            if rows.id in self.seen:
                self.repeated += 1
                continue
            self.seen.add(rows.id)
            story = self.stories.add(rows)
            if story is not None:
                new_stories.append(story)
            chunk.append(rows)
            if len(chunk) >= size:
                yield self._prepared(chunk, new_stories)
                chunk, new_stories = [], []
        if chunk:
            yield self._prepared(chunk, new_stories)

    def _prepared(self, chunk: list[ArticleRows], new_stories: list[dict[str, Any]]) -> list[Prepared]:
        new_actors = {x["id"]: x for r in chunk for x in r.actors if x["id"] not in self.actors}
        new_aliases = sorted({(x["actor_id"], x["alias"]) for r in chunk for x in r.aliases} - self.aliases)
        self.actors.update(new_actors)
        self.aliases.update(new_aliases)
        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (schema.stories, new_stories),  # before their articles (a foreign key); completed at the end
            (schema.articles, [r.article for r in chunk]),
            (schema.article_entities, [x for r in chunk for x in r.entities]),
            (schema.quotes, [x for r in chunk for x in r.quotes]),
            (schema.actors, [new_actors[k] for k in sorted(new_actors)]),
            (schema.actor_aliases, [{"actor_id": i, "alias": a} for i, a in new_aliases]),
        ]
        return [prepare_rows(self.dialect, table, rows) for table, rows in tables if rows]


def _prepare_in_child(arrivals, dialect: str, size: int, out) -> None:
    """The helper process: prepared chunks into `out`, then ("end", stories, repeated); ("error", text) if it fails."""
    try:
        preparer = _Preparer(dialect)
        for chunk in preparer.chunks(arrivals, size):
            out.put(("chunk", chunk))
        out.put(("end", preparer.stories.table_rows(), preparer.repeated))
    except BaseException as err:  # noqa: BLE001 - reported to the loading process, which raises it
        out.put(("error", f"{type(err).__name__}: {err}"))


def _prepared_chunks(arrivals, dialect: str, size: int, parallel: bool) -> Iterator[tuple]:
    """("chunk", [Prepared...]) items, then ("end", stories, repeated): from a forked helper process when
    `parallel` (making rows and COPY text is most of a load's Python time: the server works meanwhile)."""
    if not parallel:
        preparer = _Preparer(dialect)
        for chunk in preparer.chunks(arrivals, size):
            yield ("chunk", chunk)
        yield ("end", preparer.stories.table_rows(), preparer.repeated)
        return
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue(maxsize=3)
    helper = ctx.Process(target=_prepare_in_child, args=(arrivals, dialect, size, queue), daemon=True)
    helper.start()
    try:
        while True:
            item = queue.get()
            if item[0] == "error":
                raise RuntimeError(f"bulk load: preparing rows failed: {item[1]}")
            yield item
            if item[0] == "end":
                return
    finally:
        if helper.is_alive():
            helper.kill()
        helper.join()


def load_engine(
    engine: Engine,
    arrivals: Iterable[tuple[datetime, dict]],
    chunk_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    parallel: bool = True,
) -> LoadReport:
    """Load (stored time, event) pairs into the empty, migrated store behind `engine` (module docstring).

    `parallel`: rows are prepared by a forked process while this one writes (POSIX; the iterator is
    consumed there, not here)."""
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(schema.articles)):
            raise ValueError("bulk load: the store is not empty (load into a new store)")
    started = time.perf_counter()
    with engine.begin() as conn:
        _prepare(conn)
    n = repeated = 0
    stories: list[dict[str, Any]] = []
    parallel = parallel and "fork" in multiprocessing.get_all_start_methods()
    for item in _prepared_chunks(arrivals, engine.dialect.name, chunk_size, parallel):
        if item[0] == "end":
            stories, repeated = item[1], item[2]
            break
        with engine.begin() as conn:
            for prepared in item[1]:
                write_prepared(conn, prepared)
        n += next((p.rows for p in item[1] if p.table == "articles"), 0)
        if progress:
            progress(n)
    with engine.begin() as conn:
        upsert_rows(conn, schema.stories, stories)
    rows_s = time.perf_counter() - started
    t = time.perf_counter()
    with engine.begin() as conn:
        _finish(conn)
    indexes_s = time.perf_counter() - t
    t = time.perf_counter()
    with engine.begin() as conn:
        rollups.rebuild(conn)
    rollups_s = time.perf_counter() - t
    t = time.perf_counter()
    if engine.dialect.name == "postgresql":  # statistics, and the visibility map index-only scans rely on
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return LoadReport(n, repeated, rows_s, indexes_s, rollups_s, time.perf_counter() - t)


def bulk_load(url: str, arrivals: Iterable[tuple[datetime, dict]], **kwargs: Any) -> LoadReport:
    """Migrate the empty store at `url` and load (stored time, event) pairs into it (see `load_engine`)."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
        return load_engine(engine, arrivals, **kwargs)
    finally:
        engine.dispose()


__all__ = ["LoadReport", "load_engine", "bulk_load"]
