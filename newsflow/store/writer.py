"""Writes enriched events into the store: upserts keyed by article id, one transaction per batch.

A re-delivered article (same content, trace aside) changes nothing: its stored row's
content hash matches and the article is skipped. A changed article replaces its rows
(entities and quotes deleted and written again). Stories (dedup clusters) are locked
first, in id order, then recounted from their articles, so concurrent sinks keep
`copies` and the first copy right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from sqlalchemy import Connection, Engine, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from newsflow.store import schema
from newsflow.store.bulk import insert_rows
from newsflow.store.rows import ArticleRows, article_rows
from shared.core.events import ArticleCleaned


@dataclass(frozen=True)
class WriteResult:
    """What one batch did: articles written (new or changed) and unchanged (re-delivered)."""

    written: int
    unchanged: int


def _insert(conn: Connection, table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _first_copy_key(row: Any) -> tuple:
    # the story's order (newsflow.store.queries._copy_order): publication time, else arrival (receipt) time;
    # at one time, the copy dedup saw first, then storing order
    return (row.published_at or row.stored_at, row.duplicate_of is not None, row.stored_at, row.id)


class StoreWriter:
    """Upserts batches of enriched events into the store behind `engine` (see the module docstring)."""

    KNOWN_MAX = 500_000  # actor and alias keys remembered as committed (they are never deleted)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._known: set[tuple[str, str]] = set()  # ("", actor id) and (actor id, alias) committed by this writer

    def write_batch(self, events: Sequence[ArticleCleaned | Mapping[str, Any]]) -> WriteResult:
        """Store `events` in one transaction; InvalidEvent if one cannot be stored, DB errors propagate."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        return self.write_rows([article_rows(e, now) for e in events])

    def write_rows(self, batch: Sequence[ArticleRows]) -> WriteResult:
        """Store prepared rows in one transaction (the last of two rows of one id wins)."""
        by_id = {r.id: r for r in batch}
        if not by_id:
            return WriteResult(0, 0)
        fresh: set[tuple[str, str]] = set()
        with self.engine.begin() as conn:
            written = self._write(conn, by_id, fresh)
        if len(self._known) + len(fresh) > self.KNOWN_MAX:
            self._known.clear()
        self._known |= fresh  # only once committed: a rolled-back batch must write them again
        return WriteResult(len(written), len(by_id) - len(written))

    def _write(self, conn: Connection, by_id: dict[str, ArticleRows], fresh: set[tuple[str, str]]) -> list[str]:
        a = schema.articles
        stored = {
            row.id: (row.content_hash, row.story_id)
            for row in conn.execute(select(a.c.id, a.c.content_hash, a.c.story_id).where(a.c.id.in_(list(by_id))))
        }
        changed = sorted(i for i, r in by_id.items() if stored.get(i, (None,))[0] != r.article["content_hash"])
        if not changed:
            return []
        rows = [by_id[i] for i in changed]
        story_ids = sorted({r.article["story_id"] for r in rows} | {stored[i][1] for i in changed if i in stored})
        story_ids = [s for s in story_ids if s is not None]
        self._lock_stories(conn, rows)
        if conn.dialect.name == "postgresql":  # new articles by COPY; a concurrent insert of one is an IntegrityError
            insert_rows(conn, schema.articles, [r.article for r in rows if r.id not in stored])
            self._upsert_articles(conn, [r for r in rows if r.id in stored])
        else:
            self._upsert_articles(conn, rows)
        conn.execute(delete(schema.quotes).where(schema.quotes.c.article_id.in_(changed)))
        conn.execute(delete(schema.article_entities).where(schema.article_entities.c.article_id.in_(changed)))
        actors = {x["id"]: x for r in rows for x in r.actors if ("", x["id"]) not in self._known}
        insert_rows(conn, schema.actors, [actors[k] for k in sorted(actors)], ignore_existing=True)
        fresh.update(("", k) for k in actors)
        aliases = sorted({(x["actor_id"], x["alias"]) for r in rows for x in r.aliases} - self._known)
        insert_rows(conn, schema.actor_aliases, [{"actor_id": i, "alias": a} for i, a in aliases], ignore_existing=True)
        fresh.update(aliases)
        insert_rows(conn, schema.article_entities, [x for r in rows for x in r.entities])
        insert_rows(conn, schema.quotes, [x for r in rows for x in r.quotes])
        self._recount_stories(conn, story_ids)
        return changed

    def _lock_stories(self, conn: Connection, rows: list[ArticleRows]) -> None:
        stories = {r.story["id"]: r.story for r in rows if r.story is not None}
        stmt = _insert(conn, schema.stories)
        # a no-op update: on PostgreSQL it locks an existing story row until this transaction ends
        stmt = stmt.on_conflict_do_update(index_elements=["id"], set_={"copies": schema.stories.c.copies})
        conn.execute(stmt, [stories[k] for k in sorted(stories)])

    def _upsert_articles(self, conn: Connection, rows: list[ArticleRows]) -> None:
        if not rows:
            return
        stmt = _insert(conn, schema.articles)
        keep = ("id", "stored_at")
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c.name: stmt.excluded[c.name] for c in schema.articles.columns if c.name not in keep},
        )
        conn.execute(stmt, [r.article for r in rows])

    def _recount_stories(self, conn: Connection, story_ids: list[str]) -> None:
        a = schema.articles
        members: dict[str, list] = {s: [] for s in story_ids}
        query = select(a.c.id, a.c.story_id, a.c.source, a.c.published_at, a.c.stored_at, a.c.duplicate_of).where(
            a.c.story_id.in_(story_ids)
        )
        for row in conn.execute(query):
            members[row.story_id].append(row)
        updates = []
        for story_id, copies in members.items():
            if not copies:
                updates.append({"sid": story_id, "copies": 0})
                continue
            first = min(copies, key=_first_copy_key)
            updates.append(
                {
                    "sid": story_id,
                    "copies": len(copies),
                    "first_article_id": first.id,
                    "first_outlet": first.source,
                    "first_published_at": first.published_at,
                }
            )
        full = [u for u in updates if "first_article_id" in u]
        s = schema.stories
        if full:
            conn.execute(
                update(s)
                .where(s.c.id == bindparam("sid"))
                .values(
                    copies=bindparam("copies"),
                    first_article_id=bindparam("first_article_id"),
                    first_outlet=bindparam("first_outlet"),
                    first_published_at=bindparam("first_published_at"),
                ),
                full,
            )
        empty = [u for u in updates if "first_article_id" not in u]
        if empty:
            conn.execute(update(s).where(s.c.id == bindparam("sid")).values(copies=bindparam("copies")), empty)


__all__ = ["StoreWriter", "WriteResult"]
