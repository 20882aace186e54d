"""The store's read-only query layer: one SQLAlchemy Core implementation for PostgreSQL and SQLite.

Every value a user gives reaches the database as a bound parameter; no SQL is formatted.
Answers are plain JSON-ready dicts (times as ISO-8601 strings, naive UTC).

Meanings:
- an article's *time* is its published time, else when the store received it; since/until filter on it;
- one *quote* is one (story, quote words) pair: the same quote in 40 copies of a story counts once and
  lists the copies it ran in (`ran_in`), its first copy first; lists of quotes come most recently run first;
- quotes *by speaker* are those attributed to the actor (by id, or by a name or alias, case-insensitive)
  or, for a speaker that is no entity, to that exact speaker text;
- quotes *by entity* are the quotes of articles that mention the entity (its own quotes included);
- *speakers* are actors (named entities) that are quoted; a speaker text that is no entity is not ranked;
- a *story* is a dedup cluster; its copies come in the order they were published (their time), and the
  copy dedup saw first (the verdict is by arrival) is named apart (docs/dedup.md, "Stories");
- *counts* of quotes (top speakers, a speaker's days and outlets) count a quote once, on the day of its
  first copy (per outlet: of the outlet's first copy), and come from the rollups the writer keeps
  (newsflow/store/rollups.py, newsflow/store/speaker_counts.py): with since/until, a quote counts when
  its first copy falls in the window.

How each answer is read (docs/scaling.md, "Store queries"): lists walk one index newest first and stop
after `limit` quotes (`_newest_groups`): a speaker's quotes `ix_quotes_actor_time`, a speaker text's
`ix_quotes_speaker_text_time`, an entity's articles `ix_article_entities_actor_time`, words the full-text
index (PostgreSQL's planner may walk `ix_quotes_time` instead); counts read the rollups. No answer scans
every quote. List order is the article's time, newest first, then the quote row's id (descending): a
total order, so a later page continues from the last row it showed (`article_time`, `quote_id`).

Pages (newsflow/store/paging.py): every list takes a `cursor` (the `next_cursor` of the page before) and
enters its index range below the cursor's key (keyset paging, no OFFSET); a quote met there that has a
row above the key too was on a page before and is left out. Every answer says how many match (`count`):
the page's own number when the list fits on it, the rollups' for one actor over all time, the ranking's
aggregate for the speakers of a window, else the quotes in 1,000 rows of the list (`count_capped`: at
least that many; up to 1,000). Later pages carry the first page's count in their cursor.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    case,
    cast,
    column,
    desc,
    event,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from newsflow.store.engine import make_engine, sqlite_path, store_url
from newsflow.store.paging import COUNT_CAP, COUNT_ROWS, Cursor, make_cursor, read_cursor
from newsflow.store.params import (
    DEFAULT_LIMIT,
    QueryError,
    Window,
    fts5_query,
    parse_bucket,
    search_terms,
    websearch_text,
)
from newsflow.store.rollups import MENTION_LABELS
from newsflow.store.schema import (
    FTS_CONFIG,
    SQLITE_FTS_TABLE,
    actor_aliases,
    actors,
    article_entities,
    articles,
    quotes,
    speaker_mentions,
    stories,
)
from newsflow.store.speaker_counts import outlet_counts, quotes_per_day, ranked_page, speaker_total

A, Q, AE = articles, quotes, article_entities
#: An article's time: published, else stored (seeds/ and many feeds carry no date).
TIME = func.coalesce(A.c.published_at, A.c.stored_at)
#: SQLite's FTS5 index of quotes.text (rowid = quotes.rowid), kept by the schema's triggers.
FTS = table(SQLITE_FTS_TABLE, column("rowid"), column("text"))
EVERYTHING = Window()  # no time or outlet filter
MAX_ACTORS = 50  # actors one name may resolve to
RARE_MATCHES = 2000  # a full-text search reads the rest of a word expected to have under half this (PostgreSQL) at once
RATE_DAYS = 14  # ... once it has read this many days (its rate over fewer is too rough to tell)
ROWS_PER_QUOTE = 3  # matching rows a search expects per quote it still needs (copies share a quote)
READ_AHEAD = 4  # rows a list reads at first per quote it wants (copies and other speakers' rows share groups)
MAX_RAN_IN = 200  # copies listed per quote (the count is always whole)
MAX_SPEAKER_ENTITIES = 20
MAX_SPEAKER_ARTICLES = 500  # a speaker page's entities come from the speaker's latest articles
DEFAULT_COPIES = 100  # a story's copies on one page
Group = tuple[str, str]  # (story_id, quote_key): one quote across a story's copies
Key = tuple[datetime, str]  # (article time, quote row id): a row's place in a list, newest first


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _window_conditions(win: Window, rows=Q) -> list[ColumnElement[bool]]:
    """`win` on rows that carry their article's time and outlet (quotes, article_entities)."""
    conds: list[ColumnElement[bool]] = []
    if win.since is not None:
        conds.append(rows.c.article_time >= win.since)
    if win.until is not None:
        conds.append(rows.c.article_time < win.until)
    if win.outlet is not None:
        conds.append(rows.c.outlet == win.outlet)
    return conds


def _copy_order() -> list[ColumnElement[Any]]:
    """The order a story's copies were published in, as the writer picks its first copy: publication time,
    arrival (receipt) time for a copy that gives none; at one time, the copy dedup saw first."""
    return [TIME, case((A.c.duplicate_of.is_(None), 0), else_=1), A.c.stored_at, A.c.id]


