"""The counts pages read first, kept by the writer in the batch's transaction (schema.ROLLUPS).

One *quote* is (speaker actor, story, quote key): the same words in 40 copies of a story count once.
- `speaker_days`: per actor and UTC day, the quotes whose first copy (earliest article time) ran that day;
- `speaker_outlet_days`: per actor, day and outlet, the quotes the outlet carried, on the day of its
  first copy of each ('' stands for an article without outlet);
- `speaker_totals`, `speaker_outlets`: the same over all time;
- `speaker_mentions`: per actor and other actor (a person, organisation or place: MENTION_LABELS), the
  stories in which an article quotes the actor and mentions the other.

How they stay exact: a batch's articles lock their stories first (StoreWriter), then the writer reads
the *facts* of those stories (their quote rows with a speaker actor, and which actors their articles
mention), and after writing, applies the difference between the counts of the facts after and before.
Every count depends only on the facts of one story, so nothing outside the locked stories can change
them; a re-delivered batch has the same facts after as before: a difference of zero.

`rebuild(conn)` recomputes every rollup from the base tables in SQL (migration 0004, bulk loads);
`recount(conn)` in Python, from the same facts (tests hold the three to one answer).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import Connection, delete, select, text, tuple_

from newsflow.store import schema
from newsflow.store.bulk import add_counts, one_of

MENTION_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC")  # "mentioned with": people, organisations, places
NO_OUTLET = ""


@dataclass(frozen=True)
class QuoteFact:
    """A quote row with a speaker actor, as far as the rollups see it."""

    actor_id: str
    story_id: str
    quote_key: str
    outlet: str
    time: datetime
    article_id: str


@dataclass(frozen=True)
class MentionFact:
    """An article of a story mentions actor `other_id` (of a MENTION_LABELS label)."""

    article_id: str
    story_id: str
    other_id: str


@dataclass
class Counts:
    """The rollups' rows as counters (the key is the table's primary key, in column order)."""

    days: Counter = field(default_factory=Counter)  # (actor, day)
    outlet_days: Counter = field(default_factory=Counter)  # (actor, day, outlet)
    totals: Counter = field(default_factory=Counter)  # (actor,)
    outlets: Counter = field(default_factory=Counter)  # (actor, outlet)
    mentions: Counter = field(default_factory=Counter)  # (actor, other)

    def minus(self, other: Counts) -> Counts:
        """Per key, self - other (zeros dropped, negatives kept)."""
        out = Counts()
        for name in TABLE_OF:
            mine, theirs, diff = getattr(self, name), getattr(other, name), getattr(out, name)
            for key in mine.keys() | theirs.keys():
                d = mine.get(key, 0) - theirs.get(key, 0)
                if d:
                    diff[key] = d
        return out

    def empty(self) -> bool:
        """Whether every counter is empty."""
        return not any(getattr(self, name) for name in TABLE_OF)


TABLE_OF = {
    "days": schema.speaker_days,
    "outlet_days": schema.speaker_outlet_days,
    "totals": schema.speaker_totals,
    "outlets": schema.speaker_outlets,
    "mentions": schema.speaker_mentions,
}
COUNT_COLUMN = {"mentions": "stories"}


def firsts(quotes: Iterable[QuoteFact]) -> tuple[dict[tuple, datetime], dict[tuple, datetime]]:
    """The time of each quote's first copy, per (actor, story, key) and per (actor, story, key, outlet)."""
    first: dict[tuple, datetime] = {}
    first_in: dict[tuple, datetime] = {}
    for q in quotes:
        key = (q.actor_id, q.story_id, q.quote_key)
        if key not in first or q.time < first[key]:
            first[key] = q.time
        okey = (*key, q.outlet)
        if okey not in first_in or q.time < first_in[okey]:
            first_in[okey] = q.time
    return first, first_in


