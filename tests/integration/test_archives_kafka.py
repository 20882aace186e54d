"""`newsflow publish archive.warc.gz` on the real broker: each HTML response one raw article, extracted by the
normalize worker with its URL and fetch time; a damaged record is reported and the rest published."""

import subprocess
import sys

import pytest
from conftest import REPO, collect, decode_values, isolated_settings, settings_env
from pages import page
from warcs import request, response, write_warc

from shared.adapters.kafka import ensure_topics

pytestmark = pytest.mark.integration


def test_publish_sends_the_pages_of_an_archive_and_reports_a_damaged_record(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    worker = workers("normalize", settings)
    archive = tmp_path / "crawl.warc.gz"
    names = ["en_minister.html", "fr_koursk.html", "en_floods.html"]
    records = []
    for name in names:
        url = f"https://news.example/{name}"
        records += [request(url), response(url, page(name).encode())]
    offsets = write_warc(archive, records)
    data = bytearray(archive.read_bytes())
    data[offsets[3] + 300 : offsets[3] + 340] = b"\x00" * 40  # the second page's record
    archive.write_bytes(bytes(data))
    proc = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "publish", str(archive)],
        cwd=REPO,
        env=settings_env(settings),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert f'"origin":"{archive}@{offsets[3]}"' in err and "published 2 article(s)" in err
    assert "archive records skipped: 3 request" in err
    out = {e["url"]: e for e in decode_values(collect(settings, settings.topics.clean, 2, watch=[worker]))}
    assert set(out) == {"https://news.example/en_minister.html", "https://news.example/en_floods.html"}
    minister = out["https://news.example/en_minister.html"]
    assert minister["title"] == "Minister denies wrongdoing over contracts"
    assert minister["fetched_at"] == "2024-03-14T08:00:00Z" and "Related stories" not in minister["text"]
