"""`newsflow store reprocess`: the stages run again on stored articles, from their stored bodies, upserted back.

An article's stored event is its input: where it kept a body that is not its text (a web page, a body with
debris normalize removed) normalize runs again on that body, with the article's metadata as stored; else its
text is taken as normalize left it. Its dedup verdict is kept as stored (dedup is not run: over an archive it
would find each article's own first copy), then entities and quotes run (newsflow.bootstrap.REPROCESS_STAGES).

Articles are read in id order a batch at a time (newsflow.store.reprocess), their chunks run in this process
(`jobs` 1) or in the workers of a `ForkedPool` forked from one template that loaded the model, as
`newsflow run --jobs` runs them, one batch ahead of the one being written; each batch is upserted through the
`StoreWriter` (rollups kept in its transaction) with the run's progress in the same transaction, so a run
killed at any point continues after the last batch that committed and does each article once.

An article a stage refuses now (its body no longer passes normalize, say) is kept as stored and reported as
`newsflow run` reports its inputs (`on_dead`).
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence

import orjson
from sqlalchemy import Connection, Engine

from newsflow.runners.forked_pool import ForkedPool
from newsflow.runners.pipeline import run_stages
from newsflow.store import reprocess as progress
from newsflow.store.engine import writing
from newsflow.store.reprocess import Plan, Scope, Tally, quote_changes
from newsflow.store.rows import ArticleRows, article_rows
from newsflow.store.writer import StoreWriter
from shared.core.events import (
    ArticleCleaned,
    ArticleDeduplicated,
    DedupVerdict,
    InvalidEvent,
    from_dict,
    promote,
    to_dict,
)
from shared.core.settings import Settings
from shared.core.stage import Stage, StageBuilder

# Fields a stage adds to the raw article: what remains of a stored event is the raw article normalize read.
ADDED_BY_STAGES = frozenset(
    {"schema_version", "text", "signature", "dateline", "removed", "entities", "parse", "quotes", "dedup", "trace"}
)
DEFAULT_BATCH = 256  # articles per read and per transaction
MAX_BATCH = 10_000


def needs_normalize(event: Mapping[str, Any]) -> bool:
    """Whether normalize runs again on a stored article: it kept a body that is not its text."""
    body = event.get("body")
    return isinstance(body, str) and body != event.get("text")


def raw_article(event: Mapping[str, Any]) -> dict[str, Any]:
    """The raw article normalize reads again: the body and the metadata as stored, the stages' fields left out."""
    return {k: v for k, v in event.items() if k not in ADDED_BY_STAGES and v is not None}


def stored_verdict(event: Mapping[str, Any]) -> DedupVerdict | None:
    """The article's dedup verdict as stored (None when it was stored without dedup)."""
    d = event.get("dedup")
    if not isinstance(d, Mapping) or not d.get("cluster_id"):
        return None
    return DedupVerdict(str(d.get("status")), d.get("duplicate_of"), float(d.get("similarity") or 0.0), d["cluster_id"])


@dataclass(frozen=True)
class Redone:
    """One article run again: its new event (None: a stage refused it, `stage` and `reason` say why; it stays as
    stored) and how its quotes changed."""

    id: str
    event: dict[str, Any] | None
    changes: Tally = Tally()
    stage: str | None = None
    reason: str | None = None


