"""`newsflow run archive.warc.gz`, as a user runs it: the same events as the same pages given as HTML files.

The archive is written by the test with FastWARC from the repo's pages (tests/data/pages), as a crawler
writes one: a request, the response and a metadata record per page, one gzip member each.
"""

import json
import subprocess
import sys

import pytest
from conftest import REPO
from warcs import metadata, request, response, write_warc

pytestmark = pytest.mark.e2e

PAGES = REPO / "tests" / "data" / "pages"
DIFFER = {"id", "url", "fetched_at", "dedup", "trace"}  # what the archive adds, or what depends on it


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "run", "--jobs", "1", *args], cwd=REPO, capture_output=True, timeout=600
    )


def test_an_archive_gives_the_events_of_its_pages_given_as_html_files_with_url_and_fetch_time(tmp_path):
    names = sorted(p.name for p in PAGES.glob("*.html"))
    records = []
    for name in names:
        url = f"https://news.example/{name.removesuffix('.html')}"
        records += [request(url), response(url, (PAGES / name).read_bytes()), metadata(url)]
    archive = tmp_path / "archive.warc.gz"
    write_warc(archive, records)

    from_files = run_cli(*(str(PAGES / n) for n in names))
    from_archive = run_cli(str(archive))
    assert from_files.returncode == 0, from_files.stderr.decode()[-3000:]
    assert from_archive.returncode == 0, from_archive.stderr.decode()[-3000:]
    files = [json.loads(line) for line in from_files.stdout.splitlines()]
    pages = [json.loads(line) for line in from_archive.stdout.splitlines()]
    assert len(pages) == len(files) == len(names) == 5
    for f, p, name in zip(files, pages, names):
        assert set(p) - set(f) == {"fetched_at"}
        assert {k: v for k, v in p.items() if k not in DIFFER} == {k: v for k, v in f.items() if k not in DIFFER}, name
        assert p["dedup"]["status"] == f["dedup"]["status"] == "unique"
        assert p["url"] == f"https://news.example/{name.removesuffix('.html')}" and f["url"] is None
        assert p["fetched_at"] == "2024-03-14T08:00:00Z"
    assert any(q["speaker"] == "John Smith" for p in pages for q in p["quotes"])
    assert b"archive records skipped: 5 request, 5 metadata" in from_archive.stderr


def test_a_damaged_record_is_one_line_with_its_offset_exit_1_and_the_other_pages_still_enriched(tmp_path):
    archive = tmp_path / "damaged.warc.gz"
    html = (PAGES / "en_minister.html").read_bytes()
    offsets = write_warc(archive, [response(f"https://news.example/{i}", html) for i in range(3)])
    data = bytearray(archive.read_bytes())
    data[offsets[1] + 300 : offsets[1] + 340] = b"\xff" * 40
    archive.write_bytes(bytes(data))
    proc = run_cli("--stages", "normalize,dedup", str(archive))
    assert proc.returncode == 1
    assert [json.loads(line)["url"] for line in proc.stdout.splitlines()] == [
        "https://news.example/0",
        "https://news.example/2",
    ]
    lines = proc.stderr.decode().splitlines()
    problem = json.loads(next(line for line in lines if line.startswith("{")))
    assert problem["origin"] == f"{archive}@{offsets[1]}" and problem["error"].startswith("corrupt record")
    assert "1 archive record(s) could not be read" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
