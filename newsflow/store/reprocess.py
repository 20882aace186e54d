"""What `newsflow store reprocess` needs of the store: its articles in id order a batch at a time (keyset: never
all in memory), how far a run has got (table `reprocess_runs`, written in the transaction of each batch's
upserts, so a batch and its progress commit together or not at all), and what changed between an article's
stored quotes and its new ones.

A run covers a `Scope` (since, until, outlet on the article's time and outlet, as queries read them) and runs
with one version of the stages (the model, rules and settings; newsflow.bootstrap.reprocess_version): a run of
the same scope and version continues after its last article; a finished one is not run again unless forced; a
run with another version starts from the first article.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

import orjson
from sqlalchemy import Connection, func, insert, select, update

from newsflow.store import schema
from newsflow.store.params import Window
from newsflow.store.rows import full_event, normalise_name, quote_key

R = schema.reprocess_runs
A = schema.articles
TIME = func.coalesce(A.c.published_at, A.c.stored_at)  # the article's time, as queries read it


class ReprocessConflict(RuntimeError):
    """Another run of the same scope moved its progress meanwhile (two runs at once): this one stops."""


@dataclass(frozen=True)
class Scope:
    """The articles a run covers: time (published, else stored) in [since, until), and outlet."""

    window: Window = Window()

    @property
    def key(self) -> str:
        """The scope as `reprocess_runs.scope` keeps it: one text per window."""
        w = self.window
        return orjson.dumps(
            {
                "since": w.since.isoformat() if w.since else None,
                "until": w.until.isoformat() if w.until else None,
                "outlet": w.outlet,
            }
        ).decode()


@dataclass(frozen=True)
class Tally:
    """What reprocessing did: articles done (written, unchanged or refused by a stage and kept as stored),
    and their quotes whose speaker changed, that are new, that are gone."""

    articles: int = 0
    written: int = 0
    failed: int = 0
    speaker_changed: int = 0
    quotes_added: int = 0
    quotes_removed: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)))

    def as_dict(self) -> dict[str, int]:
        """The counts by name (the columns of `reprocess_runs`)."""
        return dataclasses.asdict(self)


TALLY_FIELDS = tuple(f.name for f in dataclasses.fields(Tally))


@dataclass(frozen=True)
class Run:
    """One row of `reprocess_runs`."""

    scope: str
    version: str
    last_id: str | None
    started_at: datetime
    finished_at: datetime | None
    tally: Tally


@dataclass(frozen=True)
class Plan:
    """Where a run starts: `state` is "new" (from the first article), "resume" (after `run.last_id`) or
    "finished" (done with this version: nothing to do); `before` is the row found, if any."""

    state: str
    run: Run
    before: Run | None


def _speaker(quote: Mapping[str, Any]) -> str | None:
    speaker = quote.get("speaker")
    return normalise_name(speaker) if isinstance(speaker, str) and speaker.strip() else None


def quote_changes(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> Tally:
    """How an article's quotes changed: a quote is its words (case, punctuation and spacing ignored, as the
    store keys quotes); quotes of the same words pair in their order in the article; a pair whose speaker
    differs (by name, case and spacing ignored; none and someone differ) changed speaker, a new quote without
    a pair was added, an old one without a pair removed. `articles` and `written` are left 0."""
    olds: dict[str, list[str | None]] = {}
    for q in old:
        olds.setdefault(quote_key(q["text"]), []).append(_speaker(q))
    changed = added = 0
    for q in new:
        before = olds.get(quote_key(q["text"]))
        if not before:
            added += 1
            continue
        changed += before.pop(0) != _speaker(q)
    removed = sum(len(left) for left in olds.values())
    return Tally(speaker_changed=changed, quotes_added=added, quotes_removed=removed)


def _run(row: Any) -> Run:
    return Run(
        row.scope,
        row.version,
        row.last_id,
        row.started_at,
        row.finished_at,
        Tally(*(getattr(row, name) for name in TALLY_FIELDS)),
    )


def read_run(conn: Connection, scope: Scope) -> Run | None:
    """The progress kept for `scope`, if a run of it ever started."""
    row = conn.execute(select(R).where(R.c.scope == scope.key)).first()
    return _run(row) if row is not None else None


def plan(conn: Connection, scope: Scope, version: str, now: datetime, *, force: bool = False) -> Plan:
    """Where a run of `scope` with `version` starts (see `Plan`); a new start resets the scope's row. Call in a
    writing transaction."""
    before = read_run(conn, scope)
    if before is not None and before.version == version and not force:
        return Plan("finished" if before.finished_at is not None else "resume", before, before)
    fresh = Run(scope.key, version, None, now, None, Tally())
    values: dict[str, Any] = {"version": version, "last_id": None, "started_at": now, "updated_at": now}
    values.update(finished_at=None, **fresh.tally.as_dict())
    if before is None:
        conn.execute(insert(R).values(scope=scope.key, **values))
    else:
        conn.execute(update(R).where(R.c.scope == scope.key).values(**values))
    return Plan("new", fresh, before)


def _own_row(scope: Scope, version: str, last_id: str | None):
    """The scope's row as this run left it: its version, its last article, not finished."""
    return (
        R.c.scope == scope.key,
        R.c.version == version,
        R.c.last_id.is_not_distinct_from(last_id),
        R.c.finished_at.is_(None),
    )


