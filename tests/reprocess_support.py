"""What the `newsflow store reprocess` tests share (not a test module): a quotes stage that attributes otherwise,
injected through the composition root, a small archive to store, and a recount of the stored quotes.

`build_moved_quotes` is imported by name in the template process of the pool (`--jobs`), so it lives in a
module of the tests' path, not in a test module.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from data import news_corpus
from pages import page
from sqlalchemy import Engine, select

from newsflow.bootstrap import STAGE_BUILDERS
from newsflow.store import schema
from shared.core.events import ArticleEnriched
from shared.core.settings import Settings
from shared.core.stage import Rejected, Stage, StageDeps

OUTLETS = ("Daily Ledger", "Harbour Wire")


def moved(event: ArticleEnriched) -> ArticleEnriched:
    """The event as a model that attributes otherwise makes it: each quote said by a person the article names
    moves to the next person it names; of three quotes or more, the last is not found at all."""
    people = [e.name for e in event.entities if e.label == "PERSON"]
    quotes = list(event.quotes)
    if len(quotes) >= 3:
        quotes = quotes[:-1]
    if len(people) >= 2:
        quotes = [
            dataclasses.replace(q, speaker=people[(people.index(q.speaker) + 1) % len(people)])
            if q.speaker in people
            else q
            for q in quotes
        ]
    return dataclasses.replace(event, quotes=tuple(quotes))


def build_moved_quotes(settings: Settings, deps: StageDeps) -> Stage:
    """The quotes stage of the registry with its output moved (`moved`): another attribution, same interface."""
    real = STAGE_BUILDERS["quotes"](settings, deps)

    def process(events: Sequence[Any]) -> list:
        return [r if isinstance(r, Rejected) else moved(r) for r in real.process(events)]

    return Stage(name="quotes", reads=real.reads, process=process, close=real.close)


MOVED = {"quotes": build_moved_quotes}


def archive(n: int, tag: str) -> list[dict]:
    """`n` generated articles over four days of March 2024 in two outlets, a copy of the first two in the other
    outlet an hour later (dedup: duplicates of them), and one web page (normalize runs on its body again)."""
    out = []
    for i, a in enumerate(news_corpus.articles(n, tag)):
        out.append({**a, "source": OUTLETS[i % 2], "published_at": f"2024-03-0{1 + i % 4}T10:00:00Z"})
    for a in out[:2]:
        copy = dict(a, id=a["id"] + "-copy", source=OUTLETS[1 - OUTLETS.index(a["source"])])
        out.append(dict(copy, published_at=copy["published_at"].replace("T10", "T11")))
    out.append({"id": f"{tag}-page", "body": page("en_minister.html"), "url": "https://news.example/minister"})
    return out


def quote_rows(engine: Engine) -> dict[tuple[str, int], tuple[str, str | None]]:
    """Every stored quote by (article, position): its words and its speaker."""
    q = schema.quotes
    with engine.connect() as conn:
        return {(r.article_id, r.idx): (r.text, r.speaker) for r in conn.execute(select(q))}


def verdicts(engine: Engine) -> dict[str, tuple]:
    """Every article's dedup verdict and story as stored."""
    a = schema.articles
    with engine.connect() as conn:
        query = select(a.c.id, a.c.story_id, a.c.dedup_status, a.c.duplicate_of, a.c.similarity)
        return {r.id: tuple(r[1:]) for r in conn.execute(query)}


def recount(
    before: dict[tuple[str, int], tuple[str, str | None]], after: dict[tuple[str, int], tuple[str, str | None]]
) -> tuple[int, int, int]:
    """(changed speaker, added, removed) between two `quote_rows`, counted by position: the moved stage keeps
    each quote where it was, so a quote at the same position with the same words is the same quote."""

    def who(speaker: str | None) -> str:
        return " ".join((speaker or "").casefold().split())

    both = before.keys() & after.keys()
    assert all(before[k][0] == after[k][0] for k in both), "a quote's words changed at its position"
    changed = sum(who(before[k][1]) != who(after[k][1]) for k in both)
    return changed, len(after.keys() - before.keys()), len(before.keys() - after.keys())
