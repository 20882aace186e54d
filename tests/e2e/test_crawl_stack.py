"""`newsflow crawl --publish --state-redis` beside the workers of the real stack: the crawled pages go through
Kafka, every stage and the sink into PostgreSQL with their URLs; a restarted crawl (its state in the real
Redis) publishes nothing again."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from conftest import REPO, collect, isolated_settings, settings_env
from crawl_site import NewsSite
from sqlalchemy import text

from newsflow.store.engine import make_engine
from shared.adapters.kafka import ensure_topics, tail
from shared.core.settings import STAGES

pytestmark = pytest.mark.e2e


def crawl(settings, *urls) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "crawl", "--once", "--publish", "--state-redis", "--delay", "0", *urls],
        cwd=REPO,
        env=settings_env(settings),
        capture_output=True,
        timeout=300,
    )


def stored_urls(engine) -> set[str]:
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT url FROM articles"))}
    except Exception:  # noqa: BLE001 - the sink has not made the schema yet
        return set()


def test_crawled_articles_reach_the_store_through_kafka_and_a_restart_publishes_nothing_twice(
    stack, postgres_url, tmp_path, workers
):
    settings = isolated_settings(stack, tmp_path, store_url=postgres_url, crawl_namespace=f"nf{tmp_path.name}:crawl")
    ensure_topics(settings)
    running = [workers(stage, settings) for stage in [*STAGES, "sink"]]
    with NewsSite() as site:
        sources = [site.url("/feed.rss"), site.url("/sitemap_index.xml")]
        first = crawl(settings, *sources)
        assert first.returncode == 0, first.stderr.decode()[-3000:]
        expected = {site.url(f"/news/{n}") for n in ("en_minister", "en_floods", "es_lluvias", "fr_koursk")}
        raw = collect(settings, settings.topics.raw, len(expected), timeout_s=60)
        assert len(raw) == len(expected)
        second = crawl(settings, *sources)  # a new process: what was emitted is remembered in Redis
        assert second.returncode == 0, second.stderr.decode()[-3000:]
    assert len(list(tail(settings, settings.topics.raw, from_beginning=True, timeout_s=3.0))) == len(expected)
    engine = make_engine(postgres_url)
    deadline = time.monotonic() + 240
    while stored_urls(engine) != expected and time.monotonic() < deadline:
        assert all(w.alive() for w in running), [w.log()[-2000:] for w in running if not w.alive()]
        time.sleep(1)
    assert stored_urls(engine) == expected
    with engine.connect() as conn:
        speakers = {row[0] for row in conn.execute(text("SELECT speaker FROM quotes"))}
    assert "John Smith" in speakers
    engine.dispose()
