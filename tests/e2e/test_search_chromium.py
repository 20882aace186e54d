"""The search pages in headless Chromium: `newsflow serve` over a SQLite store, with an API token.

The browser gets the token form, opens the search, finds a speaker's quotes, their page (quotes
over time as SVG bars, outlets, entities mentioned with them) and a story's copies on a timeline.
Needs what tests/e2e/test_dashboard_chromium.py needs (skipped without it, except in CI).
Screenshots are kept in test-artifacts/search*.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import ARTIFACTS, REPO
from data.store_events import store_events
from test_dashboard_chromium import CHROMIUM, CHROMIUM_ARGS, IN_CI, MISSING, require_browser

from newsflow.devstack.stack import free_port
from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.writer import StoreWriter

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(MISSING is not None and not IN_CI, reason=MISSING or "")]
TOKEN = "chromium-test-token"
SHOTS = {name: ARTIFACTS / f"search-{name}.png" for name in ("results", "speaker", "story")}


@pytest.fixture
def served(tmp_path):
    """`newsflow serve` over a store of tests/data/store_events.py, token required; yields its base URL."""
    db = tmp_path / "news.db"
    engine = make_engine(str(db))
    upgrade_engine(engine)
    StoreWriter(engine).write_batch(store_events())
    engine.dispose()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(NEWSFLOW_API_TOKEN=TOKEN, PYTHONUNBUFFERED="1")
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsflow.cli", "serve", "--store", str(db), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "newsflow serve does not answer"
                time.sleep(0.1)  # poll interval, not a timing assumption
        yield url
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def test_search_speaker_page_and_story_timeline_in_chromium(served, capsys):
    sync_api = require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # no token yet: the form, and the API refuses
            response = page.goto(served + "/search")
            assert response is not None and response.status == 401
            page.fill("input[name=token]", TOKEN)
            page.click("button[type=submit]")
            page.wait_for_selector("#top-speakers table.speakers")
            names = page.eval_on_selector_all(
                "table.speakers tbody tr td:first-child", "els => els.map(e => e.textContent)"
            )
            assert names[:2] == ["Maria Okafor", "Harbour Workers Union"]

            # quotes by speaker (an alias, any case): each once, with the copies it ran in
            page.select_option("select[name=mode]", "speaker")
            page.fill("input[name=q]", "okafor")
            page.click("form.search button[type=submit]")
            page.wait_for_selector("#results ol.quotes")
            copies = page.eval_on_selector_all("#results li.quote", "els => els.map(e => Number(e.dataset.copies))")
            assert copies == [1, 1, 3]
            assert "ran in 3 copies" in page.inner_text("#results li.quote:last-child")
            page.screenshot(path=str(SHOTS["results"]), full_page=True)

            # the speaker's page: quotes over time, outlets, entities mentioned with them
            page.click("#results li.quote:last-child a.speaker")
            page.wait_for_selector("#over-time svg.bars")
            assert page.inner_text("#speaker-name") == "Maria Okafor"
            assert page.inner_text("#quotes-total") == "3"
            bars = page.eval_on_selector_all("#over-time rect.bar", "els => els.map(e => Number(e.dataset.count))")
            assert bars == [1, 0, 0, 0, 0, 0, 0, 2]
            heights = page.eval_on_selector_all("#over-time rect.bar", "els => els.map(e => e.getBBox().height)")
            assert heights[-1] > heights[0] > 0 == heights[1]
            assert page.locator("#outlets li").count() == 3
            assert page.locator("#entities li").all_inner_texts()[0].startswith("Port Elmstead")
            page.screenshot(path=str(SHOTS["speaker"]), full_page=True)

            # a story's copies on a timeline, the first marked, left to right in time
            page.click("#results li.quote:last-child a.title")
            page.wait_for_selector("#timeline svg.timeline")
            assert page.inner_text("#copies") == "3"
            ids = page.eval_on_selector_all("#timeline circle.copy", "els => els.map(e => e.dataset.id)")
            assert ids == ["s-budget", "s-budget-copy1", "s-budget-copy2"]
            xs = page.eval_on_selector_all("#timeline circle.copy", "els => els.map(e => e.cx.baseVal.value)")
            assert xs == sorted(xs) and xs[0] < xs[-1]
            assert page.locator("#timeline circle.copy.first").count() == 1
            assert page.inner_text("#first-published") == page.inner_text("#arrived-first") == "Daily Ledger"
            assert page.locator("#copies-list small.arrived").count() == 1
            page.screenshot(path=str(SHOTS["story"]), full_page=True)

            # a malformed search says why, on the page
            page.goto(served + "/search?mode=text&q=%22%22")
            assert "no word to search for" in page.inner_text("main")
            # the API in the same browser carries the cookie the token form set
            api = page.goto(served + "/api/speakers?top=1")
            assert api is not None and api.status == 200
        finally:
            browser.close()
    for shot in SHOTS.values():
        assert shot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nnewsflow: search screenshots saved to {', '.join(str(s) for s in SHOTS.values())}")
