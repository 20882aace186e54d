"""The search pages in headless Chromium: `newsflow serve` over a SQLite store, with an API token.

The browser gets the token form (styled: its stylesheet is public), opens the search, finds a speaker's
quotes, their page (quotes over time as SVG bars, outlets, entities mentioned with them), a story's copies
on a timeline, pages through a list by its "next page" link, sees the search words marked and the export
links download CSV with the page's filters. Needs what tests/e2e/test_dashboard_chromium.py needs (skipped
without it, except in CI). Screenshots are kept in test-artifacts/search*.png.
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
SHOTS = {
    name: ARTIFACTS / f"search-{name}.png"
    for name in ("login", "results", "speaker", "story", "paging", "words", "one-day", "story-paging")
}


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
            # no token yet: the form, styled by its public stylesheet, and the API refuses
            response = page.goto(served + "/search")
            assert response is not None and response.status == 401
            card = page.eval_on_selector("section.login", "e => getComputedStyle(e).backgroundColor")
            assert card == "rgb(255, 255, 255)"  # the stylesheet applied: a white card on the grey page
            assert page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor") == "rgb(29, 35, 48)"
            page.screenshot(path=str(SHOTS["login"]), full_page=True)
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
            assert page.inner_text("#result-count") == "3"
            exports = page.eval_on_selector_all("#results a.export", "els => els.map(e => e.href)")
            assert [u.split("format=")[1] for u in exports] == ["csv", "json"] and all(
                "speaker=okafor" in u for u in exports
            )
            page.screenshot(path=str(SHOTS["results"]), full_page=True)

            # the export link downloads the list as CSV (in the browser's session, with its cookie)
            with page.expect_download() as got:
                page.click("#results a.export[data-format=csv]")
            download = got.value
            assert download.suggested_filename == "newsflow-quotes-speaker-okafor.csv"
            rows = open(download.path(), encoding="utf-8-sig").read().splitlines()
            assert rows[0].startswith("time,speaker,speaker_label,text") and len(rows) == 4

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

            # a page at a time: "next page" carries the cursor, the count stays, "first page" goes back
            page.goto(served + "/search?mode=speaker&q=okafor&limit=1")
            first = page.eval_on_selector_all("#results li.quote", "els => els.map(e => e.dataset.quote)")
            page.click("a.next-page")
            page.wait_for_selector("a.first-page")
            second = page.eval_on_selector_all("#results li.quote", "els => els.map(e => e.dataset.quote)")
            assert len(first) == len(second) == 1 and first != second
            assert page.inner_text("#result-count") == "3" and "showing 2–2" in page.inner_text("div.paging")
            assert page.eval_on_selector("#results ol.quotes", "e => e.start") == 2
            page.screenshot(path=str(SHOTS["paging"]), full_page=True)

            # search words marked by their stems ("balancing" finds and marks "balanced")
            page.goto(served + "/search?mode=text&q=balancing+harbour")
            marks = page.eval_on_selector_all("#results q mark", "els => els.map(e => e.textContent)")
            assert sorted(set(marks)) == ["balanced", "harbour"]
            assert (
                page.eval_on_selector("#results q mark", "e => getComputedStyle(e).backgroundColor")
                != "rgba(0, 0, 0, 0)"
            )
            page.screenshot(path=str(SHOTS["words"]), full_page=True)

            # a speaker with one day of quotes: one bar in the middle, its day named once
            page.goto(served + "/search")
            page.click("table.speakers tbody tr:nth-child(2) a")
            page.wait_for_selector("#over-time svg.bars")
            (bar,) = page.eval_on_selector_all(
                "#over-time rect.bar",
                "els => els.map(e => { const b = e.getBBox(); return [b.x + b.width / 2, b.width]; })",
            )
            assert abs(bar[0] - 335) < 2 and bar[1] <= 48
            assert page.locator("#over-time text.tick", has_text="2024-03-04").count() == 1
            page.screenshot(path=str(SHOTS["one-day"]), full_page=True)

            # a long story a page of copies at a time
            page.goto(served + "/search/stories/s-budget?limit=2")
            assert page.locator("#copies-list ol li").count() == 2 and page.inner_text("#copies") == "3"
            page.click("#copies-list a.next-page")
            page.wait_for_selector("#copies-list a.first-page")
            assert page.eval_on_selector_all("#copies-list li", "els => els.map(e => e.dataset.id)") == [
                "s-budget-copy2"
            ]
            page.screenshot(path=str(SHOTS["story-paging"]), full_page=True)

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