def counts(quotes: Iterable[QuoteFact], mentions: Iterable[MentionFact]) -> Counts:
    """The rollups of these facts (the whole story of each fact must be among them)."""
    quotes = list(quotes)
    first, first_in = firsts(quotes)
    quoted: dict[str, set[str]] = {}  # article -> actors it quotes
    for q in quotes:
        quoted.setdefault(q.article_id, set()).add(q.actor_id)
    out = Counts()
    for (actor, _, _), t in first.items():
        out.days[(actor, t.date())] += 1
        out.totals[(actor,)] += 1
    for (actor, _, _, outlet), t in first_in.items():
        out.outlet_days[(actor, t.date(), outlet)] += 1
        out.outlets[(actor, outlet)] += 1
    pairs = {
        (actor, m.other_id, m.story_id)
        for m in mentions
        for actor in quoted.get(m.article_id, ())
        if actor != m.other_id
    }
    for actor, other, _ in pairs:
        out.mentions[(actor, other)] += 1
    return out


# --- facts ------------------------------------------------------------------------------------------


def read_facts(conn: Connection, story_ids: Sequence[str]) -> tuple[list[QuoteFact], list[MentionFact]]:
    """The facts of the stories `story_ids` as stored now (the caller holds their locks)."""
    if not story_ids:
        return [], []
    q, ae, ac = schema.quotes, schema.article_entities, schema.actors
    quotes = [
        QuoteFact(r.speaker_actor_id, r.story_id, r.quote_key, r.outlet or NO_OUTLET, r.article_time, r.article_id)
        for r in conn.execute(
            select(
                q.c.speaker_actor_id, q.c.story_id, q.c.quote_key, q.c.outlet, q.c.article_time, q.c.article_id
            ).where(one_of(conn, q.c.story_id, story_ids), q.c.speaker_actor_id.isnot(None))
        )
    ]
    if not quotes:  # mentions only count in articles that quote someone
        return [], []
    articles = sorted({f.article_id for f in quotes})
    story_of = {f.article_id: f.story_id for f in quotes}
    mentions = [
        MentionFact(r.article_id, story_of[r.article_id], r.actor_id)
        for r in conn.execute(
            select(ae.c.article_id, ae.c.actor_id)
            .join(ac, ac.c.id == ae.c.actor_id)
            .where(one_of(conn, ae.c.article_id, articles), ac.c.label.in_(MENTION_LABELS))
        )
    ]
    return quotes, mentions


def facts_of_rows(batch: Iterable[Any]) -> tuple[list[QuoteFact], list[MentionFact]]:
    """The facts of prepared `ArticleRows` (newsflow.store.rows) about to be written."""
    quotes: list[QuoteFact] = []
    mentions: list[MentionFact] = []
    for rows in batch:
        story = rows.article["story_id"]
        mine = [
            QuoteFact(
                x["speaker_actor_id"],
                story,
                x["quote_key"],
                x["outlet"] or NO_OUTLET,
                x["article_time"],
                rows.id,
            )
            for x in rows.quotes
            if x["speaker_actor_id"] is not None
        ]
        if not mine:
            continue
        quotes += mine
        labels = {x["id"]: x["label"] for x in rows.actors}
        mentions += [
            MentionFact(rows.id, story, x["actor_id"])
            for x in rows.entities
            if labels.get(x["actor_id"]) in MENTION_LABELS
        ]
    return quotes, mentions


# --- applying differences ---------------------------------------------------------------------------


def apply(conn: Connection, diff: Counts) -> None:
    """Add `diff` to the rollup tables (rows that reach zero are deleted), keys in sorted order so that
    concurrent writers take row locks in one order."""
    for name, table in TABLE_OF.items():
        changes: Counter = getattr(diff, name)
        if not changes:
            continue
        keys = [c.name for c in table.primary_key.columns]
        count = COUNT_COLUMN.get(name, "quotes")
        rows = [(*k, v) for k, v in sorted(changes.items())]
        add_counts(conn, table, keys, count, rows)
        gone = [k for k, v in sorted(changes.items()) if v < 0]
        if gone:
            cols = [table.c[k] for k in keys]
            for start in range(0, len(gone), 500):
                chunk = gone[start : start + 500]
                conn.execute(
                    delete(table).where(
                        tuple_(*cols).in_(chunk) if len(cols) > 1 else cols[0].in_([k[0] for k in chunk]),
                        table.c[count] <= 0,
                    )
                )


# --- from scratch -----------------------------------------------------------------------------------