class Reprocessor:
    """Runs the reprocess stages (built by newsflow.bootstrap.build_reprocess_stages) over stored events."""

    def __init__(self, stages: Mapping[str, Stage], settings: Settings) -> None:
        self.normalize = stages["normalize"]
        self.rest = [stages["entities"], stages["quotes"]]
        self.settings = settings

    def __call__(self, events: Sequence[Mapping[str, Any]]) -> list[Redone]:
        """Each stored event's new event, or why a stage refused it, in order."""
        s = self.settings
        refused: dict[int, tuple[str, str]] = {}
        cleaned: list[tuple[int, ArticleCleaned]] = []
        raw: list[tuple[int, bytes]] = []
        for i, event in enumerate(events):
            if needs_normalize(event):
                raw.append((i, orjson.dumps(raw_article(event))))
                continue
            try:
                cleaned.append((i, from_dict(ArticleCleaned, dict(event))))
            except InvalidEvent as err:
                refused[i] = ("normalize", f"invalid event: {err}")
        if raw:
            live, _, dead = run_stages(
                [self.normalize],
                raw,
                encoded=True,
                wire=False,
                max_message_bytes=s.max_message_bytes,
                max_input_bytes=s.max_input_bytes("normalize"),
            )
            cleaned += live
            refused.update((d.source, (d.stage, d.reason)) for d in dead)
        deduped = [
            (i, promote(e, ArticleDeduplicated, dedup=stored_verdict(events[i]), trace=_trace(events[i], e)))
            for i, e in sorted(cleaned, key=lambda x: x[0])
        ]
        live, _, dead = run_stages(
            self.rest,
            deduped,
            encoded=False,
            wire=s.embedded_wire,
            max_message_bytes=s.max_message_bytes,
            max_input_bytes=s.max_message_bytes,
        )
        refused.update((d.source, (d.stage, d.reason)) for d in dead)
        out: dict[int, Redone] = {
            i: Redone(str(events[i].get("id")), None, Tally(), *why) for i, why in refused.items()
        }
        for i, e in live:
            new = to_dict(e)
            out[i] = Redone(e.id, new, quote_changes(events[i].get("quotes") or [], new.get("quotes") or []))
        return [out[i] for i in range(len(events))]

    def close(self) -> None:
        """Release the stages."""
        for stage in (self.normalize, *self.rest):
            stage.close()


def _trace(stored: Mapping[str, Any], event: ArticleCleaned) -> dict:
    """The stored trace (dedup's entry stays) with the entries of the stages run now over it."""
    old = stored.get("trace")
    return {**(old if isinstance(old, Mapping) else {}), **event.trace}


def _build_worker(settings: Settings, builders: Mapping[str, StageBuilder] | None) -> Reprocessor:
    """In the pool's template process: the stages built once (the model loaded) for the workers forked from it."""
    from newsflow.bootstrap import build_reprocess_stages

    return Reprocessor(build_reprocess_stages(settings, builders), settings)


class _Here:
    """Chunks run in this process, at once."""

    def __init__(self, settings: Settings, builders: Mapping[str, StageBuilder] | None) -> None:
        self.run = _build_worker(settings, builders)

    def submit(self, events: list, priority: Any) -> Future:
        future: Future = Future()
        future.set_result(self.run(events))
        return future

    def wait(self) -> None:
        """Nothing runs elsewhere."""

    def close(self) -> None:
        self.run.close()


class _Pool:
    """Chunks run in `jobs` workers forked from a template that built the stages once."""

    def __init__(self, settings: Settings, builders: Mapping[str, StageBuilder] | None, jobs: int) -> None:
        self.pool = ForkedPool(jobs, _build_worker, (settings, builders))

    def submit(self, events: list, priority: Any) -> Future:
        return self.pool.submit(events, priority=priority)

    def wait(self) -> None:
        self.pool.wait()

    def close(self) -> None:
        self.pool.close()


@dataclass
class _Batch:
    events: list[dict[str, Any]]
    futures: list[Future]
    after: str | None  # the run's last article before this batch


@dataclass
class Outcome:
    """What a run did: where it started (`plan`), what this process did (`tally`), the run's whole tally so far
    (`total`, earlier processes of a resumed run included), and how long this process took."""

    plan: Plan
    tally: Tally = Tally()
    total: Tally = Tally()
    seconds: float = 0.0
    jobs: int = 1
    finished: bool = False


@dataclass
class Hooks:
    """What a caller hears during a run: `started(plan, left)` once articles are counted, `batch(outcome, n)`
    after each batch committed (n articles), `dead(redone)` per article a stage refused."""

    started: Callable[[Plan, int], None] = lambda plan, left: None
    batch: Callable[[Outcome, int], None] = lambda outcome, n: None
    dead: Callable[[Redone], None] = lambda redone: None


