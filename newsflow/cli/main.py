"""The `newsflow` command: run, eval, stack, worker, dashboard, publish, tail, topics."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Sequence

import orjson

from shared.core.settings import STAGES, Settings

log = logging.getLogger("newsflow")


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    overrides = {}
    if getattr(args, "model", None):
        overrides["model"] = args.model
    if getattr(args, "batch_size", None):
        overrides["batch_size"] = args.batch_size
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    """Enrich articles from files/stdin with every stage in this process; JSON Lines to stdout."""
    from newsflow.inputs import read_inputs
    from newsflow.runners.pipeline import as_output, dead_letter_dict
    from shared.core.batch import DeadLetter

    settings = _settings(args)
    items = list(read_inputs(args.files or ["-"]))
    pipeline = _embedded_pipeline(settings, args, len(items))
    out = sys.stdout.buffer
    failures = 0
    store = None
    if args.store:  # issue 19: enrich and store in one process
        from newsflow.cli.store import write_dead
        from newsflow.store.embedded import EmbeddedStore

        store = EmbeddedStore(args.store, settings.batch_size)
    progress = None
    if len(items) >= 50:
        from tqdm import tqdm

        progress = tqdm(total=len(items), unit="article", file=sys.stderr, disable=None)
    try:
        for result in pipeline.run(items):
            if isinstance(result, DeadLetter):
                failures += 1
                sys.stderr.write(orjson.dumps(dead_letter_dict(result)).decode() + "\n")
            else:
                out.write(orjson.dumps(as_output(result)) + b"\n")
                if store is not None:
                    failures += write_dead(store.add(as_output(result)))
            if progress:
                progress.update(1)
        out.flush()
    finally:
        if progress:
            progress.close()
        pipeline.close()
        if store is not None:
            failures += write_dead(store.close())
            sys.stderr.write(f"newsflow run: {store.stored} article(s) stored in {args.store}\n")
    if failures:
        sys.stderr.write(f"newsflow run: {failures} of {len(items)} article(s) could not be enriched (see above)\n")
        return 1
    return 0


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


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the pipeline on INPUT and print score.py's figures against GOLD."""
    from newsflow.evaluation.evaluate import evaluate, format_report

    result = evaluate(args.gold, args.input, _settings(args), scorer_path=args.scorer)
    if args.json:
        sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(format_report(result))
    return 0


def cmd_stack(args: argparse.Namespace) -> int:
    """Start, stop or show the local Kafka broker and Redis."""
    from newsflow.devstack.stack import LocalStack, StackConfig, StackError

    try:
        config = StackConfig.from_env().with_brokers(args.brokers)
    except StackError as err:
        sys.stderr.write(f"newsflow stack {args.action}: {err}\n")
        return 2
    stack = LocalStack(config)
    try:
        if args.action == "up":
            exports = stack.up()
            if stack.kafka_start_s:
                sys.stderr.write(f"kafka broker up in {stack.kafka_start_s:.1f}s; redis up\n")
            from shared.adapters.kafka import ensure_topics, wait_for_broker

            settings = Settings.from_env(dict(os.environ, **exports))
            wait_for_broker(settings)
            ensure_topics(settings)
            for k, v in exports.items():
                print(f"export {k}={v}")
        elif args.action == "down":
            stack.down()
            print("stack stopped")
        else:
            status = stack.status()
            for name, ok in status.items():
                print(f"{name}: {'up' if ok else 'down'}")
            for k, v in stack.exports().items():
                print(f"export {k}={v}")
            return 0 if all(status.values()) else 3
    except StackError as err:
        sys.stderr.write(f"newsflow stack {args.action}: {err}\n")
        return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run one faust worker of a stage until SIGTERM."""
    from newsflow.bootstrap import run_worker

    if args.stage == "sink":  # issue 19: the store's sink is a worker too
        from newsflow.cli.store import cmd_sink

        return cmd_sink(args)
    run_worker(_settings(args), args.stage, loglevel=args.loglevel)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the web page that follows articles.enriched live, with per-stage throughput and lag."""
    from dataclasses import replace

    from newsflow.web.dashboard.server import run_dashboard

    settings = _settings(args)
    overrides = {k: v for k, v in (("dashboard_host", args.host), ("dashboard_port", args.port)) if v is not None}
    if overrides:
        settings = replace(settings, **overrides)
    if settings.log_format.lower() == "json":
        import logging.config

        from shared.adapters.observability.logjson import logging_config

        logging.config.dictConfig(logging_config(settings.log_level, {"component": "dashboard"}))
    sys.stderr.write(
        f"newsflow dashboard: http://{settings.dashboard_host}:{settings.dashboard_port}/ "
        f"following {settings.topics.enriched}\n"
    )
    run_dashboard(settings)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish articles from files/stdin to the raw topic (or --topic)."""
    from newsflow.inputs import read_inputs
    from shared.adapters.kafka import Publisher, ensure_topics

    settings = _settings(args)
    ensure_topics(settings)
    n = 0
    with Publisher(settings, topic=args.topic) as pub:
        futures = []
        for item in read_inputs(args.files or ["-"]):
            key = None
            try:
                obj = orjson.loads(item.data)
                if isinstance(obj, dict) and obj.get("id") is not None:
                    key = str(obj["id"]).encode()
            except orjson.JSONDecodeError:
                pass
            futures.append(pub.publish(item.data, key=key))
            n += 1
        pub.flush()
        for f in futures:
            f.get(timeout=60)
    sys.stderr.write(f"published {n} article(s) to {args.topic or settings.topics.raw}\n")
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    """Print messages of a topic as JSON Lines (dead letters with their reason)."""
    from shared.adapters.kafka import tail

    settings = _settings(args)
    out = sys.stdout.buffer
    for rec in tail(
        settings, args.topic, from_beginning=args.from_beginning, max_messages=args.max, timeout_s=args.timeout
    ):
        if args.meta or rec.topic == settings.topics.dlq:
            meta = {
                "topic": rec.topic,
                "partition": rec.partition,
                "offset": rec.offset,
                "key": rec.key.decode("utf-8", "replace") if rec.key else None,
                "headers": {k: (v.decode("utf-8", "replace") if v else None) for k, v in rec.headers},
                "value": rec.value.decode("utf-8", "replace") if rec.value is not None else None,
            }
            out.write(orjson.dumps(meta) + b"\n")
        else:
            out.write(rec.value + b"\n")
        out.flush()
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    """Create the flow's topics with the configured partition count."""
    from shared.adapters.kafka import ensure_topics

    settings = _settings(args)
    created = ensure_topics(settings)
    print(f"created: {', '.join(created) or 'none (all exist)'}")
    return 0


