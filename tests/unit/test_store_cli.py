"""`newsflow run --store` (enrich and store in one process), `newsflow store upgrade|status`, on SQLite."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import orjson
from conftest import REPO

from newsflow.store.migrate import head_revision

SEEDS = REPO / "seeds" / "bbc_sample.jsonl"


def newsflow(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", *args], capture_output=True, timeout=600, cwd=str(REPO)
    )


def test_run_with_store_prints_the_events_and_stores_each_once_even_when_run_twice(tmp_path):
    db = tmp_path / "news.db"
    first = newsflow("run", "--jobs", "1", "--store", str(db), str(SEEDS))
    assert first.returncode == 0, first.stderr.decode()[-3000:]
    printed = [orjson.loads(line) for line in first.stdout.splitlines() if line.strip()]
    n = sum(1 for line in SEEDS.read_bytes().splitlines() if line.strip())
    assert len(printed) == n
    assert f"{n} distinct article(s) stored".encode() in first.stderr
    again = newsflow("run", "--jobs", "1", "--store", str(db), str(SEEDS))
    assert again.returncode == 0, again.stderr.decode()[-3000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == n
        quotes = sum(len(e["quotes"]) for e in printed)
        assert conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == quotes
        ids = {r[0] for r in conn.execute("SELECT id FROM articles")}
    assert ids == {e["id"] for e in printed}


def test_store_upgrade_then_status(tmp_path):
    db = tmp_path / "s.db"
    status = newsflow("store", "status", "--url", str(db))
    assert status.returncode == 3 and b"empty" in status.stdout
    up = newsflow("store", "upgrade", "--url", str(db), "--revision", "0001")
    assert up.returncode == 0 and b"revision 0001 (was empty)" in up.stdout, up.stderr.decode()
    up = newsflow("store", "upgrade", "--url", str(db))
    assert up.returncode == 0 and f"revision {head_revision()} (was 0001)".encode() in up.stdout
    assert newsflow("store", "status", "--url", str(db)).returncode == 0


def test_what_is_not_text_is_refused_and_never_stored_and_the_count_is_of_distinct_articles(tmp_path):
    """A binary file saved as .txt, an empty .txt, and one article given twice (the same id) beside another."""
    import random

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-binary.txt").write_bytes(random.Random(30).randbytes(20_000).replace(b"\x00", b""))
    (folder / "b-empty.txt").write_bytes(b"")
    story = "The harbour budget will be balanced by spring, the minister told the council on Monday."
    lines = [{"id": "harbour-1", "body": story}, {"id": "harbour-1", "body": story}, {"id": "harbour-2", "body": story}]
    (folder / "c-stories.jsonl").write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    db = tmp_path / "news.db"
    done = newsflow("run", "--jobs", "1", "--store", str(db), str(folder))
    assert done.returncode == 1, done.stderr.decode()[-3000:]
    assert [orjson.loads(line)["id"] for line in done.stdout.splitlines()] == ["harbour-1", "harbour-1", "harbour-2"]
    refused = {
        x["origin"].rsplit("/", 1)[-1]: x["error"]
        for x in (orjson.loads(line) for line in done.stderr.splitlines() if line.startswith(b"{"))
    }
    assert set(refused) == {"a-binary.txt", "b-empty.txt"}
    assert "not text (undecodable)" in refused["a-binary.txt"] and "not text (no-words)" in refused["b-empty.txt"]
    assert b"2 distinct article(s) stored" in done.stderr and b"2 of 5 article(s) could not be enriched" in done.stderr
    assert b"Traceback" not in done.stderr and b"WARNING" not in done.stderr
    with sqlite3.connect(db) as conn:
        assert {r[0] for r in conn.execute("SELECT id FROM articles")} == {"harbour-1", "harbour-2"}