@dataclass
class Job:
    """One `newsflow store reprocess`: the store (`engine`), the articles (`scope`), how to run the stages."""

    engine: Engine
    settings: Settings
    scope: Scope = field(default_factory=Scope)
    batch: int = DEFAULT_BATCH
    jobs: int = 1
    force: bool = False
    builders: Mapping[str, StageBuilder] | None = None  # replaced stage builders (tests)

    def run(self, version: str, hooks: Hooks | None = None) -> Outcome:
        """Reprocess the scope's articles not done yet with `version` of the stages; see the module docstring."""
        hooks = hooks or Hooks()
        if not 1 <= self.batch <= MAX_BATCH:
            raise ValueError(f"--batch {self.batch}: give 1 to {MAX_BATCH}")
        if self.jobs < 1:
            raise ValueError(f"--jobs {self.jobs}: give 1 or more")
        t0 = time.perf_counter()
        with writing(self.engine).begin() as conn:
            plan = progress.plan(conn, self.scope, version, _now(), force=self.force)
        outcome = Outcome(plan, total=plan.run.tally)
        if plan.state == "finished":
            return outcome
        with self.engine.connect() as conn:
            left = progress.count_after(conn, self.scope, plan.run.last_id)
        hooks.started(plan, left)
        last = plan.run.last_id
        if left:
            # chunks of a quarter batch of the stages, as `newsflow run --jobs`; no more processes than chunks
            chunk = max(4, self.settings.batch_size // 4)
            outcome.jobs = max(1, min(self.jobs, -(-left // chunk)))
            if outcome.jobs == 1:
                runner: _Here | _Pool = _Here(self.settings, self.builders)
            else:
                runner = _Pool(self.settings, self.builders, outcome.jobs)
            try:
                last = self._loop(runner, plan, outcome, hooks, chunk if outcome.jobs > 1 else self.batch, t0)
            finally:
                runner.close()
        with writing(self.engine).begin() as conn:
            progress.finish(conn, self.scope, version, last, _now())
        outcome.finished = True
        outcome.seconds = time.perf_counter() - t0
        return outcome

    def _loop(
        self, runner: _Here | _Pool, plan: Plan, outcome: Outcome, hooks: Hooks, chunk: int, t0: float
    ) -> str | None:
        """Read, run and write batch after batch, one batch ahead in the workers; returns the last article id."""
        writer = StoreWriter(self.engine)
        ahead = 2 if isinstance(runner, _Pool) else 1  # batches in flight: the next runs while this one is written
        cursor = plan.run.last_id
        pending: deque[_Batch] = deque()
        number = 0
        while True:
            while len(pending) < ahead:
                with self.engine.connect() as conn:
                    events = progress.articles_after(conn, self.scope, cursor, self.batch)
                if not events:
                    break
                futures = [
                    runner.submit(events[i : i + chunk], priority=(number, i)) for i in range(0, len(events), chunk)
                ]
                pending.append(_Batch(events, futures, cursor))
                cursor, number = events[-1]["id"], number + 1
            if not pending:
                return cursor
            head = pending.popleft()
            while not all(f.done() for f in head.futures):
                runner.wait()
            done = [r for f in head.futures for r in f.result()]
            self._write(writer, plan.run.version, head, done, outcome, hooks)
            outcome.seconds = time.perf_counter() - t0
            hooks.batch(outcome, len(head.events))

    def _write(
        self, writer: StoreWriter, version: str, batch: _Batch, done: list[Redone], outcome: Outcome, hooks: Hooks
    ) -> None:
        """Upsert one batch's new events and record the batch done, in one transaction."""
        now = _now()
        rows: list[ArticleRows] = []
        tally = Tally(articles=len(done))
        for redone in done:
            if redone.event is not None:
                try:
                    rows.append(article_rows(redone.event, now))
                    tally += redone.changes
                    continue
                except InvalidEvent as err:
                    redone = Redone(redone.id, None, Tally(), "sink", f"invalid event: {err}")
            tally += Tally(failed=1)
            hooks.dead(redone)
        last_id = batch.events[-1]["id"]
        kept: list[Tally] = []

        def record(conn: Connection, written: int) -> None:
            kept.append(tally + Tally(written=written))
            progress.save(conn, self.scope, version, batch.after, last_id, kept[-1], now)

        writer.write_rows(rows, then=record)
        outcome.tally += kept[-1]
        outcome.total += kept[-1]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


__all__ = [
    "ADDED_BY_STAGES",
    "DEFAULT_BATCH",
    "Hooks",
    "Job",
    "Outcome",
    "Redone",
    "Reprocessor",
    "needs_normalize",
    "raw_article",
    "stored_verdict",
]
