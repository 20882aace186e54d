"""The dashboard in headless Chromium against the real stack: publish seeds/, see them on the page, the
sink writing them into a store (its row in the stage table), and the search of that store one click away.

Needs Debian's `chromium` (/usr/bin/chromium) and the PyPI package `playwright` (its driver
only: no browser download). Without them the test is skipped, except in CI (CI=true), where
it fails. The screenshots are kept in test-artifacts/dashboard*.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import orjson
import pytest
from conftest import ARTIFACTS, REPO, isolated_settings, settings_env

from newsflow.devstack.stack import free_port
from newsflow.inputs import read_inputs
from shared.adapters.kafka import Publisher, ensure_topics
from shared.core.settings import STAGES

CHROMIUM = Path(os.environ.get("NEWSFLOW_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ARTIFACTS / "dashboard.png"  # the whole page
SCREENSHOT_TOP = ARTIFACTS / "dashboard-top.png"  # what the window shows first
SCREENSHOT_SEARCH = ARTIFACTS / "dashboard-search.png"  # the search it links to, linking back
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_browser() -> str | None:
    """What the test lacks to drive a browser, or None."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the PyPI package `playwright` (pip install playwright; never `playwright install`)")
    if not CHROMIUM.exists():
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    return "dashboard browser test needs " + " and ".join(missing) if missing else None


MISSING = missing_browser()
# skipped before any fixture starts the stack; in CI it runs, and fails in require_browser
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(MISSING is not None and not IN_CI, reason=MISSING or "")]


def require_browser():
    """Playwright's sync API; in CI a missing browser is a failure saying what to install."""
    if MISSING:
        pytest.fail(MISSING + " — CI must install them (scripts/setup)", pytrace=False)
    from playwright import sync_api

    return sync_api


class DashboardProcess:
    """A `newsflow dashboard` subprocess with its log in a file."""

    def __init__(self, settings, log_dir: Path) -> None:
        self.url = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
        self.log_path = log_dir / "dashboard.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsflow.cli", "dashboard"],
            env=settings_env(settings),
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_healthy(self, timeout_s: float = 60.0) -> dict:
        """Poll /healthz until it answers (the process must stay alive)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.alive(), f"dashboard exited:\n{self.log()[-3000:]}"
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    return orjson.loads(resp.read())
            except OSError:
                time.sleep(0.1)  # poll interval, not a timing assumption
        raise AssertionError(f"dashboard not answering at {self.url}:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


@pytest.fixture
def dashboard(tmp_path):
    """Start `newsflow dashboard` with given settings; stopped after the test."""
    started: list[DashboardProcess] = []

    def start(settings) -> DashboardProcess:
        d = DashboardProcess(settings, tmp_path)
        started.append(d)
        return d

    yield start
    for d in started:
        d.stop()


def wait_for_dom(page, expression: str, what: str, processes, timeout_s: float) -> None:
    """Poll the page until the JS `expression` is truthy; fail early if a process died."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout_s
    while True:
        for p in processes:
            assert p.alive(), f"{getattr(p, 'stage', 'dashboard')} died:\n{p.log()[-3000:]}"
        try:
            page.wait_for_function(expression, timeout=2000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; page shows: {page.inner_text('header.top')!r}"
                ) from None


