"""`newsflow run --store` over seeds/ and generated articles, then `newsflow query` answers, as a newcomer runs them."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest
from conftest import REPO
from data.news_corpus import article, articles

pytestmark = pytest.mark.e2e
N_GENERATED = 12


def newsflow(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsflow.cli", *args], cwd=REPO, capture_output=True, timeout=600)


def query(store, *args: str) -> dict:
    done = newsflow("query", *args, "--store", str(store), "--json")
    assert done.returncode == 0, done.stderr.decode()
    return orjson.loads(done.stdout)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A SQLite store of seeds/, generated articles (dated, two outlets) and a wire copy of the first one."""
    tmp = tmp_path_factory.mktemp("store")
    generated = [
        {
            **a,
            "source": "Daily Ledger" if i % 2 else "Evening Courier",
            "published_at": f"2024-03-{1 + i % 6:02d}T08:00:00Z",
        }
        for i, a in enumerate(articles(N_GENERATED, "qry"))
    ]
    copy = {**generated[0], "id": "qry-wire-copy", "source": "Wire Service", "published_at": "2024-03-01T11:30:00Z"}
    path = tmp / "gen.jsonl"
    path.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in [*generated, copy]))
    db = tmp / "news.db"
    done = newsflow("run", "--jobs", "1", "--store", str(db), str(REPO / "seeds"), str(path))
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return db


def test_run_store_then_quotes_by_speaker_list_where_a_quote_ran(store):
    gold = article(0, "qry")["gold"]["quotes"][0]
    answer = query(store, "quotes", "--speaker", gold["speaker"])
    assert answer["actors"] and answer["actors"][0]["name"] == gold["speaker"]
    quote = next(q for q in answer["quotes"] if gold["text"].rstrip(",") in q["text"])
    assert quote["copies"] == 2
    assert [r["article_id"] for r in quote["ran_in"]] == ["qry-00000", "qry-wire-copy"]
    assert {r["outlet"] for r in quote["ran_in"]} == {"Evening Courier", "Wire Service"}


def test_quotes_by_words_and_by_entity_with_filters(store):
    gold = article(0, "qry")["gold"]["quotes"][0]
    words = " ".join(gold["text"].rstrip(",").split()[:4])
    found = query(store, "quotes", "--text", words)
    assert any(gold["text"].rstrip(",") in q["text"] for q in found["quotes"])
    seeds = query(store, "quotes", "--entity", "Kursk")
    assert seeds["quotes"] and all(q["article_id"] for q in seeds["quotes"])
    march = query(store, "quotes", "--speaker", gold["speaker"], "--since", "2024-03-02", "--outlet", "Daily Ledger")
    assert all(q["outlet"] == "Daily Ledger" and q["time"] >= "2024-03-02" for q in march["quotes"])


def test_speakers_and_story(store):
    top = query(store, "speakers", "--top", "5")["speakers"]
    assert 1 <= len(top) <= 5 and top[0]["quotes"] >= top[-1]["quotes"]
    assert any(s["name"] == "Valery Gerasimov" for s in query(store, "speakers", "--top", "50")["speakers"])
    story = query(store, "story", "qry-wire-copy")
    assert [c["article_id"] for c in story["copies"]] == ["qry-00000", "qry-wire-copy"]
    assert story["quotes"] and all(q["copies"] == 2 for q in story["quotes"])
    seeds_pair = query(store, "story", "bbc-business-253")
    assert {c["article_id"] for c in seeds_pair["copies"]} == {"bbc-business-007", "bbc-business-253"}


def test_text_output_and_errors(store):
    done = newsflow("query", "story", "qry-wire-copy", "--store", str(store))
    assert done.returncode == 0 and b"2 copies" in done.stdout
    nothing = newsflow("query", "story", "nope", "--store", str(store))
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (0, b"no article 'nope' in the store\n", b"")
    bad = newsflow("query", "speakers", "--top", "-1", "--store", str(store))
    assert bad.returncode == 2 and b"out of range" in bad.stderr
    missing = newsflow("query", "speakers", "--store", str(store.parent / "missing.db"))
    assert missing.returncode == 2 and b"no store at" in missing.stderr


def test_pages_by_cursor_and_csv_export(store):
    import csv
    import io
    import re

    whole = query(store, "speakers", "--top", "500")
    names, cursor, pages = [], None, 0
    while True:
        args = ["speakers", "--top", "3", "--store", str(store)] + (["--cursor", cursor] if cursor else [])
        done = newsflow("query", *args)
        assert done.returncode == 0, done.stderr.decode()
        out = done.stdout.decode()
        names += re.findall(r"^\s*\d+\s+(.+?) \(", out, re.M)
        pages += 1
        counted = re.search(r"^(\d+) speakers? in all(?:; next page: --cursor (\S+))?$", out, re.M)
        assert counted and int(counted.group(1)) == whole["count"], out
        cursor = counted.group(2)
        if cursor is None:
            break
    assert names == [s["name"] for s in whole["speakers"]] and pages == -(-whole["count"] // 3)

    first = query(store, "quotes", "--entity", "Kursk", "--limit", "1")
    assert first["count"] >= 2 and first["next_cursor"]
    second = query(store, "quotes", "--entity", "Kursk", "--limit", "1", "--cursor", first["next_cursor"])
    assert second["quotes"][0]["quote_id"] != first["quotes"][0]["quote_id"]

    done = newsflow("query", "quotes", "--entity", "Kursk", "--limit", "1", "--csv", "--store", str(store))
    assert done.returncode == 0
    rows = list(csv.reader(io.StringIO(done.stdout.decode())))
    assert rows[0][:4] == ["time", "speaker", "speaker_label", "text"] and len(rows) == 2
    got = dict(zip(rows[0], rows[1]))
    assert got["quote_id"] == first["quotes"][0]["quote_id"] and got["rule"] == (first["quotes"][0]["rule"] or "")
    assert f"--cursor {first['next_cursor']}" in done.stderr.decode()  # stdout is the table alone

    bad = newsflow("query", "quotes", "--entity", "Kursk", "--cursor", "not-a-cursor", "--store", str(store))
    assert bad.returncode == 2 and b"cursor: not a cursor" in bad.stderr and len(bad.stderr.splitlines()) == 1
    other = newsflow("query", "speakers", "--cursor", first["next_cursor"], "--store", str(store))
    assert other.returncode == 2 and b"another list" in other.stderr
    both = newsflow("query", "speakers", "--csv", "--json", "--store", str(store))
    assert both.returncode == 2
