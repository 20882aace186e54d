"""`newsflow run`: every stage in this process (or a pool of `--jobs`), JSON Lines out, optionally into a store."""

from __future__ import annotations

import argparse
import sys
from itertools import chain, islice

import orjson

from newsflow.cli.common import finish_inputs, settings_from
from shared.core.settings import STAGES, Settings

PROGRESS_FROM = 50  # inputs from which a progress bar is shown


def cmd_run(args: argparse.Namespace) -> int:
    """Enrich articles from files/stdin with every stage in this process; JSON Lines to stdout."""
    from newsflow.inputs import InputReport, read_inputs
    from newsflow.runners.parallel import default_jobs
    from newsflow.runners.pipeline import as_output, dead_letter_dict
    from shared.core.batch import DeadLetter

    settings = settings_from(args)
    report = InputReport()
    source = read_inputs(args.files or ["-"], report=report, max_page_bytes=settings.max_raw_bytes)
    # Inputs stream (an archive may hold millions of pages): read ahead only what choosing the pool needs.
    ahead = max(PROGRESS_FROM, settings.batch_size * (args.jobs or default_jobs()))
    head = list(islice(source, ahead + 1))
    known = len(head) if len(head) <= ahead else None  # None: more than read ahead, how many is not known yet
    store = None
    if args.store:  # issue 19: enrich and store in one process; opened first, so a bad store stops it at once
        from newsflow.cli.store import write_dead
        from newsflow.store.embedded import EmbeddedStore

        store = EmbeddedStore(args.store, settings.batch_size)
    pipeline = _embedded_pipeline(settings, args, len(head))
    out = sys.stdout.buffer
    failures = items = 0
    progress = None
    if known is None or known >= PROGRESS_FROM:
        from tqdm import tqdm

        progress = tqdm(total=known, unit="article", file=sys.stderr, disable=None)
    try:
        for result in pipeline.run(chain(head, source)):
            items += 1
            if isinstance(result, DeadLetter):
                failures += 1
                sys.stderr.write(orjson.dumps(dead_letter_dict(result)).decode() + "\n")
            else:
                out.write(orjson.dumps(as_output(result)) + b"\n")
                if store is not None:
                    failures += write_dead(store.add(as_output(result)))
            if progress is not None:
                progress.update(1)
        out.flush()
    finally:
        if progress is not None:
            progress.close()
        pipeline.close()
        if store is not None:
            failures += write_dead(store.close())
            sys.stderr.write(f"newsflow run: {store.stored} distinct article(s) stored in {args.store}\n")
    return finish_inputs("newsflow run", report, items, failures, "could not be enriched")


def _embedded_pipeline(settings: Settings, args: argparse.Namespace, n_items: int):
    """The pipeline `newsflow run` uses: in this process for one job, else over `--jobs` processes.

    No more processes than batches: a handful of articles is not worth starting a pool for.
    """
    from newsflow.runners.parallel import ParallelPipeline, default_jobs

    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs {args.jobs}: give 1 or more")
    jobs = min(args.jobs or default_jobs(), -(-n_items // max(1, settings.batch_size)))
    if jobs <= 1:
        from newsflow.bootstrap import build_pipeline

        return build_pipeline(settings, args.stages)
    return ParallelPipeline(settings, args.stages, jobs)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run` to the `newsflow` parser."""
    r = sub.add_parser("run", help="enrich articles in this process (no servers); JSON Lines to stdout")
    r.add_argument("files", nargs="*", help="JSON Lines, JSON, .txt, .html, .warc[.gz] files or folders; - for stdin")
    r.add_argument("--stages", default=None, help=f"comma-separated subset of {','.join(STAGES)}")
    r.add_argument("--model", default=None, help="spaCy model package or path (NEWSFLOW_MODEL)")
    r.add_argument("--batch-size", type=int, default=None)
    r.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes to run the stages in (default: the number of cores; 1: this process only)",
    )
    r.add_argument("--store", default=None, help="also store the events: a SQLite file (news.db) or a store URL")
    r.set_defaults(func=cmd_run)


__all__ = ["cmd_run", "register"]
