"""`newsflow store reprocess`: its options, and what it says while and after it runs (newsflow.runners.reprocess)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newsflow.cli.common import settings_from

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from newsflow.runners.reprocess import Outcome, Redone
    from newsflow.store.reprocess import Plan, Tally


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `store reprocess` (the store's own `--store`/`--url` is added by the caller)."""
    from newsflow.runners.reprocess import DEFAULT_BATCH

    p.add_argument("--since", default=None, help="articles from this date or date-time (ISO-8601, UTC)")
    p.add_argument("--until", default=None, help="articles before this date-time; a bare date includes that day")
    p.add_argument("--outlet", default=None, help="articles of this outlet only")
    p.add_argument("--jobs", type=int, default=None, help="processes to run the stages in (default: the cores)")
    p.add_argument(
        "--batch", type=int, default=DEFAULT_BATCH, help=f"articles per read and per transaction ({DEFAULT_BATCH})"
    )
    p.add_argument("--force", action="store_true", help="run again a scope already finished with this model")
    p.add_argument("--model", default=None, help="spaCy model package or path (NEWSFLOW_MODEL)")


def tally_line(t: Tally) -> str:
    """The counts of a tally in words."""
    return (
        f"{t.articles} article(s) reprocessed ({t.written} changed, {t.articles - t.written - t.failed} unchanged, "
        f"{t.failed} refused and kept as stored); quotes: {t.speaker_changed} changed speaker, "
        f"{t.quotes_added} added, {t.quotes_removed} removed"
    )


class Progress:
    """A progress bar on a terminal; else one plain line per batch written (on stderr)."""

    def __init__(self, out: IO[str] | None = None, tty: bool | None = None) -> None:
        out = out or sys.stderr
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.bar: Any = None
        self.left = 0
        self.done = 0

    def started(self, plan: Plan, left: int) -> None:
        """Say where the run starts and how many articles it has left."""
        self.left = left
        if plan.state == "resume":
            self.out.write(
                f"reprocess: resuming after article {plan.run.last_id!r} ({plan.run.tally.articles} done before)\n"
            )
        elif plan.before is not None and plan.before.version != plan.run.version:
            self.out.write(f"reprocess: the last run of this scope was with {plan.before.version}; starting over\n")
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=left, unit="article", file=self.out, dynamic_ncols=True)

    def batch(self, outcome: Outcome, n: int) -> None:
        """One batch committed: move the bar, or print a line."""
        self.done += n
        changed = outcome.tally.speaker_changed
        if self.bar is not None:
            self.bar.set_postfix_str(f"{changed} changed speaker", refresh=False)
            self.bar.update(n)
            return
        rate = self.done / outcome.seconds if outcome.seconds > 0 else 0.0
        self.out.write(
            f"reprocess: {self.done}/{self.left} articles ({100 * self.done / max(1, self.left):.0f}%), "
            f"{rate:.1f} articles/s, {changed} quote(s) changed speaker\n"
        )
        self.out.flush()

    def close(self) -> None:
        """Take the bar off the terminal."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def dead_line(redone: Redone, out: IO[str] | None = None) -> None:
    """An article a stage refused, as `newsflow run` reports its inputs (it stays as stored)."""
    import orjson

    (out or sys.stderr).write(
        orjson.dumps({"origin": redone.id, "stage": redone.stage, "error": redone.reason}).decode() + "\n"
    )


def reprocess(args: argparse.Namespace, engine: Engine) -> int:
    """Run `store reprocess` on `engine`; print what it did. A store error propagates (the caller names the store)."""
    from newsflow.bootstrap import reprocess_version
    from newsflow.runners.parallel import default_jobs
    from newsflow.runners.reprocess import Hooks, Job
    from newsflow.store.engine import sqlite_path
    from newsflow.store.migrate import upgrade_engine
    from newsflow.store.params import window
    from newsflow.store.queries import StoreMissing
    from newsflow.store.reprocess import Scope

    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is not None and not Path(path).exists():  # reprocess never makes a store
        raise StoreMissing(f"no store at {path} (make one with `newsflow run --store {path} INPUT`)")
    settings = settings_from(args)
    scope = Scope(window(args.since, args.until, args.outlet))
    jobs = default_jobs() if args.jobs is None else args.jobs
    job = Job(engine, settings, scope, batch=args.batch, jobs=jobs, force=args.force)
    upgrade_engine(engine)  # the progress table (revision 0005) and anything else behind
    version = reprocess_version(settings)
    shown = Progress()
    t0 = time.perf_counter()
    try:
        outcome = job.run(version, Hooks(started=shown.started, batch=shown.batch, dead=dead_line))
    finally:
        shown.close()
    _report(outcome, time.perf_counter() - t0)
    return 1 if outcome.tally.failed else 0


def _report(outcome: Outcome, seconds: float) -> None:
    out = sys.stdout
    plan = outcome.plan
    if plan.state == "finished":
        out.write(
            f"nothing to do: this scope was reprocessed with {plan.run.version} (finished "
            f"{plan.run.finished_at:%Y-%m-%d %H:%M} UTC: {tally_line(plan.run.tally)}); --force runs it again\n"
        )
        return
    t = outcome.tally
    rate = t.articles / seconds if seconds > 0 else 0.0
    out.write(f"{tally_line(t)}; {seconds:.1f} s, {rate:.1f} articles/s, {outcome.jobs} job(s)\n")
    if plan.state == "resume":
        out.write(f"the whole run (resumed): {tally_line(outcome.total)}\n")
    out.write(f"with {plan.run.version}\n")


__all__ = ["Progress", "add_arguments", "dead_line", "reprocess", "tally_line"]