def test_dashboard_shows_seeds_with_entities_quotes_clusters_and_stage_charts(
    stack, tmp_path, workers, dashboard, capsys
):
    sync_api = require_browser()
    store = tmp_path / "news.db"
    settings = isolated_settings(
        stack, tmp_path, dashboard_port=free_port(), dashboard_poll_s=0.5, store_url=f"sqlite:///{store}"
    )
    ensure_topics(settings)
    sink = workers("sink", settings)
    deadline = time.monotonic() + 120
    while not store.exists():  # the sink makes the store (schema upgrade) before the dashboard opens it
        assert sink.alive() and time.monotonic() < deadline, sink.log()[-3000:]
        time.sleep(0.1)  # poll interval, not a timing assumption
    running = [workers(stage, settings) for stage in STAGES] + [sink]
    board = dashboard(settings)
    assert board.wait_healthy()["alive"]
    items = list(read_inputs([str(REPO / "seeds")]))

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(board.url + "/")
            wait_for_dom(
                page,
                "document.getElementById('status').textContent === 'following'",
                "the dashboard to follow the enriched topic",
                running + [board],
                60,
            )
            with Publisher(settings) as pub:
                pub.publish_many(item.data for item in items)

            wait_for_dom(
                page,
                f"document.querySelectorAll('#feed article.article').length >= {len(items)}",
                f"{len(items)} articles on the page",
                running + [board],
                240,
            )
            # the stage table catches up once every stage, and the sink, has committed the articles
            wait_for_dom(
                page,
                "Array.from(document.querySelectorAll('table.stages tbody tr'))"
                f".every(r => r.children[1].textContent === '{len(items)}' "
                "&& r.querySelector('.lag').textContent === '0')",
                "every stage and the sink consumed with lag 0",
                running + [board],
                120,
            )
            rows = page.eval_on_selector_all("table.stages tbody tr", "els => els.map(e => e.dataset.stage)")
            assert rows == [*STAGES, "sink"]
            assert "sink → store" in page.inner_text('table.stages tr[data-stage="sink"]')

            ids = page.eval_on_selector_all("#feed article.article", "els => els.map(e => e.dataset.id)")
            assert len(ids) == len(set(ids)) == len(items)
            assert page.inner_text("#count") == str(len(items))

            # entities are highlighted by type, each type its own colour
            labels = set(page.eval_on_selector_all("#feed mark.ent", "els => els.map(e => e.dataset.label)"))
            assert {"PERSON", "ORG", "GPE"} <= labels
            assert page.locator('#feed mark.ent[title="PERSON: Valery Gerasimov"]').count() >= 1
            colours = {
                label: page.eval_on_selector(
                    f'#feed mark.ent[data-label="{label}"]', "e => getComputedStyle(e).backgroundColor"
                )
                for label in ("PERSON", "ORG", "GPE")
            }
            assert len(set(colours.values())) == 3 and "rgba(0, 0, 0, 0)" not in colours.values(), colours

            # quotes with their speakers; the seed article has attributed quotes
            seed = page.locator("#feed article.article", has=page.locator('mark[title="PERSON: Valery Gerasimov"]'))
            assert seed.count() == 1
            assert seed.locator("li.quote q").count() >= 1
            speakers = seed.locator("li.quote .speaker:not(.unknown)").all_inner_texts()
            assert speakers and all(s.strip() for s in speakers), speakers

            # the duplicate pair of seeds/ is grouped in one cluster, the first-seen copy first
            pair = page.locator("#feed section.cluster.dup", has=page.locator('article[data-id="bbc-business-007"]'))
            assert pair.count() == 1
            in_cluster = pair.locator("article.article").evaluate_all("els => els.map(e => e.dataset.id)")
            assert set(in_cluster) == {"bbc-business-007", "bbc-business-253"}
            assert pair.locator('article[data-status="unique"]').count() == 1
            assert pair.locator(".badge.dup").count() == 1

            # per-stage throughput and lag charts
            assert page.locator("#stats svg.chart").count() == 2
            for stage in STAGES:
                assert page.locator(f'#stats svg.chart polyline.series[data-series="{stage}"]').count() == 2

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            page.screenshot(path=str(SCREENSHOT_TOP))

            # the live page links to the search of the store the sink wrote, on a button that reads well
            link = page.locator("header.top a.to-search")
            colours = link.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
            assert colours == ["rgb(255, 255, 255)", "rgb(47, 111, 219)"]  # white on blue: contrast 4.7:1 (WCAG AA)
            link.click()
            page.wait_for_selector("#top-speakers table.speakers")
            assert page.locator("#top-speakers tbody tr").count() >= 1
            back = page.locator("header.top a.nav-live")
            assert back.get_attribute("href") == "/"
            page.screenshot(path=str(SCREENSHOT_SEARCH), full_page=True)
            back.click()
            page.wait_for_selector("table.stages")
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000 and SCREENSHOT_SEARCH.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nnewsflow: dashboard screenshots saved to {SCREENSHOT}, {SCREENSHOT_TOP} and {SCREENSHOT_SEARCH}")
