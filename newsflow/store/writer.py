"""Writes enriched events into the store: upserts keyed by article id, one transaction per batch.

A re-delivered article (same content, trace aside) changes nothing: its stored row's
content hash matches and the article is skipped. A changed article replaces its rows
(entities and quotes deleted and written again). Stories (dedup clusters) are locked
first, in id order, then recounted from their articles, so concurrent sinks keep
`copies` and the first copy right; the rollups (newsflow/store/rollups.py) change by the
difference the batch makes to the facts of those locked stories, in the same transaction.

PostgreSQL: articles go through a staging table (COPY, then `INSERT ... ON CONFLICT DO UPDATE`),
so an article another sink stored a moment before is updated, not refused; entities and quotes
(deleted first) by COPY.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from newsflow.store import rollups, schema
from newsflow.store.bulk import (
    Prepared,
    insert_rows,
    lock_rows,
    one_of,
    prepare_rows,
    update_rows,
    upsert_rows,
    write_prepared,
)
from newsflow.store.engine import writing
from newsflow.store.rows import ArticleRows, article_rows
from shared.core.events import ArticleCleaned


@dataclass(frozen=True)
class WriteResult:
    """What one batch did: articles written (new or changed) and unchanged (re-delivered)."""

    written: int
    unchanged: int


def _insert(conn: Connection, table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def first_copy_key(row: Any) -> tuple:
    """The sort key of a story's copies (attributes of an article row); the least is the story's first copy."""
    # the story's order (newsflow.store.queries._copy_order): publication time, else arrival (receipt) time;
    # at one time, the copy dedup saw first, then storing order
    return (row.published_at or row.stored_at, row.duplicate_of is not None, row.stored_at, row.id)


# one thread per process prepares what a batch will write while its first statements run (see _write)
_PREPARE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsflow-store-prepare")


def _prepared_rest(dialect: str, rows: list[ArticleRows]) -> tuple[Prepared, Prepared, tuple[list, list]]:
    """The entity links and quotes of `rows` as the driver takes them, and their rollup facts."""
    return (
        prepare_rows(dialect, schema.article_entities, [x for r in rows for x in r.entities]),
        prepare_rows(dialect, schema.quotes, [x for r in rows for x in r.quotes]),
        rollups.facts_of_rows(rows),
    )


def _set_time(rows: ArticleRows, when: datetime) -> None:
    for x in (*rows.quotes, *rows.entities):
        x["article_time"] = when


class StoreWriter:
    """Upserts batches of enriched events into the store behind `engine` (see the module docstring)."""

    KNOWN_MAX = 500_000  # actor and alias keys remembered as committed (they are never deleted)

    def __init__(self, engine: Engine) -> None:
        self.engine = writing(engine)
        self._known: set[tuple[str, str]] = set()  # ("", actor id) and (actor id, alias) committed by this writer

    def write_batch(self, events: Sequence[ArticleCleaned | Mapping[str, Any]]) -> WriteResult:
        """Store `events` in one transaction; InvalidEvent if one cannot be stored, DB errors propagate."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        return self.write_rows([article_rows(e, now) for e in events])

    def write_rows(
        self, batch: Sequence[ArticleRows], then: Callable[[Connection, int], None] | None = None
    ) -> WriteResult:
        """Store prepared rows in one transaction (the last of two rows of one id wins); `then(conn, written)`
        runs in that transaction after them, with how many articles were written (`newsflow store reprocess`
        records its progress so: the batch and its progress commit together or not at all)."""
        by_id = {r.id: r for r in batch}
        if not by_id and then is None:
            return WriteResult(0, 0)
        fresh: set[tuple[str, str]] = set()
        with self.engine.begin() as conn:
            written = self._write(conn, by_id, fresh) if by_id else []
            if then is not None:
                then(conn, len(written))
        if len(self._known) + len(fresh) > self.KNOWN_MAX:
            self._known.clear()
        self._known |= fresh  # only once committed: a rolled-back batch must write them again
        return WriteResult(len(written), len(by_id) - len(written))

    def _write(self, conn: Connection, by_id: dict[str, ArticleRows], fresh: set[tuple[str, str]]) -> list[str]:
        a = schema.articles
        stored = {
            r.id: (r.content_hash, r.stored_at)
            for r in conn.execute(
                select(a.c.id, a.c.content_hash, a.c.stored_at).where(one_of(conn, a.c.id, list(by_id)))
            )
        }
        changed = sorted(i for i, r in by_id.items() if stored.get(i, (None,))[0] != r.article["content_hash"])
        if not changed:
            return []
        rows = [by_id[i] for i in changed]
        for r in rows:  # an update keeps the article's stored_at: so does the time of its rows when it has no date
            if r.id in stored and r.article["published_at"] is None:
                _set_time(r, stored[r.id][1])
        # the COPY text and the rollup facts of the new rows are made by another thread meanwhile: the
        # statements below are mostly waits for the server, during which this thread holds no GIL
        articles = _PREPARE.submit(prepare_rows, conn.dialect.name, schema.articles, [r.article for r in rows])
        rest = _PREPARE.submit(_prepared_rest, conn.dialect.name, rows)
        self._lock_stories(conn, rows)
        # the changed articles stored now that our stories are locked, and their stories (another sink may
        # have stored or moved one since the first read)
        present = dict(conn.execute(select(a.c.id, a.c.story_id).where(one_of(conn, a.c.id, changed))).all())
        now_in = set(present.values()) - {None}
        story_ids = sorted({r.article["story_id"] for r in rows} | now_in)
        extra = sorted(now_in - {r.article["story_id"] for r in rows})
        if extra:
            conn.execute(select(schema.stories.c.id).where(schema.stories.c.id.in_(extra)).with_for_update())
        before_quotes, before_mentions = rollups.read_facts(conn, story_ids)
        upsert_rows(conn, schema.articles, articles.result(), keep=("stored_at",))
        replaced = sorted(present)  # their rows go first
        if replaced:
            conn.execute(delete(schema.quotes).where(one_of(conn, schema.quotes.c.article_id, replaced)))
            conn.execute(
                delete(schema.article_entities).where(one_of(conn, schema.article_entities.c.article_id, replaced))
            )
        actors = {x["id"]: x for r in rows for x in r.actors if ("", x["id"]) not in self._known}
        insert_rows(conn, schema.actors, [actors[k] for k in sorted(actors)], ignore_existing=True)
        fresh.update(("", k) for k in actors)
        aliases = sorted({(x["actor_id"], x["alias"]) for r in rows for x in r.aliases} - self._known)
        insert_rows(conn, schema.actor_aliases, [{"actor_id": i, "alias": a} for i, a in aliases], ignore_existing=True)
        fresh.update(aliases)
        entities, quotes, (new_quotes, new_mentions) = rest.result()
        write_prepared(conn, entities)
        write_prepared(conn, quotes)
        self._recount_stories(conn, story_ids)
        gone = set(changed)
        after = rollups.counts(
            [f for f in before_quotes if f.article_id not in gone] + new_quotes,
            [f for f in before_mentions if f.article_id not in gone] + new_mentions,
        )
        rollups.apply(conn, after.minus(rollups.counts(before_quotes, before_mentions)))
        return changed

    def _lock_stories(self, conn: Connection, rows: list[ArticleRows]) -> None:
        stories = {r.story["id"]: r.story for r in rows if r.story is not None}
        lock_rows(conn, schema.stories, [stories[k] for k in sorted(stories)])

    def _recount_stories(self, conn: Connection, story_ids: list[str]) -> None:
        a = schema.articles
        members: dict[str, list] = {s: [] for s in story_ids}
        query = select(a.c.id, a.c.story_id, a.c.source, a.c.published_at, a.c.stored_at, a.c.duplicate_of).where(
            one_of(conn, a.c.story_id, story_ids)
        )
        for row in conn.execute(query):
            members[row.story_id].append(row)
        full, empty = [], []
        for story_id, copies in members.items():
            if not copies:  # every copy moved to another story: its first copy stays as it was
                empty.append({"id": story_id, "copies": 0})
                continue
            first = min(copies, key=first_copy_key)
            full.append(
                {
                    "id": story_id,
                    "copies": len(copies),
                    "first_article_id": first.id,
                    "first_outlet": first.source,
                    "first_published_at": first.published_at,
                }
            )
        update_rows(conn, schema.stories, full)
        update_rows(conn, schema.stories, empty)


__all__ = ["StoreWriter", "WriteResult", "first_copy_key"]
