"""The Kafka side of `newsflow`: `worker` (one stage's worker), `publish`, `tail` and `topics`."""

from __future__ import annotations

import argparse
import sys

import orjson

from newsflow.cli.common import finish_inputs, settings_from
from shared.core.settings import STAGES

PUBLISH_WINDOW = 1000  # sends in flight before `publish` waits for their acknowledgements


def cmd_worker(args: argparse.Namespace) -> int:
    """Run one faust worker of a stage until SIGTERM."""
    from newsflow.bootstrap import run_worker

    if args.stage == "sink":  # issue 19: the store's sink is a worker too
        from newsflow.cli.store import cmd_sink

        return cmd_sink(args)
    run_worker(settings_from(args), args.stage, loglevel=args.loglevel)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish articles from files/stdin to the raw topic (or --topic)."""
    from newsflow.inputs import InputReport, read_inputs
    from shared.adapters.kafka import Publisher, ensure_topics

    settings = settings_from(args)
    ensure_topics(settings)
    n = 0
    report = InputReport()
    with Publisher(settings, topic=args.topic) as pub:
        futures = []
        for item in read_inputs(args.files or ["-"], report=report, max_page_bytes=settings.max_raw_bytes):
            key = None
            try:
                obj = orjson.loads(item.data)
                if isinstance(obj, dict) and obj.get("id") is not None:
                    key = str(obj["id"]).encode()
            except orjson.JSONDecodeError:
                pass
            futures.append(pub.publish(item.data, key=key))
            n += 1
            if len(futures) >= PUBLISH_WINDOW:  # an archive streams: hold only so many unacknowledged sends
                _acknowledged(futures)
        pub.flush()
        _acknowledged(futures)
    sys.stderr.write(f"published {n} article(s) to {args.topic or settings.topics.raw}\n")
    return finish_inputs("newsflow publish", report, n, 0, "could not be published")


def _acknowledged(futures: list) -> None:
    """Wait until every send in `futures` is on the broker, then forget them."""
    for f in futures:
        f.get(timeout=60)
    futures.clear()


def cmd_tail(args: argparse.Namespace) -> int:
    """Print messages of a topic as JSON Lines (dead letters with their reason)."""
    from shared.adapters.kafka import tail

    settings = settings_from(args)
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

    settings = settings_from(args)
    created = ensure_topics(settings)
    print(f"created: {', '.join(created) or 'none (all exist)'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `worker`, `publish`, `tail` and `topics` to the `newsflow` parser."""
    w = sub.add_parser("worker", help="run one faust worker of a stage")
    w.add_argument("stage", choices=[*STAGES, "sink"])
    w.add_argument("--model", default=None)
    w.add_argument("--loglevel", default="info")
    w.set_defaults(func=cmd_worker)

    pub = sub.add_parser("publish", help="publish articles to Kafka (articles.raw)")
    pub.add_argument("files", nargs="*", help="as `run` reads them: JSON Lines, JSON, .txt, .html, .warc[.gz], folders")
    pub.add_argument("--topic", default=None)
    pub.set_defaults(func=cmd_publish)

    t = sub.add_parser("tail", help="print a topic's messages (default articles.enriched)")
    t.add_argument("--topic", default=None)
    t.add_argument("--from-beginning", action="store_true")
    t.add_argument("--max", type=int, default=None)
    t.add_argument("--timeout", type=float, default=10.0, help="stop after this many seconds of silence")
    t.add_argument("--meta", action="store_true", help="wrap each message with topic/partition/offset/headers")
    t.set_defaults(func=cmd_tail)

    tp = sub.add_parser("topics", help="create the flow's topics")
    tp.set_defaults(func=cmd_topics)


__all__ = ["cmd_publish", "cmd_tail", "cmd_topics", "cmd_worker", "register"]