def save(
    conn: Connection, scope: Scope, version: str, after: str | None, last_id: str, done: Tally, now: datetime
) -> None:
    """Record a batch done (in its write transaction): the run moves from `after` to `last_id` and adds `done`;
    ReprocessConflict (rolling the batch back) if the row is not as this run left it."""
    counts = {name: getattr(R.c, name) + value for name, value in done.as_dict().items()}
    result = conn.execute(
        update(R).where(*_own_row(scope, version, after)).values(last_id=last_id, updated_at=now, **counts)
    )
    if result.rowcount != 1:
        raise ReprocessConflict(f"another run of this scope moved on past article {after!r}; this one stops")


def finish(conn: Connection, scope: Scope, version: str, last_id: str | None, now: datetime) -> None:
    """Mark the run finished after its last article (ReprocessConflict as `save`)."""
    result = conn.execute(update(R).where(*_own_row(scope, version, last_id)).values(finished_at=now, updated_at=now))
    if result.rowcount != 1:
        raise ReprocessConflict(f"another run of this scope moved on past article {last_id!r}; this one stops")


def _in_scope(scope: Scope, after: str | None) -> list:
    w = scope.window
    conds = []
    if after is not None:
        conds.append(A.c.id > after)
    if w.since is not None:
        conds.append(TIME >= w.since)
    if w.until is not None:
        conds.append(TIME < w.until)
    if w.outlet is not None:
        conds.append(A.c.source == w.outlet)
    return conds


def count_after(conn: Connection, scope: Scope, after: str | None) -> int:
    """How many articles of `scope` come after article id `after` (all of them for None)."""
    return conn.execute(select(func.count()).select_from(A).where(*_in_scope(scope, after))).scalar_one()


def articles_after(conn: Connection, scope: Scope, after: str | None, limit: int) -> list[dict[str, Any]]:
    """The next `limit` articles of `scope` after id `after`, in id order, as their whole stored events."""
    query = select(A.c.id, A.c.text, A.c.event).where(*_in_scope(scope, after)).order_by(A.c.id).limit(limit)
    return [full_event(row.event, row.text) | {"id": row.id} for row in conn.execute(query)]


__all__ = [
    "ReprocessConflict",
    "Scope",
    "Tally",
    "TALLY_FIELDS",
    "Run",
    "Plan",
    "quote_changes",
    "read_run",
    "plan",
    "save",
    "finish",
    "count_after",
    "articles_after",
]
