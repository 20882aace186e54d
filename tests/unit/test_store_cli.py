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
    assert f"{n} article(s) stored".encode() in first.stderr
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
