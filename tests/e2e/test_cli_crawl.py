"""`newsflow crawl --once` as a user runs it, against a news site on loopback (tests/crawl_site.py): every
allowed article once, nothing the second time, robots.txt obeyed; then `newsflow run -` enriches what it
emitted, with the URLs and, where a page has none, the feed's title, date and authors."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import jsonschema
import pytest
from conftest import REPO
from crawl_site import NewsSite

pytestmark = pytest.mark.e2e

RAW_SCHEMA = json.loads((REPO / "shared" / "schema" / "article_published.schema.json").read_text())


def crawl(*args, state) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_CRAWL_")}
    env.update(NEWSFLOW_CRAWL_BACKOFF_S="0.01", NEWSFLOW_CRAWL_RETRIES="1", NEWSFLOW_LOG_FORMAT="json")
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "crawl", "--once", "--delay", "0.01", "--state-dir", str(state), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
    )


def log_lines(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stderr.decode().splitlines() if line.startswith("{")]


@pytest.fixture
def site():
    with NewsSite() as s:
        yield s


def test_crawl_once_emits_every_allowed_article_once_then_nothing_and_run_enriches_them(site, tmp_path):
    sources = [site.url("/feed.rss"), site.url("/atom.xml"), site.url("/sitemap_index.xml")]
    first = crawl(*sources, state=tmp_path / "state")
    assert first.returncode == 0, first.stderr.decode()[-3000:]
    articles = [json.loads(line) for line in first.stdout.splitlines()]
    assert sorted(a["url"] for a in articles) == sorted(
        site.url(f"/news/{n}") for n in ("en_minister", "en_floods", "de_energie", "bare", "es_lluvias", "fr_koursk")
    )
    for article in articles:
        jsonschema.validate(article, RAW_SCHEMA)
    assert not any(p.startswith("/private/") for p in site.requests.paths())
    skipped = [x for x in log_lines(first) if x["message"] == "skipped"]
    assert [(x["url"], x["reason"]) for x in skipped] == [(site.url("/private/fr_koursk"), "disallowed by robots.txt")]
    (done,) = [x for x in log_lines(first) if x["message"] == "crawl pass done"]
    assert done["counts"]["emitted"] == 6 and done["failed_sources"] == []
    assert all(h["User-Agent"].startswith("newsflow-crawler/") for _, h in site.requests.seen)

    second = crawl(*sources, state=tmp_path / "state")
    assert second.returncode == 0 and second.stdout == b""

    enriched = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "run", "--jobs", "1", "-"],
        input=first.stdout,
        cwd=REPO,
        capture_output=True,
        timeout=600,
    )
    assert enriched.returncode == 0, enriched.stderr.decode()[-3000:]
    events = {e["url"]: e for e in map(json.loads, enriched.stdout.splitlines())}
    assert set(events) == {a["url"] for a in articles}
    minister = events[site.url("/news/en_minister")]
    assert minister["title"] == "Minister denies wrongdoing over contracts"  # the page's own title wins
    assert [(q["text"], q["speaker"]) for q in minister["quotes"] if q["kind"] == "direct"][0] == (
        "I have done nothing wrong.",
        "John Smith",
    )
    bare = events[site.url("/news/bare")]  # a page without title, date or author: the feed's
    assert (bare["title"], bare["published_at"], bare["authors"]) == (
        "Rivers burst their banks",
        "2024-03-13T06:15:00Z",
        ["Alex Rivers"],
    )
    assert bare["feed"]["url"] == site.url("/atom.xml") and bare["fetched_at"]


def test_a_source_that_fails_is_a_json_line_with_its_reason_exit_1_and_the_others_are_still_crawled(site, tmp_path):
    proc = crawl(site.url("/missing.xml"), site.url("/page-as-feed"), site.url("/atom.xml"), state=tmp_path / "s")
    assert proc.returncode == 1
    assert sorted(json.loads(line)["url"] for line in proc.stdout.splitlines()) == [
        site.url("/news/bare"),
        site.url("/news/de_energie"),
    ]
    reasons = {x["url"]: x["reason"] for x in log_lines(proc) if x["message"] == "skipped"}
    assert reasons == {
        site.url("/missing.xml"): "HTTP 404",
        site.url("/page-as-feed"): "neither a feed nor a sitemap (text/html)",
    }
    assert "Traceback" not in proc.stderr.decode()


def test_what_is_no_feed_url_is_refused_before_anything_is_fetched(tmp_path):
    proc = crawl("ftp://files.example/feed.xml", state=tmp_path / "s")
    assert proc.returncode == 2
    assert (
        proc.stderr.decode().strip()
        == "newsflow crawl: 'ftp://files.example/feed.xml' is not an http(s) URL of a feed or sitemap"
    )


def read_lines(proc: subprocess.Popen, n: int, timeout_s: float) -> list[bytes]:
    """`n` lines of the process's stdout, or fewer when it closes or the deadline passes."""
    lines, buffer = [], b""
    deadline = time.monotonic() + timeout_s
    while len(lines) < n and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *done, buffer = buffer.split(b"\n")
            lines += done
    return lines


def test_a_running_crawl_passes_again_each_interval_and_stops_cleanly_on_sigterm(site, tmp_path):
    env = dict(os.environ, NEWSFLOW_CRAWL_BACKOFF_S="0.01", NEWSFLOW_LOG_FORMAT="json")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsflow.cli", "crawl", "--interval", "0.2", "--delay", "0", "--state-dir",
         str(tmp_path / "s"), site.url("/atom.xml")],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        first = [json.loads(line) for line in read_lines(proc, 2, timeout_s=120)]
        assert sorted(a["url"] for a in first) == [site.url("/news/bare"), site.url("/news/de_energie")]
        deadline = time.monotonic() + 120
        while site.requests.count("/atom.xml") < 3 and time.monotonic() < deadline:  # asked again each pass
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-3000:]
    assert out == b""  # nothing emitted twice
    passes = [x for x in map(json.loads, err.decode().splitlines()) if x["message"] == "crawl pass done"]
    assert len(passes) >= 3 and passes[0]["counts"]["emitted"] == 2