def _day(dialect: str, column: str) -> str:
    return f"CAST({column} AS date)" if dialect == "postgresql" else f"date({column})"


def rebuild_statements(dialect: str) -> list[str]:
    """SQL that empties the rollups and recomputes them from `quotes`, `article_entities` and `actors`."""
    labels = ", ".join(f"'{label}'" for label in MENTION_LABELS)
    groups = (
        "SELECT speaker_actor_id AS actor_id, min(article_time) AS first FROM quotes "
        "WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id, story_id, quote_key"
    )
    outlet_groups = (
        "SELECT speaker_actor_id AS actor_id, coalesce(outlet, '') AS outlet, min(article_time) AS first "
        "FROM quotes WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id, story_id, quote_key, "
        "coalesce(outlet, '')"
    )
    quoted = "SELECT DISTINCT article_id, story_id, speaker_actor_id AS actor_id FROM quotes WHERE speaker_actor_id IS NOT NULL"
    return [
        *(f"DELETE FROM {t.name}" for t in schema.ROLLUPS),
        f"INSERT INTO speaker_days (actor_id, day, quotes) SELECT actor_id, {_day(dialect, 'first')}, count(*) "
        f"FROM ({groups}) g GROUP BY actor_id, {_day(dialect, 'first')}",
        "INSERT INTO speaker_totals (actor_id, quotes) SELECT actor_id, sum(quotes) FROM speaker_days GROUP BY actor_id",
        f"INSERT INTO speaker_outlet_days (actor_id, day, outlet, quotes) SELECT actor_id, {_day(dialect, 'first')}, "
        f"outlet, count(*) FROM ({outlet_groups}) g GROUP BY actor_id, {_day(dialect, 'first')}, outlet",
        "INSERT INTO speaker_outlets (actor_id, outlet, quotes) SELECT actor_id, outlet, sum(quotes) "
        "FROM speaker_outlet_days GROUP BY actor_id, outlet",
        "INSERT INTO speaker_mentions (actor_id, other_id, stories) SELECT actor_id, other_id, count(*) FROM ("
        f"SELECT DISTINCT s.actor_id, ae.actor_id AS other_id, s.story_id FROM ({quoted}) s "
        "JOIN article_entities ae ON ae.article_id = s.article_id JOIN actors ac ON ac.id = ae.actor_id "
        f"WHERE ac.label IN ({labels}) AND ae.actor_id <> s.actor_id) p GROUP BY actor_id, other_id",
    ]


def rebuild(conn: Connection) -> None:
    """Recompute every rollup from the base tables (in the caller's transaction)."""
    for statement in rebuild_statements(conn.dialect.name):
        conn.execute(text(statement))


def recount(conn: Connection) -> Counts:
    """The rollups recomputed in Python from every fact of the store (tests: rollup = recount)."""
    stories = [r[0] for r in conn.execute(select(schema.quotes.c.story_id).distinct())]
    quotes: list[QuoteFact] = []
    mentions: list[MentionFact] = []
    for start in range(0, len(stories), 500):
        q, m = read_facts(conn, stories[start : start + 500])
        quotes += q
        mentions += m
    return counts(quotes, mentions)


def stored(conn: Connection) -> Counts:
    """The rollup tables' rows as `Counts`."""
    out = Counts()
    for name, table in TABLE_OF.items():
        keys = list(table.primary_key.columns)
        count = table.c[COUNT_COLUMN.get(name, "quotes")]
        target: Counter = getattr(out, name)
        for row in conn.execute(select(*keys, count)):
            target[tuple(as_day(v) if k.name == "day" else v for k, v in zip(keys, row[:-1]))] = row[-1]
    return out


def as_day(value: Any) -> date:
    """A day read back from the store: a date (PostgreSQL), an ISO text (SQLite), or a date-time's day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


__all__ = [
    "MENTION_LABELS",
    "NO_OUTLET",
    "QuoteFact",
    "MentionFact",
    "Counts",
    "firsts",
    "counts",
    "read_facts",
    "facts_of_rows",
    "apply",
    "rebuild_statements",
    "rebuild",
    "recount",
    "stored",
    "as_day",
]
