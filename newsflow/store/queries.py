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
total order, so a later page can continue from the last row it showed (`article_time`, `quote_id`).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    case,
    cast,
    column,
    desc,
    event,
    func,
    literal,
    literal_column,
    select,
    table,
    union,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from newsflow.store.engine import make_engine, sqlite_path, store_url
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
)
from newsflow.store.speaker_counts import outlet_counts, quotes_per_day, top_actors

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
    ) -> dict[str, Any]:
        """Quotes attributed to an actor (by id) or to a name; newest first, each once with its copies.

        A name matches actors (canonical name or alias, any case) and the exact speaker text; each is one
        index range walked newest first (`ix_quotes_actor_time`, `ix_quotes_speaker_text_time`)."""
        found = self._actors_asked("speaker", name, actor_id)
        window = _window_conditions(win)
        if actor_id is not None:
            branches = [_rows(Q.c.speaker_actor_id == actor_id, *window)]
        else:
            assert name is not None  # _actors_asked refused neither
            texts = sorted({name.strip(), *(a["name"] for a in found)})
            branches = [_rows(Q.c.speaker_actor_id == a["id"], *window) for a in found]
            branches += [_rows(Q.c.speaker == t, *window) for t in texts]
        answer = self._quotes(branches, limit)
        return {"query": {"speaker": name, "speaker_id": actor_id}, "actors": found, **answer}

    def quotes_by_entity(
        self,
        name: str | None = None,
        *,
        actor_id: str | None = None,
        win: Window = EVERYTHING,
        limit: int = DEFAULT_LIMIT,
    ) -> dict[str, Any]:
        """Quotes in articles that mention an entity (by id, or every actor of that name or alias); the
        entity's articles are walked newest first (`ix_article_entities_actor_time`)."""
        found = self._actors_asked("entity", name, actor_id)
        window = _window_conditions(win, AE)
        branches = [
            select(AE.c.article_time.label("row_time"), Q.c.id, Q.c.story_id, Q.c.quote_key)
            .select_from(AE.join(Q, Q.c.article_id == AE.c.article_id))
            .where(AE.c.actor_id == a["id"], *window)
            for a in found
        ]
        answer = self._quotes(branches, limit) if branches else _no_quotes(limit)
        return {"query": {"entity": name, "entity_id": actor_id}, "actors": found, "role": "mentioned", **answer}

    def quotes_by_text(self, words: str, *, win: Window = EVERYTHING, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
        """Quotes whose words match (PostgreSQL websearch_to_tsquery, SQLite FTS5; English stemming).

        PostgreSQL reads the matches of a day, a week, a month or a year at a time, newest first
        (`_newest_groups_by_time`);
        SQLite takes FTS5's matches and sorts them."""
        terms = search_terms(words)
        cond: ColumnElement[bool]
        if self.dialect == "postgresql":
            query = func.websearch_to_tsquery(literal(FTS_CONFIG, REGCONFIG), websearch_text(terms))
            with self.engine.connect() as conn:
                groups, more = _newest_groups_by_time(conn, query, win, limit)
                copies = self._copies(conn, groups)
            answer = {
                "quotes": [_quote_group(copies[g]) for g in groups if copies.get(g)],
                "limit": limit,
                "more": more,
            }
        else:
            hits = select(FTS.c.rowid).where(FTS.c.text.bool_op("MATCH")(fts5_query(terms)))
            cond = literal_column("quotes.rowid").in_(hits)
            answer = self._quotes([_rows(cond, *_window_conditions(win))], limit)
        return {"query": {"text": words}, **answer}

    def _quotes(self, branches: list[Select], limit: int) -> dict[str, Any]:
        """The `limit` (story, quote) groups of the rows of `branches` that ran most recently, with every copy."""
        with self.engine.connect() as conn:
            groups, more = _newest_groups(conn, branches, limit)
            copies = self._copies(conn, groups)
        return {"quotes": [_quote_group(copies[g]) for g in groups if copies.get(g)], "limit": limit, "more": more}

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
                A.c.title,
                A.c.source,
                A.c.published_at,
                A.c.stored_at,
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

    def top_speakers(self, top: int = 20, win: Window = EVERYTHING) -> dict[str, Any]:
        """The `top` most quoted actors (each quote once per story), with their counts by outlet.

        With `aggregate_cache_s`, an answer is kept that many seconds (its `cached_at` says when it was made).
        """
        if self.aggregate_cache_s <= 0:
            return self._top_speakers(top, win)
        key = (top, win)
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.aggregate_cache_s:
            return hit[1]
        answer = {
            **self._top_speakers(top, win),
            "cached_at": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(),
        }
        with self._cache_lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = (now, answer)
        return answer

    def _top_speakers(self, top: int, win: Window) -> dict[str, Any]:
        with self.engine.connect() as conn:
            ranking = top_actors(conn, win, top)
            ids = [i for i, _ in ranking]
            names = {r.id: r for r in conn.execute(select(actors).where(actors.c.id.in_(ids)))} if ids else {}
            by_outlet = outlet_counts(conn, ids, win)
        speakers = [
            {
                "id": i,
                "name": names[i].name if i in names else None,
                "label": names[i].label if i in names else None,
                "quotes": count,
                "outlets": by_outlet.get(i, []),
            }
            for i, count in ranking
        ]
        return {"query": {"top": top, **_window_query(win)}, "speakers": speakers}

    def speaker(
        self, actor_id: str, *, bucket: str = "day", win: Window = EVERYTHING, limit: int = 20
    ) -> dict[str, Any] | None:
        """A speaker's page: the actor, quotes over time (per day or week, each quote on the day of its
        first copy), outlets, the people, organisations and places mentioned with them (counted by
        stories), and the latest quotes; None if unknown.

        Counts come from the rollups; "mentioned with" from `speaker_mentions` over all time, and in a
        window (or an outlet) from the speaker's latest MAX_SPEAKER_ARTICLES articles in it."""
        bucket = parse_bucket(bucket)
        who = self.actor(actor_id)
        if who is None:
            return None
        with self.engine.connect() as conn:
            per_day = quotes_per_day(conn, actor_id, win)
            outlets = outlet_counts(conn, [actor_id], win).get(actor_id, [])
            entities = _mentioned_with(conn, actor_id, win)
        latest = self.quotes_by_speaker(actor_id=actor_id, win=win, limit=limit)
        return {
            "speaker": who,
            "query": {"bucket": bucket, **_window_query(win)},
            "quotes_total": sum(per_day.values()),
            "over_time": _buckets(per_day, bucket),
            "outlets": outlets,
            "entities": entities,
            "quotes": latest["quotes"],
            "more": latest["more"],
        }

    # --- stories ---------------------------------------------------------------------------------

    def story(self, article_id: str) -> dict[str, Any] | None:
        """The story of an article: its copies in the order they were published (`first_published` the
        first; each with how long after it it followed), the copy dedup saw first (`arrived_first`: the
        verdict is by arrival), and its quotes (each once, with the copies it ran in); None if the article
        is not in the store."""
        with self.engine.connect() as conn:
            story_id = conn.scalar(select(A.c.story_id).where(A.c.id == article_id))
            if story_id is None:
                return None
            copies = conn.execute(
                select(
                    A.c.id,
                    A.c.title,
                    A.c.source,
                    A.c.url,
                    A.c.published_at,
                    A.c.stored_at,
                    A.c.dedup_status,
                    A.c.duplicate_of,
                )
                .where(A.c.story_id == story_id)
                .order_by(*_copy_order())
            ).all()
            keys = conn.scalars(select(Q.c.quote_key).where(Q.c.story_id == story_id).distinct()).all()
            groups = [(story_id, k) for k in keys]
            by_group = self._copies(conn, groups)
        first_seen = {c.id: i for i, c in enumerate(copies)}
        firsts = sorted(
            (by_group[g][0] for g in groups if by_group.get(g)), key=lambda r: (first_seen[r.article_id], r.idx)
        )
        quote_list = [_quote_group(by_group[(r.story_id, r.quote_key)]) for r in firsts]
        start = copies[0].published_at or copies[0].stored_at
        listed = [_story_copy(c, start) for c in copies]
        return {
            "story_id": story_id,
            "article_id": article_id,
            "first_published": listed[0],
            "arrived_first": next((c for c in listed if c["arrived_first"]), None),
            "copies": listed,
            "quotes": quote_list,
        }


def _rows(*conds: ColumnElement[bool]) -> Select:
    """Quote rows matching `conds` as a list branch: (row_time, id, story_id, quote_key)."""
    return select(Q.c.article_time.label("row_time"), Q.c.id, Q.c.story_id, Q.c.quote_key).where(*conds)


def _newest_groups(conn, branches: Sequence[Select], limit: int) -> tuple[list[tuple[str, str]], bool]:
    """The distinct (story, quote_key) of the branches' rows, by their newest row, newest first; and whether
    more than `limit` match.

    Each branch is read newest first (`row_time`, then id, descending: one index range each) `n` rows at a time;
    the merged rows are in order down to the last row of a branch that was cut off, so once more than
    `limit` groups are seen above that row the answer is whole; else `n` grows."""
    n = max(1, int((limit + 1) * READ_AHEAD))
    while True:
        rows: list = []
        bound = None  # the newest "last row" of a branch that was cut off: rows below it may be missing
        for branch in branches:
            got = conn.execute(branch.order_by(desc("row_time"), desc(Q.c.id)).limit(n)).all()
            rows += got
            if len(got) == n:
                last = (got[-1].row_time, got[-1].id)
                bound = last if bound is None or last > bound else bound
        rows.sort(key=lambda r: (r.row_time, r.id), reverse=True)
        seen: dict[tuple[str, str], None] = {}
        for row in rows:
            if bound is not None and (row.row_time, row.id) < bound:
                break
            seen.setdefault((row.story_id, row.quote_key), None)
            if len(seen) > limit:
                break
        if len(seen) > limit or bound is None:
            groups = list(seen)
            return groups[:limit], len(groups) > limit
        n *= 4


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
    conn, words: ColumnElement[Any], win: Window, limit: int
) -> tuple[list[tuple[str, str]], bool]:
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
    period's start and the last read's."""
    if not conn.scalar(select(func.numnode(words))):  # only stop words ("because they"): nothing matches
        return [], False
    t = Q.c.article_time
    lo, hi = conn.execute(
        select(func.min(t), func.max(t)).where(*_window_conditions(Window(win.since, win.until)))
    ).one()
    if lo is None:
        return [], False
    tsv = literal_column("quotes.text_tsv", TSVECTOR)
    window = _window_conditions(win)
    seen: dict[tuple[str, str], None] = {}

    def take(rows: list) -> bool:
        rows.sort(key=lambda r: (r.row_time, r.id), reverse=True)
        for row in rows:
            seen.setdefault((row.story_id, row.quote_key), None)
            if len(seen) > limit:
                return True
        return False

    before = hi + timedelta(microseconds=1)  # rows older than this are still to read
    level, matched, read_a_month = "d", 0, False
    while True:
        lexemes, start = period(level, before - timedelta(microseconds=1))
        when = cast(literal(lexemes), TSQUERY)
        rows = conn.execute(_rows(tsv.bool_op("@@")(words.op("&&")(when)), t < before, *window)).all()
        if take(rows) or start <= lo:
            break
        before, matched, read_a_month = start, matched + len(rows), read_a_month or level in "my"
        days_read = (hi - before).total_seconds() / 86400
        per_day = matched / max(days_read, 1 / 24)
        rest_days = (before - lo).total_seconds() / 86400
        if days_read >= RATE_DAYS and per_day * rest_days < RARE_MATCHES / 2:  # rare: the rest at once
            rest = conn.execute(_rows(tsv.bool_op("@@")(words), t < before, *window).limit(RARE_MATCHES)).all()
            if len(rest) < RARE_MATCHES:  # else more than the rate said: on by periods
                take(rest)
                break
        missing = (limit + 1 - len(seen)) * ROWS_PER_QUOTE
        level = _next_level(missing / per_day if per_day else float("inf"), read_a_month)
    groups = list(seen)
    return groups[:limit], len(groups) > limit


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
        "article_id": c.id,
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


def _no_quotes(limit: int) -> dict[str, Any]:
    return {"quotes": [], "limit": limit, "more": False}


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
