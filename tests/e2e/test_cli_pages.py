"""`newsflow run page.html` and `newsflow run pages/`, as a newcomer runs them: a subprocess, pages in, JSON Lines out."""

import json
import shutil
import subprocess
import sys

import jsonschema
import pytest
from conftest import REPO

pytestmark = pytest.mark.e2e

PAGES = REPO / "tests" / "data" / "pages"
SCHEMA = json.loads((REPO / "shared" / "schema" / "article_enriched.schema.json").read_text())


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "run", *args], cwd=REPO, capture_output=True, timeout=600
    )


def test_run_one_html_page_gives_its_story_metadata_and_speakers():
    proc = run_cli(str(PAGES / "en_minister.html"))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    (event,) = [json.loads(line) for line in proc.stdout.splitlines()]
    jsonschema.validate(event, SCHEMA)
    assert event["title"] == "Minister denies wrongdoing over contracts"
    assert event["authors"] == ["Sarah Collins"] and event["published_at"] == "2024-03-12"
    assert event["site_name"] == "The Daily Ledger" and event["language"] == "en"
    assert "Home" not in event["text"] and "Related stories" not in event["text"]
    assert [(q["text"], q["speaker"]) for q in event["quotes"] if q["kind"] != "indirect"] == [
        ("I have done nothing wrong.", "John Smith"),
        ("We will fight on,", "Jane Doe"),
    ]


def test_run_a_folder_of_pages_enriches_each_in_name_order_in_its_language(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for f in PAGES.glob("*.html"):
        shutil.copy(f, folder / f.name)
    (folder / "old.htm").write_bytes(
        (PAGES / "fr_koursk.html").read_text(encoding="utf-8").replace("Le Quotidien", "Les Archives").encode("cp1252")
    )  # an old copy, in Windows-1252
    proc = run_cli(str(folder))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [e["language"] for e in events] == [
        "de",
        "en",
        "en",
        "es",
        "fr",
        "fr",
    ]  # name order: de_, en_, en_, es_, fr_, old
    for e in events:
        jsonschema.validate(e, SCHEMA)
        assert e["title"] and e["published_at"] and len(e["text"]) > 200
    de, es, fr, old = events[0], events[3], events[4], events[5]
    assert de["entities"] == [] and es["entities"] == [] and de["quotes"] == []
    assert "skipped" in de["trace"]["entities"] and "skipped" in es["trace"]["quotes"]
    assert any(x["name"] == "Volodymyr Zelensky" and x["label"] == "PERSON" for x in fr["entities"])
    assert "localité de la région de Koursk" in old["text"]  # the cp1252 file decoded
    assert old["dedup"]["status"] in ("duplicate", "near_duplicate") and old["dedup"]["duplicate_of"] == fr["id"]
