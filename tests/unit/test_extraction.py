"""Whole web pages through normalize: the story extracted, page metadata kept, sizes and encodings."""

import orjson
import pytest
from pages import big_page, page

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem, decode_text
from services.normalize.cleaning import clean_body, repair_mojibake
from services.normalize.extraction import extract_page, is_whole_page
from services.normalize.logic import normalize_article
from shared.core.events import ArticlePublished, InvalidEvent
from shared.core.settings import Settings

FURNITURE = (
    "Home",
    "cookies",
    "Related stories",
    "Rail strike talks collapse",
    "Typical politicians",
    "All rights reserved",
    "Facebook",
    "Privacy",
    "dataLayer",
)


def test_a_whole_page_keeps_the_story_and_drops_menu_banner_related_comments_and_footer():
    e = normalize_article(ArticlePublished(body=page("en_minister.html")))
    assert e.text.startswith("Minister denies wrongdoing over contracts\n\nThe transport minister has denied")
    assert "The minister, John Smith, said: \u201cI have done nothing wrong.\u201d" in e.text
    assert e.text.rstrip().endswith("statement to parliament on Wednesday afternoon.")
    for bit in FURNITURE:
        assert bit not in e.text, bit
    assert e.trace["normalize"]["extraction"] == "precision"


def test_page_metadata_is_extracted_where_the_publisher_gave_none():
    e = normalize_article(ArticlePublished(body=page("en_minister.html")))
    assert e.title == "Minister denies wrongdoing over contracts"
    assert e.authors == ("Sarah Collins",)
    assert e.published_at == "2024-03-12"
    assert e.site_name == "The Daily Ledger"
    assert e.canonical_url == "https://ledger.example/politics/minister-denies-wrongdoing"
    assert e.language == "en"


def test_what_the_publisher_gave_wins_over_what_was_extracted():
    raw = ArticlePublished.from_dict(
        {
            "body": page("en_minister.html"),
            "title": "Publisher's title",
            "published_at": "2024-03-11T22:00:00Z",
            "authors": ["A. Writer", "B. Editor"],
            "site_name": "Ledger Online",
            "canonical_url": "https://ledger.example/x",
            "language": "en-GB",
        }
    )
    e = normalize_article(raw)
    assert (e.title, e.published_at, e.authors, e.site_name, e.canonical_url, e.language) == (
        "Publisher's title",
        "2024-03-11T22:00:00Z",
        ("A. Writer", "B. Editor"),
        "Ledger Online",
        "https://ledger.example/x",
        "en",
    )
    assert e.trace["normalize"]["language"] == "publisher"


def test_an_html_fragment_is_the_story_already_and_is_not_extracted():
    body = "<p>Mr Blair said &ldquo;no&rdquo; &amp; left.</p><p>Second paragraph.</p>"
    assert not is_whole_page(body)
    e = normalize_article(ArticlePublished(body=body))
    assert e.text == clean_body(body).text and "extraction" not in e.trace["normalize"]


def test_a_page_without_a_story_keeps_its_plain_text_rather_than_nothing():
    e = normalize_article(
        ArticlePublished(body="<html><body><nav><a href='/'>Home</a> | <a href='/w'>World</a></nav></body></html>")
    )
    assert e.text == "Home | World"


def test_a_page_larger_than_the_text_limit_is_normal_input_the_limit_applies_to_the_extracted_text():
    html = big_page(page("en_floods.html"), 300_000)
    assert len(html) > 300_000
    e = normalize_article(ArticlePublished(body=html), max_body_chars=50_000, max_raw_bytes=1_000_000)
    assert "Maria Lopez" in e.text and "More news from around the world" not in e.text


def test_a_page_over_the_raw_limit_is_refused_with_the_reason():
    html = big_page(page("en_floods.html"), 120_000)
    with pytest.raises(InvalidEvent, match=r"raw body of \d+ bytes exceeds the limit of 100000 bytes"):
        normalize_article(ArticlePublished(body=html), max_raw_bytes=100_000)


def test_extracted_text_over_the_text_limit_is_refused_with_the_reason():
    with pytest.raises(InvalidEvent, match="extracted text of .* exceeds the limit of 200"):
        normalize_article(ArticlePublished(body=page("en_floods.html")), max_body_chars=200)


def test_the_raw_limits_are_settings_and_the_raw_message_limit_covers_a_json_escaped_page():
    s = Settings.from_env({"NEWSFLOW_MAX_RAW_BYTES": "2000000"})
    assert s.max_raw_bytes == 2_000_000 and Settings().max_raw_bytes == 10 * 1024 * 1024
    assert Settings().max_input_bytes("normalize") >= 1.5 * Settings().max_raw_bytes
    assert Settings().max_input_bytes("entities") == Settings().max_message_bytes


def test_dedup_fingerprints_come_from_the_story_two_pages_of_one_site_are_not_copies():
    pipeline = build_pipeline(Settings(), ["normalize", "dedup"])
    items = [
        InputItem(n, orjson.dumps({"id": n, "body": page(f)}))
        for n, f in (
            ("minister", "en_minister.html"),
            ("floods", "en_floods.html"),
            ("minister-again", "en_minister.html"),
        )
    ]
    restyled = (
        page("en_minister.html").replace("The Daily Ledger", "Another Site").replace("Rail strike", "Ferry strike")
    )
    items.append(InputItem("restyled", orjson.dumps({"id": "restyled", "body": restyled})))
    out = {e.id: e.dedup for e in pipeline.run(items)}
    assert out["minister"].status == "unique" and out["floods"].status == "unique"
    assert out["minister-again"].status == "duplicate" and out["minister-again"].duplicate_of == "minister"
    assert out["restyled"].status in ("duplicate", "near_duplicate") and out["restyled"].duplicate_of == "minister"


def test_file_bytes_in_other_encodings_are_decoded():
    html = page("fr_koursk.html")
    assert decode_text(html.encode("utf-8")) == html
    assert decode_text(b"\xef\xbb\xbf" + html.encode("utf-8")) == html
    assert decode_text(html.encode("utf-16")) == html
    cp1252 = html.replace("\u2019", "'").encode("cp1252")
    assert decode_text(cp1252) == html.replace("\u2019", "'")


def test_mojibake_is_repaired_also_when_doubled_or_partial():
    good = "L\u2019arm\u00e9e a d\u00e9clar\u00e9 : \u00ab Nous avons lib\u00e9r\u00e9 le village \u00bb."
    once = good.encode("utf-8").decode("cp1252", "replace")
    assert repair_mojibake(once) == good
    twice = once.encode("utf-8").decode("cp1252", "replace")
    assert repair_mojibake(twice) == good
    assert repair_mojibake(good + " " + once) == good + " " + good
    assert repair_mojibake(good) == good


def test_extract_page_reads_the_pages_own_language_attribute():
    assert extract_page(page("de_energie.html")).language == "de"
