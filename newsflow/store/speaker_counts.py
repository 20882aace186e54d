"""How many quotes speakers have in a window, from the rollups (newsflow/store/rollups.py), not the quotes.

A window [since, until) is cut into whole UTC days, answered by `speaker_days` /
`speaker_outlet_days` (one index range), and at most two partial days at its ends, answered from
the quote rows of those hours (`edge_counts`): a quote counts when its first copy (in the outlet,
for outlet counts) falls in the window, as the rollups count it. A window without since and until
is all time: `speaker_totals` / `speaker_outlets`. An article without outlet is '' in the rollups and
None in answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import ColumnElement, Connection, and_, desc, func, or_, select

from newsflow.store import schema
from newsflow.store.paging import COUNT_CAP
from newsflow.store.params import Window
from newsflow.store.rollups import NO_OUTLET, QuoteFact, as_day, firsts

Q = schema.quotes
DAYS, OUTLET_DAYS = schema.speaker_days, schema.speaker_outlet_days
TOTALS, OUTLETS = schema.speaker_totals, schema.speaker_outlets


@dataclass(frozen=True)
class Span:
    """A window as whole days [first_day, end_day) (None: unbounded) and partial-day edges [lo, hi)."""

    first_day: date | None
    end_day: date | None
    edges: tuple[tuple[datetime, datetime], ...]

    @property
    def has_days(self) -> bool:
        """Whether at least one whole day is in the window."""
        return self.first_day is None or self.end_day is None or self.first_day < self.end_day

    @property
    def all_time(self) -> bool:
        """No since and no until."""
        return self.first_day is None and self.end_day is None and not self.edges


def _midnight(t: datetime) -> datetime:
    return datetime(t.year, t.month, t.day)


def span(win: Window) -> Span:
    """The whole days and the partial-day edges of `win` (its outlet aside)."""
    since, until = win.since, win.until
    first = end = None
    edges: list[tuple[datetime, datetime]] = []
    if since is not None:
        first = _midnight(since)
        if first < since:
            if first.date() == date.max:  # since inside the calendar's last day
                return Span(date.max, date.max, ((since, until or datetime.max),))
            first += timedelta(days=1)
    if until is not None:
        end = _midnight(until)
    if since is not None and until is not None and first is not None and end is not None and end < first:
        return Span(first.date(), first.date(), ((since, until),))  # both ends in one day
    if since is not None and first is not None and since < first:
        edges.append((since, first))
    if until is not None and end is not None and end < until:
        edges.append((end, until))
    return Span(first.date() if first else None, end.date() if end else None, tuple(edges))


def _days(table, s: Span) -> list:
    conds = []
    if s.first_day is not None:
        conds.append(table.c.day >= s.first_day)
    if s.end_day is not None:
        conds.append(table.c.day < s.end_day)
    return conds


def edge_facts(conn: Connection, lo: datetime, hi: datetime, actor_ids: Sequence[str] | None = None) -> list[QuoteFact]:
    """The facts of every quote with a copy in [lo, hi) (of `actor_ids`), with all its copies: its first
    copy may be earlier."""
    near = select(Q.c.story_id, Q.c.quote_key).where(
        Q.c.article_time >= lo, Q.c.article_time < hi, Q.c.speaker_actor_id.isnot(None)
    )
    if actor_ids is not None:
        near = near.where(Q.c.speaker_actor_id.in_(list(actor_ids)))
    groups = set(conn.execute(near.distinct()).all())
    if not groups:
        return []
    stmt = select(
        Q.c.speaker_actor_id, Q.c.story_id, Q.c.quote_key, Q.c.outlet, Q.c.article_time, Q.c.article_id
    ).where(
        Q.c.story_id.in_(sorted({s for s, _ in groups})),
        Q.c.quote_key.in_(sorted({k for _, k in groups})),
        Q.c.speaker_actor_id.isnot(None),
    )
    if actor_ids is not None:
        stmt = stmt.where(Q.c.speaker_actor_id.in_(list(actor_ids)))
    return [
        QuoteFact(r.speaker_actor_id, r.story_id, r.quote_key, r.outlet or NO_OUTLET, r.article_time, r.article_id)
        for r in conn.execute(stmt)
        if (r.story_id, r.quote_key) in groups
    ]


def edge_counts(conn: Connection, s: Span, actor_ids: Sequence[str] | None = None) -> tuple[Counter, Counter]:
    """Quotes whose first copy is in an edge of `s`: per (actor, day) and per (actor, day, outlet)."""
    days: Counter = Counter()
    outlet_days: Counter = Counter()
    for lo, hi in s.edges:
        first, first_in = firsts(edge_facts(conn, lo, hi, actor_ids))
        days.update((a, t.date()) for (a, _, _), t in first.items() if lo <= t < hi)
        outlet_days.update((a, t.date(), o) for (a, _, _, o), t in first_in.items() if lo <= t < hi)
    return days, outlet_days


def _edge_sums(conn: Connection, s: Span, win: Window, actor_ids: Sequence[str] | None, by_day: bool) -> Counter:
    """Quotes whose first copy (in the window's outlet, if any) is in an edge of `s`: per actor, or per day."""
    days, outlet_days = edge_counts(conn, s, actor_ids)
    out: Counter = Counter()
    if win.outlet is None:
        for (a, d), v in days.items():
            out[d if by_day else a] += v
    else:
        for (a, d, o), v in outlet_days.items():
            if o == win.outlet:
                out[d if by_day else a] += v
    return out


def top_actors(conn: Connection, win: Window, top: int) -> list[tuple[str, int]]:
    """The `top` actors with the most quotes in `win` (in its outlet, if any), most first, ties by id."""
    return ranked_page(conn, win, top, count=False)[0]


def _after(quotes, actor_id, after: tuple[int, str]) -> ColumnElement[bool]:
    """Below `after` (quotes, actor id) in the ranking's order: fewer quotes, or as many and a later id."""
    n, actor = after
    return or_(quotes < n, and_(quotes == n, actor_id > actor))


def ranked_page(
    conn: Connection, win: Window, top: int, after: tuple[int, str] | None = None, *, count: bool = True
) -> tuple[list[tuple[str, int]], tuple[int, bool]]:
    """`top_actors` from after `after` (the quotes and id of the last actor of the page before), and, with
    `count`, how many actors have quotes in `win` and whether there are more than that (all time: counted up to
    COUNT_CAP on the rollup's index; in a window: the ranking's own aggregate tells, at no extra cost)."""
    s = span(win)
    if s.all_time:
        table = TOTALS if win.outlet is None else OUTLETS
        conds = [table.c.quotes > 0] + ([OUTLETS.c.outlet == win.outlet] if win.outlet is not None else [])
        stmt = select(table.c.actor_id, table.c.quotes).where(*conds)
        if after is not None:  # `quotes <=` enters the index (quotes desc, actor id) at the page's start
            stmt = stmt.where(table.c.quotes <= after[0], _after(table.c.quotes, table.c.actor_id, after))
        stmt = stmt.order_by(desc(table.c.quotes), table.c.actor_id).limit(top)
        ranked = [(r.actor_id, r.quotes) for r in conn.execute(stmt)]
        if not count:
            return ranked, (0, False)
        ranked_ids = select(table.c.actor_id).where(*conds).order_by(desc(table.c.quotes), table.c.actor_id)
        some = ranked_ids.limit(COUNT_CAP + 1).subquery()  # the ranking's index, not a scan
        found = conn.scalar(select(func.count()).select_from(some)) or 0
        return ranked, (min(found, COUNT_CAP), found > COUNT_CAP)
    table = DAYS if win.outlet is None else OUTLET_DAYS
    n = func.sum(table.c.quotes).label("n")
    base = select(table.c.actor_id, n).where(*_days(table, s))
    if win.outlet is not None:
        base = base.where(OUTLET_DAYS.c.outlet == win.outlet)
    base = base.group_by(table.c.actor_id)
    extra = _edge_sums(conn, s, win, None, by_day=False) if s.edges else Counter()
    totals: Counter = Counter()
    actors_in_days = 0
    if s.has_days:
        # an edge can lift an actor of this page over `after`: read as many more as the edges have actors
        ranking = base.having(n > 0).add_columns(func.count().over().label("actors"))
        if after is not None:
            ranking = ranking.having(_after(n, table.c.actor_id, after))
        rows = conn.execute(ranking.order_by(desc(n), table.c.actor_id).limit(top + len(extra))).all()
        totals.update({r.actor_id: r.n for r in rows})
        actors_in_days = rows[0].actors if rows else 0
    others = sorted(set(extra) - set(totals))
    if others and s.has_days:
        totals.update({r.actor_id: r.n for r in conn.execute(base.where(table.c.actor_id.in_(others)))})
    only_edges = sum(1 for a in others if totals.get(a, 0) == 0)  # no whole day's quote: not in the aggregate
    totals.update(extra)
    ranked = sorted(((a, v) for a, v in totals.items() if v > 0), key=lambda av: (-av[1], av[0]))
    if after is not None:
        ranked = [(a, v) for a, v in ranked if (-v, a) > (-after[0], after[1])]
    return ranked[:top], (actors_in_days + only_edges, False)


def speaker_total(conn: Connection, actor_id: str, outlet: str | None = None) -> int:
    """An actor's quotes over all time (in `outlet`, if given) from the rollups."""
    if outlet is None:
        return conn.scalar(select(TOTALS.c.quotes).where(TOTALS.c.actor_id == actor_id)) or 0
    stmt = select(OUTLETS.c.quotes).where(OUTLETS.c.actor_id == actor_id, OUTLETS.c.outlet == outlet)
    return conn.scalar(stmt) or 0


def outlet_counts(conn: Connection, actor_ids: Sequence[str], win: Window) -> dict[str, list[dict[str, Any]]]:
    """Per actor: quotes by outlet (each quote once per outlet that carried it), most first."""
    if not actor_ids:
        return {}
    s = span(win)
    per: Counter = Counter()
    if s.all_time:
        stmt = select(OUTLETS.c.actor_id, OUTLETS.c.outlet, OUTLETS.c.quotes).where(
            OUTLETS.c.actor_id.in_(list(actor_ids))
        )
        if win.outlet is not None:
            stmt = stmt.where(OUTLETS.c.outlet == win.outlet)
        per.update({(r.actor_id, r.outlet): r.quotes for r in conn.execute(stmt)})
    else:
        if s.has_days:
            n = func.sum(OUTLET_DAYS.c.quotes).label("n")
            stmt = select(OUTLET_DAYS.c.actor_id, OUTLET_DAYS.c.outlet, n).where(
                OUTLET_DAYS.c.actor_id.in_(list(actor_ids)), *_days(OUTLET_DAYS, s)
            )
            if win.outlet is not None:
                stmt = stmt.where(OUTLET_DAYS.c.outlet == win.outlet)
            stmt = stmt.group_by(OUTLET_DAYS.c.actor_id, OUTLET_DAYS.c.outlet)
            per.update({(r.actor_id, r.outlet): r.n for r in conn.execute(stmt)})
        if s.edges:
            _, outlet_days = edge_counts(conn, s, actor_ids)
            for (a, _, o), v in outlet_days.items():
                if win.outlet is None or o == win.outlet:
                    per[(a, o)] += v
    out: dict[str, list[dict[str, Any]]] = {}
    for (a, o), v in per.items():
        if v > 0:
            out.setdefault(a, []).append({"outlet": o or None, "quotes": v})
    for rows in out.values():
        rows.sort(key=lambda c: (-c["quotes"], c["outlet"] or ""))
    return out


def quotes_per_day(conn: Connection, actor_id: str, win: Window) -> Counter:
    """Day -> quotes of one actor whose first copy (in the window's outlet, if any) ran that day in `win`."""
    s = span(win)
    per: Counter = Counter()
    if s.has_days:
        if win.outlet is None:
            stmt = select(DAYS.c.day, DAYS.c.quotes).where(DAYS.c.actor_id == actor_id, *_days(DAYS, s))
        else:
            stmt = select(OUTLET_DAYS.c.day, OUTLET_DAYS.c.quotes).where(
                OUTLET_DAYS.c.actor_id == actor_id, OUTLET_DAYS.c.outlet == win.outlet, *_days(OUTLET_DAYS, s)
            )
        for r in conn.execute(stmt):
            per[as_day(r.day)] += r.quotes
    if s.edges:
        per.update(_edge_sums(conn, s, win, [actor_id], by_day=True))
    return Counter({d: v for d, v in per.items() if v > 0})


__all__ = [
    "Span",
    "span",
    "edge_facts",
    "edge_counts",
    "top_actors",
    "ranked_page",
    "speaker_total",
    "outlet_counts",
    "quotes_per_day",
]
