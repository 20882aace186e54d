"""`newsflow crawl`: new articles of feeds and sitemaps, as JSON Lines on stdout or published to articles.raw."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import orjson

from newsflow.cli.common import settings_from
from shared.core.settings import Settings

log = logging.getLogger("newsflow.crawl")


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl the sources once (--once) or every --interval seconds until SIGTERM; exit 1 when --once could not
    read a source given."""
    from newsflow.crawl.crawler import Crawler
    from newsflow.crawl.fetch import Politeness
    from newsflow.crawl.report import CrawlReport

    settings = settings_from(args)
    if args.delay is not None:
        settings = replace(settings, crawl_delay_s=args.delay)
    if args.user_agent:
        settings = replace(settings, crawl_user_agent=args.user_agent)
    urls = args.urls or settings.crawl_sources.replace(",", " ").split()
    if not urls:
        raise ValueError("give the URLs of feeds or sitemaps to crawl (or set NEWSFLOW_CRAWL_SOURCES)")
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"{url!r} is not an http(s) URL of a feed or sitemap")
    if args.interval <= 0:
        raise ValueError(f"--interval {args.interval:g}: give a number of seconds above 0")
    _logging(settings, args.loglevel)
    report = CrawlReport()
    if settings.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, settings.metrics_host, registry=report.registry)
    state = _state(settings, args)
    emit, close = _emitter(settings, args.publish)
    polite = Politeness(
        user_agent=settings.crawl_user_agent,
        delay_s=settings.crawl_delay_s,
        host_concurrency=settings.crawl_host_concurrency,
        timeout_s=settings.crawl_timeout_s,
        retries=settings.crawl_retries,
        backoff_s=settings.crawl_backoff_s,
        max_bytes=settings.max_raw_bytes,
    )
    crawler = Crawler(polite, state, emit, report, settings.crawl_concurrency)
    try:
        return asyncio.run(_loop(crawler, urls, None if args.once else args.interval))
    finally:
        close()
        state.close()


async def _loop(crawler, urls: list[str], interval: float | None) -> int:
    """One pass (interval None), or a pass every `interval` seconds until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    while True:
        started = time.monotonic()
        result = await crawler.run_pass(urls)
        log.info(
            "crawl pass done",
            extra={
                "counts": result.counts,
                "failed_sources": result.failed_sources,
                "seconds": round(time.monotonic() - started, 3),
            },
        )
        if interval is None:
            return 1 if result.failed_sources else 0
        try:
            await asyncio.wait_for(stop.wait(), timeout=max(0.0, interval - (time.monotonic() - started)))
            return 0
        except asyncio.TimeoutError:
            continue


def _logging(settings: Settings, level: str) -> None:
    """The crawl's log lines: JSON objects on stderr (NEWSFLOW_LOG_FORMAT=text: plain lines)."""
    import logging.config

    from shared.adapters.observability.logjson import logging_config

    if settings.log_format.lower() == "json":
        logging.config.dictConfig(logging_config(level, {"component": "crawl"}))
    else:
        logging.getLogger().setLevel(level.upper())


def _state(settings: Settings, args: argparse.Namespace):
    from newsflow.crawl.state import FileState, RedisState

    if args.state_redis:
        return RedisState(settings.redis_url, settings.crawl_namespace)
    return FileState(args.state_dir or Path(settings.state_dir) / "crawl")


def _emitter(settings: Settings, publish: bool) -> tuple[Callable[[dict], None], Callable[[], None]]:
    """(emit, close): an article as one JSON line on stdout, or published to the raw topic and acknowledged."""
    lock = threading.Lock()  # articles are emitted from worker threads
    if not publish:
        out = sys.stdout.buffer

        def to_stdout(article: dict) -> None:
            with lock:
                out.write(orjson.dumps(article) + b"\n")
                out.flush()

        return to_stdout, lambda: None
    from shared.adapters.kafka import Publisher, ensure_topics

    ensure_topics(settings)
    publisher = Publisher(settings)

    def to_kafka(article: dict) -> None:
        publisher.publish(article).get(timeout=60)

    return to_kafka, publisher.close


def register(sub: argparse._SubParsersAction) -> None:
    """Add `crawl` to the `newsflow` parser."""
    c = sub.add_parser("crawl", help="new articles of RSS/Atom feeds and sitemaps, politely, each emitted once")
    c.add_argument(
        "urls",
        nargs="*",
        metavar="URL",
        help="a feed (RSS, Atom), a sitemap or a sitemap index (NEWSFLOW_CRAWL_SOURCES)",
    )
    c.add_argument("--once", action="store_true", help="one pass, then exit (1 when a source could not be read)")
    c.add_argument("--interval", type=float, default=900.0, help="seconds between passes (default 900)")
    c.add_argument("--publish", action="store_true", help="publish to articles.raw instead of printing JSON Lines")
    c.add_argument("--state-dir", default=None, help="where emitted links are kept (default NEWSFLOW_STATE_DIR/crawl)")
    c.add_argument("--state-redis", action="store_true", help="keep them in Redis (NEWSFLOW_REDIS_URL) instead")
    c.add_argument(
        "--delay", type=float, default=None, help="seconds between requests to one host (NEWSFLOW_CRAWL_DELAY_S)"
    )
    c.add_argument("--user-agent", default=None, help="the User-Agent sent (NEWSFLOW_CRAWL_USER_AGENT)")
    c.add_argument("--loglevel", default="info", help="of the JSON log lines on stderr (default info)")
    c.set_defaults(func=cmd_crawl)


__all__ = ["cmd_crawl", "register"]