def _copy_key(row: Any) -> tuple[datetime, int, datetime, str]:
    """`_copy_order` of a row with the article's published_at, stored_at, duplicate_of and article_id."""
    return (row.published_at or row.stored_at, 0 if row.duplicate_of is None else 1, row.stored_at, row.article_id)


COPY_COLUMNS = (
    A.c.id.label("article_id"),
    A.c.title,
    A.c.source,
    A.c.url,
    A.c.published_at,
    A.c.stored_at,
    A.c.dedup_status,
    A.c.duplicate_of,
)


class StoreReader:
    """Read-only questions to the store behind `engine` (see the module docstring for what they mean)."""

    def __init__(self, engine: Engine, *, aggregate_cache_s: float = 0.0) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # top speakers is an aggregate over the whole store (docs/scaling.md): the API keeps answers this long
        self.aggregate_cache_s = aggregate_cache_s
        self._cache: dict[tuple, tuple[float, dict[str, Any]]] = {}
        self._cache_lock = threading.Lock()

    # --- actors ----------------------------------------------------------------------------------

    def find_actors(self, name: str, label: str | None = None) -> list[dict[str, Any]]:
        """Actors whose canonical name or an alias is `name` (case-insensitive), most quoted first."""
        key = name.strip().lower()
        # two index lookups (lower() of names, of aliases), not one OR, which PostgreSQL answers by a scan
        by_name = select(actors.c.id).where(func.lower(actors.c.name) == key)
        by_alias = select(actor_aliases.c.actor_id).where(func.lower(actor_aliases.c.alias) == key)
        stmt = select(actors.c.id, actors.c.name, actors.c.label).where(actors.c.id.in_(union(by_name, by_alias)))
        if label:
            stmt = stmt.where(actors.c.label == label)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(actors.c.id).limit(MAX_ACTORS)).all()
        exact = [r for r in rows if r.name.lower() == key]
        ordered = exact + [r for r in rows if r.name.lower() != key]
        return [{"id": r.id, "name": r.name, "label": r.label} for r in ordered]

    def actor(self, actor_id: str) -> dict[str, Any] | None:
        """One actor with its aliases, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(actors).where(actors.c.id == actor_id)).first()
            if row is None:
                return None
            aliases = conn.scalars(
                select(actor_aliases.c.alias)
                .where(actor_aliases.c.actor_id == actor_id)
                .order_by(actor_aliases.c.alias)
            ).all()
        return {"id": row.id, "name": row.name, "label": row.label, "aliases": list(aliases)}

    # --- quotes ----------------------------------------------------------------------------------

    def _actors_asked(self, what: str, name: str | None, actor_id: str | None) -> list[dict[str, Any]]:
        """The actor of `actor_id`, else every actor of that name or alias; QueryError when neither is given."""
        if actor_id is not None:
            return [a for a in [self.actor(actor_id)] if a is not None]
        if not name:
            raise QueryError(f"{what}: give a name or an actor id")
        return self.find_actors(name)

    def quotes_by_speaker(
        self,
        name: str | None = None,
        *,
        actor_id: str | None = None,
        win: Window = EVERYTHING,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """Quotes attributed to an actor (by id) or to a name; newest first, each once with its copies.

        A name matches actors (canonical name or alias, any case) and the exact speaker text; each is one
        index range walked newest first (`ix_quotes_actor_time`, `ix_quotes_speaker_text_time`). The count of
        one actor's quotes over all time (in an outlet, or in all) is the rollups'."""
        found = self._actors_asked("speaker", name, actor_id)
        window = _window_conditions(win)
        total: Count | None = None
        if actor_id is not None:
            branches = [_rows(Q.c.speaker_actor_id == actor_id, *window)]
            if win.since is None and win.until is None:
                total = lambda conn: speaker_total(conn, actor_id, win.outlet)  # noqa: E731
        else:
            assert name is not None  # _actors_asked refused neither
            texts = sorted({name.strip(), *(a["name"] for a in found)})
            branches = [_rows(Q.c.speaker_actor_id == a["id"], *window) for a in found]
            branches += [_rows(Q.c.speaker == t, *window) for t in texts]
        asked = {"speaker": name, "speaker_id": actor_id}
        answer = self._quotes(branches, limit, _list_query(asked, win), cursor, total)
        return {"query": {**asked, **_window_query(win)}, "actors": found, **answer}

    def quotes_by_entity(
        self,
        name: str | None = None,
        *,
        actor_id: str | None = None,
        win: Window = EVERYTHING,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """Quotes in articles that mention an entity (by id, or every actor of that name or alias); the
        entity's articles are walked newest first (`ix_article_entities_actor_time`)."""
        found = self._actors_asked("entity", name, actor_id)
        window = _window_conditions(win, AE)
        branches = [
            _Branch(
                AE.c.article_time,
                select(AE.c.article_time.label("row_time"), Q.c.id, Q.c.story_id, Q.c.quote_key)
                .select_from(AE.join(Q, Q.c.article_id == AE.c.article_id))
                .where(AE.c.actor_id == a["id"], *window),
            )
            for a in found
        ]
        asked = {"entity": name, "entity_id": actor_id}
        answer = self._quotes(branches, limit, _list_query(asked, win), cursor)
        return {"query": {**asked, **_window_query(win)}, "actors": found, "role": "mentioned", **answer}

    def quotes_by_text(
        self, words: str, *, win: Window = EVERYTHING, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> dict[str, Any]:
        """Quotes whose words match (PostgreSQL websearch_to_tsquery, SQLite FTS5; English stemming).

        PostgreSQL reads the matches of a day, a week, a month or a year at a time, newest first
        (`_newest_groups_by_time`);
        SQLite takes FTS5's matches and sorts them."""
        terms = search_terms(words)
        asked = {"text": words}
        if self.dialect == "postgresql":
            query = func.websearch_to_tsquery(literal(FTS_CONFIG, REGCONFIG), websearch_text(terms))
            page = read_cursor(cursor, "quotes", _list_query(asked, win))
            reached = {"level": page.hint if page is not None and page.hint else "d"}
            with self.engine.connect() as conn:
                walk: Walk = lambda n, after: _newest_groups_by_time(conn, query, win, n, after, reached)  # noqa: E731
                matches = select(Q.c.story_id, Q.c.quote_key).where(
                    literal_column("quotes.text_tsv", TSVECTOR).bool_op("@@")(query), *_window_conditions(win)
                )
                listed = _listing(walk, limit, page, conn, lambda c: _count_groups(c, [matches], newest_first=False))
                answer = self._answer(conn, listed, limit, _list_query(asked, win), reached["level"])
        else:
            hits = select(FTS.c.rowid).where(FTS.c.text.bool_op("MATCH")(fts5_query(terms)))
            window = _window_conditions(win)
            branch = _rows(literal_column("quotes.rowid").in_(hits), *window)
            branch = _Branch(branch.time, branch.stmt, _rows(*window).stmt)
            answer = self._quotes([branch], limit, _list_query(asked, win), cursor)
        return {"query": {**asked, **_window_query(win)}, **answer}

    def _quotes(
        self,
        branches: list[_Branch],
        limit: int,
        asked: Mapping[str, Any],
        cursor: str | None,
        total: Count | None = None,
    ) -> dict[str, Any]:
        """The page of the quotes list `asked` (the (story, quote) groups of the rows of `branches` that ran most
        recently, each with every copy) that starts at `cursor`, with the list's count (the page's own when it
        holds the list, else `total`'s, else `_count_groups`') and the next page's cursor."""
        page = read_cursor(cursor, "quotes", asked)
        with self.engine.connect() as conn:
            walk: Walk = lambda n, after: _newest_groups(conn, branches, n, after)  # noqa: E731
            count: Count = total if total is not None else (lambda c: _count_groups(c, [b.stmt for b in branches]))
            listed = _listing(walk, limit, page, conn, count)
            return self._answer(conn, listed, limit, asked)

    def _answer(
        self, conn, listed: _Listed, limit: int, asked: Mapping[str, Any], hint: str | None = None
    ) -> dict[str, Any]:
        """A page of quotes as answered: each group with its copies, the count, the cursor of the next page."""
        copies = self._copies(conn, listed.groups)
        next_cursor = None
        if listed.more and listed.groups:
            last = listed.keys[listed.groups[-1]]
            next_cursor = make_cursor("quotes", asked, last, listed.count, listed.capped, hint)
        return {
            "quotes": [_quote_group(copies[g]) for g in listed.groups if copies.get(g)],
            "limit": limit,
            "more": listed.more,
            "count": listed.count,
            "count_capped": listed.capped,
            "next_cursor": next_cursor,
        }

    def _copies(self, conn, groups: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list]:
        """Every copy of each (story, quote) group, in the order they appeared."""
        out: dict[tuple[str, str], list] = defaultdict(list)
        if not groups:
            return out
        stmt = (
            select(
                Q.c.id.label("quote_id"),
                Q.c.idx,
                Q.c.story_id,
                Q.c.quote_key,
                Q.c.article_id,
                Q.c.text,
                Q.c.speaker,
                Q.c.speaker_actor_id,
                Q.c.speaker_label,
                Q.c.cue,
                Q.c.kind,
                Q.c.rule,
                Q.c.confidence,
                A.c.title,
                A.c.source,
                A.c.published_at,
                A.c.stored_at,
                A.c.duplicate_of,
            )
            .select_from(Q.join(A, A.c.id == Q.c.article_id))
            # two IN lists, not a row-value IN: SQLite scans the whole table for (a, b) IN (VALUES ...)
            .where(Q.c.story_id.in_(sorted({s for s, _ in groups})), Q.c.quote_key.in_(sorted({k for _, k in groups})))
            .order_by(*_copy_order(), Q.c.idx)
        )
        wanted = set(groups)
        for row in conn.execute(stmt):
            if (row.story_id, row.quote_key) in wanted:
                out[(row.story_id, row.quote_key)].append(row)
        return out

    # --- speakers --------------------------------------------------------------------------------

    def top_speakers(self, top: int = 20, win: Window = EVERYTHING, cursor: str | None = None) -> dict[str, Any]:
        """The `top` most quoted actors (each quote once per story), with their counts by outlet; from
        `cursor`, the next `top` after the page that made it. `count`: how many speakers are quoted in `win`
        (over all time counted up to COUNT_CAP: `count_capped`).

        With `aggregate_cache_s`, an answer is kept that many seconds (its `cached_at` says when it was made).
        """
        if self.aggregate_cache_s <= 0:
            return self._top_speakers(top, win, cursor)
        key = (top, win, cursor)
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.aggregate_cache_s:
            return hit[1]
        answer = {
            **self._top_speakers(top, win, cursor),
            "cached_at": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(),
        }
        with self._cache_lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = (now, answer)
        return answer

    def _top_speakers(self, top: int, win: Window, cursor: str | None) -> dict[str, Any]:
        asked = _window_query(win)
        page = read_cursor(cursor, "speakers", asked)
        with self.engine.connect() as conn:
            ranking, counted = ranked_page(conn, win, top + 1, page.after if page else None, count=page is None)
            more, ranking = len(ranking) > top, ranking[:top]
            ids = [i for i, _ in ranking]
            names = {r.id: r for r in conn.execute(select(actors).where(actors.c.id.in_(ids)))} if ids else {}
            by_outlet = outlet_counts(conn, ids, win)
        count, capped = (page.count, page.capped) if page is not None else counted
        speakers = [
            {
                "id": i,
                "name": names[i].name if i in names else None,
                "label": names[i].label if i in names else None,
                "quotes": n,
                "outlets": by_outlet.get(i, []),
            }
            for i, n in ranking
        ]
        next_cursor = make_cursor("speakers", asked, ranking[-1][::-1], count, capped) if more and ranking else None
        return {
            "query": {"top": top, **asked},
            "speakers": speakers,
            "more": more,
            "count": count,
            "count_capped": capped,
            "next_cursor": next_cursor,
        }

    def speaker(
        self,
        actor_id: str,
        *,
        bucket: str = "day",
        win: Window = EVERYTHING,
        limit: int = 20,
        cursor: str | None = None,
    ) -> dict[str, Any] | None:
        """A speaker's page: the actor, quotes over time (per day or week, each quote on the day of its
        first copy), outlets, the people, organisations and places mentioned with them (counted by
        stories), and the latest quotes (from `cursor`: the next page of them; `next_cursor`, `count`);
        None if unknown.

        Counts come from the rollups; "mentioned with" from `speaker_mentions` over all time, and in a
        window (or an outlet) from the speaker's latest MAX_SPEAKER_ARTICLES articles in it."""
        bucket = parse_bucket(bucket)
        who = self.actor(actor_id)
        if who is None:
            return None
        latest = self.quotes_by_speaker(actor_id=actor_id, win=win, limit=limit, cursor=cursor)
        with self.engine.connect() as conn:
            per_day = quotes_per_day(conn, actor_id, win)
            outlets = outlet_counts(conn, [actor_id], win).get(actor_id, [])
            entities = _mentioned_with(conn, actor_id, win)
        return {
            "speaker": who,
            "query": {"bucket": bucket, **_window_query(win)},
            "quotes_total": sum(per_day.values()),
            "over_time": _buckets(per_day, bucket),
            "outlets": outlets,
            "entities": entities,
            **{k: latest[k] for k in ("quotes", "more", "count", "count_capped", "next_cursor")},
        }

    # --- stories ---------------------------------------------------------------------------------

    def story(
        self, article_id: str, *, limit: int = DEFAULT_COPIES, cursor: str | None = None
    ) -> dict[str, Any] | None:
        """The story of an article: its copies in the order they were published (`first_published` the
        first; each with how long after it it followed), `limit` at a time (`cursor`, `next_cursor`; `count`
        from the story's row), the copy dedup saw first (`arrived_first`: the verdict is by arrival), and its
        quotes (each once, with the copies it ran in); None if the article is not in the store."""
        page = read_cursor(cursor, "copies", {"article_id": article_id})
        with self.engine.connect() as conn:
            story_id = conn.scalar(select(A.c.story_id).where(A.c.id == article_id))
            if story_id is None:
                return None
            of_story = select(*COPY_COLUMNS).where(A.c.story_id == story_id)
            first = conn.execute(of_story.order_by(*_copy_order()).limit(1)).one()
            arrived: Any = first
            if first.duplicate_of is not None:
                arrived = conn.execute(
                    of_story.where(A.c.duplicate_of.is_(None)).order_by(*_copy_order()).limit(1)
                ).first()
            listed = of_story.order_by(*_copy_order()).limit(limit + 1)
            if page is not None:
                listed = listed.where(tuple_(*_copy_order()) > tuple_(*page.after))
            copies = conn.execute(listed).all()
            count = (
                page.count
                if page is not None
                else conn.scalar(select(stories.c.copies).where(stories.c.id == story_id))
            )
            keys = conn.scalars(select(Q.c.quote_key).where(Q.c.story_id == story_id).distinct()).all()
            groups = [(story_id, k) for k in keys]
            by_group = self._copies(conn, groups)
        more, copies = len(copies) > limit, copies[:limit]
        firsts = sorted((by_group[g][0] for g in groups if by_group.get(g)), key=lambda r: (_copy_key(r), r.idx))
        quote_list = [_quote_group(by_group[(r.story_id, r.quote_key)]) for r in firsts]
        start = first.published_at or first.stored_at
        next_cursor = None
        if more and copies:
            next_cursor = make_cursor("copies", {"article_id": article_id}, _copy_key(copies[-1]), count or 0)
        return {
            "story_id": story_id,
            "article_id": article_id,
            "first_published": _story_copy(first, start),
            "arrived_first": _story_copy(arrived, start) if arrived is not None else None,
            "copies": [_story_copy(c, start) for c in copies],
            "copies_limit": limit,
            "more": more,
            "count": count or 0,
            "count_capped": False,
            "next_cursor": next_cursor,
            "quotes": quote_list,
        }


@dataclass(frozen=True)
class _Branch:
    """Quote rows of one index range, walked newest first by `time`: (row_time, id, story_id, quote_key)."""

    time: ColumnElement[Any]
    stmt: Select
    #: the rows whose group a page showed, if not the branch's own: for words, every row of the group in the
    #: window (a quote's copies have the same words, its key, so that they match alike; no full-text read)
    shown_by: Select | None = None

    def below(self, at: Key) -> Select:
        """The rows after `at` in the list's order (older, or as old with a lower id)."""
        return self.stmt.where(self.time <= at[0], or_(self.time < at[0], Q.c.id < at[1]))

    def from_top_to(self, at: Key) -> Select:
        """The rows down to `at` (included): what the pages before the one after `at` were made of."""
        rows = self.stmt if self.shown_by is None else self.shown_by
        return rows.where(or_(self.time > at[0], and_(self.time == at[0], Q.c.id >= at[1])))


def _rows(*conds: ColumnElement[bool]) -> _Branch:
    """Quote rows matching `conds` as a list branch: (row_time, id, story_id, quote_key)."""
    return _Branch(
        Q.c.article_time, select(Q.c.article_time.label("row_time"), Q.c.id, Q.c.story_id, Q.c.quote_key).where(*conds)
    )


@dataclass(frozen=True)
class _Listed:
    """A page of a quotes list: its groups in order, the newest row's key of each, more after it, the count."""

    groups: list[Group]
    keys: dict[Group, Key]
    more: bool
    count: int
    capped: bool


Walk = Callable[[int, "Key | None"], "tuple[list[Group], bool, dict[Group, Key]]"]
Count = Callable[[Any], "int | tuple[int, bool]"]


def _listing(walk: Walk, limit: int, page: Cursor | None, conn, count: Count) -> _Listed:
    """A page of `limit` groups by `walk(n, after)`: after `page`'s key, with its count; else the first page,
    counted by the page itself when it holds the whole list, else by `count(conn)` (the rollups' number, or
    `_count_groups`: a number and whether there may be more)."""
    if page is not None:
        groups, more, keys = walk(limit, page.after)
        return _Listed(groups, keys, more, page.count, page.capped)
    groups, more, keys = walk(limit, None)
    if not more:
        return _Listed(groups, keys, more, len(groups), False)
    counted = count(conn)
    n, capped = counted if isinstance(counted, tuple) else (counted, False)
    return _Listed(groups, keys, more, max(n, len(groups) + 1), capped)


def _count_groups(conn, stmts: Sequence[Select], *, newest_first: bool = True) -> tuple[int, bool]:
    """How many (story, quote) groups the first rows of `stmts` hold (COUNT_ROWS of them, shared out), at most
    COUNT_CAP, and whether there may be more (a select had more rows, or the groups are more than the cap).
    One statement; no row reaches Python. `newest_first` reads each select in its list's order, on its index
    (unordered, PostgreSQL may read an entity's rows by a scan of all quotes); full text reads its matches as
    the GIN index gives them (in time order it would sort every match)."""
    per = max(1, COUNT_ROWS // max(1, len(stmts)))
    parts = []
    for i, stmt in enumerate(stmts):
        if newest_first:
            stmt = stmt.order_by(desc("row_time"), desc(Q.c.id))
        sub = stmt.limit(per).subquery()
        parts.append(select(literal(i).label("branch"), sub.c.story_id, sub.c.quote_key))
    read = (parts[0] if len(parts) == 1 else union_all(*parts)).cte("counted")
    groups = select(func.count()).select_from(select(read.c.story_id, read.c.quote_key).distinct().subquery())
    per_branch = select(func.count().label("n")).select_from(read).group_by(read.c.branch).subquery()
    found, longest = conn.execute(
        select(groups.scalar_subquery(), select(func.max(per_branch.c.n)).scalar_subquery())
    ).one()
    found, longest = found or 0, longest or 0
    return min(found, COUNT_CAP), longest >= per or found > COUNT_CAP


def _newest_groups(
    conn, branches: Sequence[_Branch], limit: int, after: Key | None = None
) -> tuple[list[Group], bool, dict[Group, Key]]:
    """The distinct (story, quote_key) of the branches' rows, by their newest row, newest first; whether more
    than `limit` match; and each group's newest row (its key). With `after`, the groups whose newest row
    comes after that key (a later page).

    Each branch is read newest first (`row_time`, then id, descending: one index range each, entered below
    `after`) `n` rows at a time; the merged rows are in order down to the last row of a branch that was cut
    off, so once more than `limit` groups are seen above that row the answer is whole; else `n` grows (by the groups still missing). On a
    later page a group seen below `after` may have newer rows too, and was then shown before: `_shown_before`
    asks the branches for its rows down to `after`."""
    n = max(1, int((limit + 1) * READ_AHEAD))
    shown: dict[Group, bool] = {}
    while True:
        rows: list = []
        bound = None  # the newest "last row" of a branch that was cut off: rows below it may be missing
        stmts = [branch.below(after) if after is not None else branch.stmt for branch in branches]
        for got in _read_newest(conn, stmts, n):
            rows += got
            if len(got) == n:
                last = (got[-1].row_time, got[-1].id)
                bound = last if bound is None or last > bound else bound
        rows.sort(key=lambda r: (r.row_time, r.id), reverse=True)
        keys: dict[Group, Key] = {}
        for row in rows:
            if bound is not None and (row.row_time, row.id) < bound:
                break
            group = (row.story_id, row.quote_key)
            if group not in keys:
                keys[group] = (row.row_time, row.id)
                if after is None and len(keys) > limit:
                    break
        if after is not None:
            unchecked = [g for g in keys if g not in shown]
            maybe = _with_rows_from(conn, unchecked, after)  # most quotes have no copy above the page: no join
            before = _shown_before(conn, [b.from_top_to(after) for b in branches], maybe)
            shown.update((g, g in before) for g in unchecked)
            keys = {g: k for g, k in keys.items() if not shown[g]}
        if len(keys) > limit or bound is None:
            groups = list(keys)
            return groups[:limit], len(groups) > limit, keys
        # more rows by the groups per row seen (an entity's stories of many copies share quotes): up to 4 times
        n = int(n * min(4.0, max(1.5, 1.2 * (limit + 1) / max(1, len(keys)))))


def _read_newest(conn, stmts: Sequence[Select], n: int) -> list[list]:
    """The first `n` rows of each branch select, newest first: one statement (a UNION ALL of one index range
    each), not a round trip per branch."""
    order: tuple[ColumnElement[Any], ...] = (desc("row_time"), desc(Q.c.id))
    if len(stmts) == 1:
        return [conn.execute(stmts[0].order_by(*order).limit(n)).all()]
    parts = []
    for i, stmt in enumerate(stmts):
        sub = stmt.order_by(*order).limit(n).subquery()
        parts.append(select(literal(i).label("branch"), sub.c.row_time, sub.c.id, sub.c.story_id, sub.c.quote_key))
    out: list[list] = [[] for _ in stmts]
    for row in conn.execute(union_all(*parts)) if parts else ():
        out[row.branch].append(row)
    return out


def _with_rows_from(conn, groups: Sequence[Group], at: Key) -> list[Group]:
    """Those of `groups` with a row (a copy, whatever a list asks of it) at or above `at`: the only ones a page
    before can have shown. One read of `ix_quotes_story_key`, no join."""
    if not groups:
        return []
    t = Q.c.article_time
    stmt = select(Q.c.story_id, Q.c.quote_key).where(
        Q.c.story_id.in_(sorted({s for s, _ in groups})),
        Q.c.quote_key.in_(sorted({k for _, k in groups})),
        or_(t > at[0], and_(t == at[0], Q.c.id >= at[1])),
    )
    found = {(r.story_id, r.quote_key) for r in conn.execute(stmt)}
    return [g for g in groups if g in found]


def _shown_before(conn, stmts: Sequence[Select], groups: Sequence[Group]) -> set[Group]:
    """Which of `groups` have a row in `stmts` (rows of the pages before, with story_id and quote_key), in one
    statement. Read by `ix_quotes_story_key`: a handful of rows per group."""
    if not groups or not stmts:
        return set()
    wanted = set(groups)
    stories, keys = sorted({s for s, _ in groups}), sorted({k for _, k in groups})
    found: set[Group] = set()
    rows = [stmt.where(Q.c.story_id.in_(stories), Q.c.quote_key.in_(keys)) for stmt in stmts]
    for row in conn.execute(rows[0] if len(rows) == 1 else union_all(*rows)):
        group = (row.story_id, row.quote_key)
        if group in wanted:
            found.add(group)
    return found


LEVELS = "dwmy"  # the periods a full-text search reads at once: a day, a week (7 days), a month, a year


def period(level: str, moment: datetime) -> tuple[str, datetime]:
    """The tsquery text of the time lexemes of the day ("d"), the 7 days ("w"), the month ("m") or the year
    ("y") that end with the day of `moment`, and the period's start (newsflow/store/schema.py TIME_LEXEMES)."""
    y, m, d = moment.year, moment.month, moment.day
    if level == "d":
        return f"'t|d{y * 10000 + m * 100 + d}'", datetime(y, m, d)
    if level == "w":
        day = date(y, m, d)
        days = [day - timedelta(days=i) for i in range(7) if day.toordinal() - i >= 1]
        lexemes = " | ".join(f"'t|d{x.year * 10000 + x.month * 100 + x.day}'" for x in days)
        return lexemes, datetime(days[-1].year, days[-1].month, days[-1].day)
    if level == "m":
        return f"'t|m{y * 100 + m}'", datetime(y, m, 1)
    return f"'t|y{y}'", datetime(y, 1, 1)


def _next_level(days_needed: float, read_a_month: bool) -> str:
    """The period of the next read: the shortest expected to hold what is missing (`days_needed` at the
    matches per day so far); a year only once a month or longer was read (a rate guessed from a day or a week
    is rough, and a year's read costs a month's twice or more)."""
    if days_needed <= 2:
        return "d"
    if days_needed <= 10:
        return "w"
    return "m" if days_needed <= 45 or not read_a_month else "y"


def _newest_groups_by_time(
    conn,
    words: ColumnElement[Any],
    win: Window,
    limit: int,
    after: Key | None = None,
    reached: dict[str, str] | None = None,
) -> tuple[list[Group], bool, dict[Group, Key]]:
    """`_newest_groups` of the quotes whose tsvector matches the tsquery `words` (PostgreSQL).

    No index gives a word's matches newest first: the GIN index gives all of them (every row of a common
    word), the time index every quote until enough match (every quote, for a rare word), and PostgreSQL's
    guess of which a word is, is often far off. So the search asks the GIN index for the words AND the
    time lexemes of one period at a time (one tsquery: the index intersects the two), newest first, each
    read taking the rows older than the last: a day first, then the period that should hold the quotes
    still missing at the matches per day so far (`_next_level`: a day, a week, a month, or once a month was
    read, a year). Each read costs about the matches of its period, and the longer the period, the more of
    the time lexemes' entries the index walks (at a million articles, warm: a day under a millisecond, a
    week 3 ms, a month about 10 ms, a year 25 ms). Once RATE_DAYS were read, a word whose rate says the rest
    of the window holds fewer than RARE_MATCHES / 2 matches is read whole instead, every match older than the
    last read at once (a rare word's entries are few: cheap to walk, where a year's are not; a day or a week
    says little of a rate, copies of a story coming in bursts). Exact: a read holds every match between its
    period's start and the last read's. `reached["level"]` is the period to start with (a later page starts
    where the page before had got to: no days again for a word that needed months), and the one the walk
    ends at. A later page (`after`) starts at that key; a group it meets that has a row above the key too was
    shown before (`_shown_before`)."""
    if not conn.scalar(select(func.numnode(words))):  # only stop words ("because they"): nothing matches
        return [], False, {}
    t = Q.c.article_time
    lo, hi = conn.execute(
        select(func.min(t), func.max(t)).where(*_window_conditions(Window(win.since, win.until)))
    ).one()
    if lo is None or (after is not None and after[0] < lo):
        return [], False, {}
    tsv = literal_column("quotes.text_tsv", TSVECTOR)
    window = _window_conditions(win)
    earlier: list[Select] = []
    if after is not None:
        hi = min(hi, after[0])
        below, earlier = _words_after(win, after)
        window.append(below)
    taken = _Taken(conn, limit, earlier)
    take, seen = taken.take, taken.seen
    before = hi + timedelta(microseconds=1)  # rows older than this are still to read
    reached = reached if reached is not None else {}
    level = reached.get("level", "d")
    matched, read_a_month = 0, level in "my"
    while True:
        lexemes, start = period(level, before - timedelta(microseconds=1))
        when = cast(literal(lexemes), TSQUERY)
        rows = conn.execute(_rows(tsv.bool_op("@@")(words.op("&&")(when)), t < before, *window).stmt).all()
        if take(rows) or start <= lo:
            break
        before, matched, read_a_month = start, matched + len(rows), read_a_month or level in "my"
        days_read = (hi - before).total_seconds() / 86400
        per_day = matched / max(days_read, 1 / 24)
        rest_days = (before - lo).total_seconds() / 86400
        if days_read >= RATE_DAYS and per_day * rest_days < RARE_MATCHES / 2:  # rare: the rest at once
            rest = conn.execute(_rows(tsv.bool_op("@@")(words), t < before, *window).stmt.limit(RARE_MATCHES)).all()
            if len(rest) < RARE_MATCHES:  # else more than the rate said: on by periods
                take(rest)
                break
        missing = (limit + 1 - len(seen)) * ROWS_PER_QUOTE
        level = _next_level(missing / per_day if per_day else float("inf"), read_a_month)
    reached["level"] = level
    groups = list(seen)
    return groups[:limit], len(groups) > limit, seen


class _Taken:
    """The groups of rows read newest first, each with its newest row's key, but those `earlier` selects show
    were on the pages before (`_shown_before`, asked for the groups in order, a few more than the page still
    needs at a time: a period of a common word holds hundreds)."""

    def __init__(self, conn, limit: int, earlier: Sequence[Select]) -> None:
        self.conn, self.limit, self.earlier = conn, limit, earlier
        self.seen: dict[Group, Key] = {}
        self.dropped: set[Group] = set()
        self.checked: set[Group] = set()

    def _check_from(self, order: list[Group], i: int) -> None:
        wanted = 2 * (self.limit + 1 - len(self.seen)) + 8
        chunk = [g for g in order[i:] if g not in self.checked and g not in self.seen][:wanted]
        self.checked.update(chunk)
        self.dropped.update(_shown_before(self.conn, self.earlier, chunk))

    def take(self, rows: list) -> bool:
        """Add `rows` (any order; all older than those taken before); True once more than `limit` groups."""
        rows.sort(key=lambda r: (r.row_time, r.id), reverse=True)
        order = list(dict.fromkeys((r.story_id, r.quote_key) for r in rows))
        position = {g: i for i, g in enumerate(order)}
        for row in rows:
            group = (row.story_id, row.quote_key)
            if self.earlier and group not in self.checked and group not in self.seen:
                self._check_from(order, position[group])
            if group in self.dropped:
                continue
            self.seen.setdefault(group, (row.row_time, row.id))
            if len(self.seen) > self.limit:
                return True
        return False


def _words_after(win: Window, after: Key) -> tuple[ColumnElement[bool], list[Select]]:
    """For a full-text page after `after`: the condition of the rows below it, and the select of the rows of
    earlier pages for `_shown_before` (any row of the group in the window: its copies have the same words)."""
    t = Q.c.article_time
    below = or_(t < after[0], and_(t == after[0], Q.c.id < after[1]))
    return below, [_Branch(t, _rows(*_window_conditions(win)).stmt).from_top_to(after)]


def _mentioned_with(conn, actor_id: str, win: Window) -> list[dict[str, Any]]:
    """People, organisations and places mentioned in the stories that quote the actor, most stories first
    (ties by name)."""
    names = select(actors.c.id, actors.c.name, actors.c.label)
    if win == EVERYTHING:
        m = speaker_mentions
        top = conn.execute(
            select(m.c.stories).where(m.c.actor_id == actor_id).order_by(desc(m.c.stories)).limit(MAX_SPEAKER_ENTITIES)
        ).all()
        if not top:
            return []
        rows = conn.execute(
            names.add_columns(m.c.stories)
            .join(m, m.c.other_id == actors.c.id)
            .where(m.c.actor_id == actor_id, m.c.stories >= top[-1].stories)
        ).all()
    else:
        quoted_in = (  # the latest articles quoting them bound the work for a speaker quoted thousands of times
            select(Q.c.article_id)
            .where(Q.c.speaker_actor_id == actor_id, *_window_conditions(win))
            .order_by(desc(Q.c.article_time), desc(Q.c.id))
            .limit(MAX_SPEAKER_ARTICLES)
        )
        stories = func.count(A.c.story_id.distinct()).label("stories")
        rows = conn.execute(
            names.add_columns(stories)
            .select_from(AE.join(actors, actors.c.id == AE.c.actor_id))
            .join(A, A.c.id == AE.c.article_id)
            .where(AE.c.article_id.in_(quoted_in), AE.c.actor_id != actor_id, actors.c.label.in_(MENTION_LABELS))
            .group_by(actors.c.id, actors.c.name, actors.c.label)
        ).all()
    ranked = sorted(rows, key=lambda r: (-r.stories, r.name))[:MAX_SPEAKER_ENTITIES]
    return [{"id": r.id, "name": r.name, "label": r.label, "stories": r.stories} for r in ranked]


def _story_copy(c: Any, start: datetime) -> dict[str, Any]:
    """One copy of a story: when it was published (`time_basis` "received" when it gives no time: its arrival
    then stands in), how many seconds after the story's first copy, and whether dedup saw it first."""
    when = c.published_at or c.stored_at
    return {
        "article_id": c.article_id,
        "title": c.title,
        "outlet": c.source,
        "url": c.url,
        "published_at": _iso(c.published_at),
        "time": _iso(when),
        "time_basis": "published" if c.published_at is not None else "received",
        "after_first_s": (when - start).total_seconds(),
        "dedup_status": c.dedup_status,
        "arrived_first": c.duplicate_of is None,
    }


def _list_query(asked: Mapping[str, Any], win: Window) -> dict[str, Any]:
    """What a quotes list was asked for (a cursor is made for one such list): its selector and window."""
    return {**asked, **_window_query(win)}


def _window_query(win: Window) -> dict[str, Any]:
    return {"since": _iso(win.since), "until": _iso(win.until), "outlet": win.outlet}


def _quote_group(rows: list) -> dict[str, Any]:
    """One quote as it ran in its copies: the first copy's attribution, and where it ran."""
    first = rows[0]
    ran_in = []
    seen: set[str] = set()
    for r in rows:
        if r.article_id in seen:
            continue
        seen.add(r.article_id)
        ran_in.append({"article_id": r.article_id, "outlet": r.source, "time": _iso(r.published_at or r.stored_at)})
    return {
        "quote_id": first.quote_id,
        "text": first.text,
        "speaker": first.speaker,
        "speaker_id": first.speaker_actor_id,
        "speaker_label": first.speaker_label,
        "cue": first.cue,
        "kind": first.kind,
        "rule": first.rule,  # which source and resolution step chose the speaker; None before schema v3
        "confidence": first.confidence,
        "article_id": first.article_id,
        "title": first.title,
        "outlet": first.source,
        "time": _iso(first.published_at or first.stored_at),
        "story_id": first.story_id,
        "copies": len(ran_in),
        "outlets": sorted({r["outlet"] for r in ran_in if r["outlet"]}),
        "ran_in": ran_in[:MAX_RAN_IN],
    }


def _buckets(per_day: Mapping[date, int], bucket: str) -> list[dict[str, Any]]:
    """Counts per day or ISO week (Monday), oldest first, empty buckets between included."""
    counts: dict[date, int] = defaultdict(int)
    for day, n in per_day.items():
        if bucket == "week":
            day -= timedelta(days=day.weekday())
        counts[day] += n
    if not counts:
        return []
    step = timedelta(days=7 if bucket == "week" else 1)
    start, end = min(counts), max(counts)
    if (end - start) / step > 2000:  # sparse over years: only the buckets with quotes
        return [{"start": d.isoformat(), "quotes": counts[d]} for d in sorted(counts)]
    days = [start + i * step for i in range((end - start) // step + 1)]  # no step past the last (9999-12-31)
    return [{"start": d.isoformat(), "quotes": counts.get(d, 0)} for d in days]


class StoreMissing(FileNotFoundError):
    """The SQLite file of a store does not exist (a reader never creates one)."""


def open_reader(url_or_path: str, *, aggregate_cache_s: float = 0.0) -> StoreReader:
    """A reader of the store at a URL or SQLite path whose connections cannot write.

    SQLite: `PRAGMA query_only`; PostgreSQL: read-only transactions, no JIT. Nothing connects until the first
    query.
    """
    url = store_url(url_or_path)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None and not Path(path).exists():
            raise StoreMissing(f"no store at {path} (make one with `newsflow run --store {path} INPUT`)")
        engine = make_engine(url)

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA query_only = ON")
            cur.close()

        return StoreReader(engine, aggregate_cache_s=aggregate_cache_s)
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _no_jit(dbapi_conn, _record) -> None:
        # the reader's statements take milliseconds; PostgreSQL's JIT compiles one it guesses costly for ~30 ms
        with dbapi_conn.cursor() as cur:
            cur.execute("SET jit = off")
        dbapi_conn.commit()

    return StoreReader(engine.execution_options(postgresql_readonly=True), aggregate_cache_s=aggregate_cache_s)


__all__ = ["StoreReader", "QueryError", "StoreMissing", "TIME", "open_reader"]
