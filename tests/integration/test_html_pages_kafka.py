"""Whole web pages through the real broker: a 6 MB page rides the raw topic to normalize; one over the raw limit is dead-lettered.

The publisher compresses raw pages (zstd by default) and may send raw messages up to
max_raw_message_bytes; the raw topic takes batches up to raw_topic_max_message_bytes.
"""

import subprocess
import sys

import orjson
import pytest
from conftest import REPO, collect, decode_values, isolated_settings, settings_env
from pages import big_page, page

from shared.adapters.kafka import Publisher, ensure_topics

pytestmark = pytest.mark.integration


def test_a_large_page_is_extracted_and_one_over_the_raw_limit_goes_to_the_dlq_with_the_reason(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    assert settings.raw_compression == "zstd"
    ensure_topics(settings)
    worker = workers("normalize", settings)
    large = big_page(page("en_floods.html"), 6_000_000)
    too_large = big_page(page("en_minister.html"), settings.max_raw_bytes + 100_000)
    assert (
        len(large) > 1_048_576 * 5 and len(too_large.encode()) > settings.max_raw_bytes
    )  # over a default broker limit (1 MB)
    with Publisher(settings) as pub:
        pub.publish({"id": "page-6mb", "url": "https://ledger.example/news/floods", "body": large}).get(timeout=120)
        pub.publish({"id": "page-too-large", "body": too_large}).get(timeout=120)
        pub.publish({"id": "after", "body": page("en_minister.html")}).get(timeout=60)
    clean = {
        e["id"]: e for e in decode_values(collect(settings, settings.topics.clean, 2, timeout_s=240, watch=[worker]))
    }
    dead = collect(settings, settings.topics.dlq, 1, timeout_s=120, watch=[worker])
    assert set(clean) == {"page-6mb", "after"}
    story = clean["page-6mb"]
    assert "said Maria Lopez" in story["text"] and "More news from around the world" not in story["text"]
    assert story["title"] == "Floods force hundreds from their homes" and story["language"] == "en"
    assert len(story["body"]) == len(large)  # the page itself travels on, as received
    (letter,) = dead
    assert letter.key == b"page-too-large"
    reason = letter.header("newsflow.error")
    assert f"exceeds the limit of {settings.max_raw_bytes} bytes" in reason and "raw body" in reason
    assert letter.header("newsflow.truncated") is None  # the DLQ carries the whole page, as published
    assert orjson.loads(letter.value) == {"id": "page-too-large", "body": too_large}
    assert letter.header("newsflow.source.topic") == settings.topics.raw


def test_newsflow_publish_sends_a_folder_of_pages_that_normalize_extracts(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    worker = workers("normalize", settings)
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(page("en_minister.html"), encoding="utf-8")
    (folder / "b.htm").write_bytes(page("fr_koursk.html").encode("cp1252"))
    proc = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "publish", str(folder)],
        cwd=REPO,
        env=settings_env(settings),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    out = decode_values(collect(settings, settings.topics.clean, 2, watch=[worker]))
    by_lang = {e["language"]: e for e in out}
    assert set(by_lang) == {"en", "fr"}
    assert by_lang["en"]["title"] == "Minister denies wrongdoing over contracts"
    assert "Related stories" not in by_lang["en"]["text"]
    assert "localité de la région de Koursk" in by_lang["fr"]["text"] and by_lang["fr"]["site_name"] == "Le Quotidien"