def _to_stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure the pipeline against bare spaCy NER (ratios within one run) and print the figures."""
    from pathlib import Path

    from newsflow.evaluation.benchmark import DEFAULT_CORPUS, format_table, run_bench

    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    corpus = Path(args.corpus) if args.corpus else DEFAULT_CORPUS
    if not corpus.exists():
        sys.stderr.write(f"newsflow bench: corpus {corpus} not found (pass --corpus)\n")
        return 2
    results = run_bench(
        parts,
        args.articles,
        args.repeat,
        _settings(args),
        corpus=corpus,
        latency_articles=args.latency_articles,
        report=_to_stderr,
        scaling_trials=args.scaling_trials,
    )
    if args.json:
        sys.stdout.write(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(format_table(results))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `newsflow`."""
    p = argparse.ArgumentParser(prog="newsflow", description="News-article enrichment pipeline.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="enrich articles in this process (no servers); JSON Lines to stdout")
    r.add_argument("files", nargs="*", help="JSON Lines, JSON, .txt files or folders; - for stdin")
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

    e = sub.add_parser("eval", help="score the pipeline on a gold file (../shared/eval)")
    e.add_argument("gold")
    e.add_argument("input")
    e.add_argument("--model", default=None)
    e.add_argument("--json", action="store_true", help="the whole result, with a sample of errors")
    e.add_argument("--scorer", default=None, help="a score.py to use instead of the bundled copy")
    e.set_defaults(func=cmd_eval)

    s = sub.add_parser("stack", help="local Kafka (KRaft) and Redis without Docker")
    s.add_argument("action", choices=["up", "down", "status"])
    s.add_argument(
        "--brokers",
        type=int,
        default=None,
        help="Kafka nodes (3: a replicated KRaft cluster); down/status: those of the last up",
    )
    s.set_defaults(func=cmd_stack)

    w = sub.add_parser("worker", help="run one faust worker of a stage")
    w.add_argument("stage", choices=[*STAGES, "sink"])
    w.add_argument("--model", default=None)
    w.add_argument("--loglevel", default="info")
    w.set_defaults(func=cmd_worker)

    d = sub.add_parser("dashboard", help="web page following articles.enriched live, with stage throughput and lag")
    d.add_argument("--host", default=None, help="address to listen on (NEWSFLOW_DASHBOARD_HOST)")
    d.add_argument("--port", type=int, default=None, help="port to listen on (NEWSFLOW_DASHBOARD_PORT)")
    d.set_defaults(func=cmd_dashboard)

    pub = sub.add_parser("publish", help="publish articles to Kafka (articles.raw)")
    pub.add_argument("files", nargs="*")
    pub.add_argument("--topic", default=None)
    pub.set_defaults(func=cmd_publish)

    t = sub.add_parser("tail", help="print a topic's messages (default articles.enriched)")
    t.add_argument("--topic", default=None)
    t.add_argument("--from-beginning", action="store_true")
    t.add_argument("--max", type=int, default=None)
    t.add_argument("--timeout", type=float, default=10.0, help="stop after this many seconds of silence")
    t.add_argument("--meta", action="store_true", help="wrap each message with topic/partition/offset/headers")
    t.set_defaults(func=cmd_tail)

    b = sub.add_parser("bench", help="speed of the pipeline against bare spaCy NER, as ratios in one run")
    b.add_argument(
        "--parts",
        default="stages,extraction,embedded,jobs,kafka,scaling",
        help="comma-separated: stages, extraction (HTML pages), embedded, jobs (--jobs 1 vs 2), kafka (with latency), "
        "scaling; also parse (not by default: the pipeline with its parse against bare spaCy's same model work)",
    )
    b.add_argument("--articles", type=int, default=600)
    b.add_argument("--repeat", type=int, default=3, help="alternated runs of the embedded comparison")
    b.add_argument("--latency-articles", type=int, default=300)
    b.add_argument("--scaling-trials", type=int, default=2, help="alternated 1-worker/2-worker trials of scaling")
    b.add_argument("--corpus", default=None, help="JSON Lines articles (default ../shared/corpora/bbc.jsonl)")
    b.add_argument("--model", default=None)
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_bench)

    tp = sub.add_parser("topics", help="create the flow's topics")
    tp.set_defaults(func=cmd_topics)

    from newsflow.cli.store import register as register_store

    register_store(sub)
    from newsflow.cli.query import add_query_commands  # issue 19: query, serve

    add_query_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsflow` command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("NEWSFLOW_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.func(args) or 0
    except (ValueError, FileNotFoundError, TimeoutError) as err:
        sys.stderr.write(f"newsflow {args.command}: {err}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
