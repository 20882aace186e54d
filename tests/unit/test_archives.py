"""Web archives in: the HTML responses of a WARC become articles; other records are counted; damage is reported.

The archives are written by the tests with FastWARC (tests/warcs.py), from the repo's own test pages.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import orjson
import pytest
from pages import page
from warcs import metadata, request, response, revisit, write_warc

from newsflow.archives import ArchivedPage, Damaged, Skipped, is_warc, read_warc
from newsflow.inputs import InputReport, read_inputs

LIMIT = 10_485_760


def articles(path: Path, report: InputReport | None = None) -> list[dict]:
    return [orjson.loads(i.data) for i in read_inputs([str(path)], report=report)]


def crawl_of(n: int = 2) -> list[bytes]:
    """What a crawler writes for `n` pages: request, response, metadata each, one revisit and an image."""
    records = []
    for i, name in enumerate(["en_minister.html", "fr_koursk.html", "en_floods.html"][:n]):
        url = f"https://news.example/story/{i}"
        records += [request(url), response(url, page(name).encode()), metadata(url)]
    records += [
        revisit("https://news.example/story/0"),
        response("https://news.example/logo.png", b"\x89PNG", "image/png"),
    ]
    return records


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_each_html_response_is_one_article_with_its_url_and_fetch_time_and_the_rest_is_counted(tmp_path, name):
    path = tmp_path / name
    write_warc(path, crawl_of(2))
    report = InputReport(stream=io.StringIO())
    got = articles(path, report)
    assert [a["url"] for a in got] == ["https://news.example/story/0", "https://news.example/story/1"]
    assert [a["fetched_at"] for a in got] == ["2024-03-14T08:00:00Z"] * 2
    assert got[0]["body"] == page("en_minister.html") and got[1]["body"] == page("fr_koursk.html")
    assert dict(report.skipped.counts) == {"request": 2, "metadata": 2, "revisit": 1, "non-HTML (image/png)": 1}
    assert report.damaged == 0 and report.stream.getvalue() == ""


def test_the_http_charset_is_honoured_and_a_byte_order_mark_outranks_it(tmp_path):
    html = page("fr_koursk.html")
    path = tmp_path / "charsets.warc.gz"
    write_warc(
        path,
        [
            response("https://a.example/1", html.encode("cp1252"), "text/html; charset=windows-1252"),
            response("https://a.example/2", html.encode("utf-8"), "text/html; charset=UTF-8"),
            response("https://a.example/3", b"\xef\xbb\xbf" + html.encode("utf-8"), "text/html; charset=iso-8859-1"),
            response("https://a.example/4", html.encode("cp1252"), "text/html"),  # no charset: detected
        ],
    )
    bodies = [a["body"] for a in articles(path)]
    assert bodies == [html] * 4


def test_content_and_transfer_encodings_are_undone(tmp_path):
    html = page("en_floods.html").encode()
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (100, html[:100], len(html) - 100, html[100:])
    path = tmp_path / "encoded.warc.gz"
    write_warc(
        path,
        [
            response("https://a.example/gz", gzip.compress(html), extra_headers="Content-Encoding: gzip\r\n"),
            response("https://a.example/chunked", chunked, extra_headers="Transfer-Encoding: chunked\r\n"),
        ],
    )
    assert [a["body"].encode() for a in articles(path)] == [html, html]


def test_responses_that_are_no_page_are_skipped_by_status_and_type(tmp_path):
    path = tmp_path / "statuses.warc"
    write_warc(
        path,
        [
            response("https://a.example/moved", b"<html>moved</html>", status="301 Moved Permanently"),
            response("https://a.example/gone", b"<html>gone</html>", status="404 Not Found"),
            response("https://a.example/data", b'{"a": 1}', "application/json"),
            response("https://a.example/ok", page("en_minister.html").encode(), "application/xhtml+xml"),
        ],
    )
    report = InputReport()
    assert [a["url"] for a in articles(path, report)] == ["https://a.example/ok"]
    assert dict(report.skipped.counts) == {"HTTP 301": 1, "HTTP 404": 1, "non-HTML (application/json)": 1}


def test_a_truncated_archive_reports_the_last_record_with_its_offset_and_keeps_the_pages_before(tmp_path):
    whole = tmp_path / "whole.warc"
    offsets = write_warc(whole, crawl_of(3)[:8])  # request, response, metadata twice, then request and response
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole.read_bytes()[: offsets[-1] + 900])
    items = list(read_warc(cut, Skipped(), LIMIT))
    assert [type(i) for i in items] == [ArchivedPage, ArchivedPage, Damaged]
    assert items[2].offset == offsets[-1] and items[2].reason.startswith("truncated:")


def test_a_corrupt_gzip_member_is_reported_and_the_records_after_it_are_read(tmp_path):
    path = tmp_path / "corrupt.warc.gz"
    records = [response(f"https://a.example/{i}", page(n).encode()) for i, n in enumerate(["en_minister.html"] * 4)]
    offsets = write_warc(path, records)
    data = bytearray(path.read_bytes())
    data[offsets[1] + 200 : offsets[1] + 260] = b"\x00" * 60  # inside the second record's deflate stream
    path.write_bytes(bytes(data))
    report = InputReport(stream=io.StringIO())
    got = articles(path, report)
    assert [a["url"] for a in got] == ["https://a.example/0", "https://a.example/2", "https://a.example/3"]
    (line,) = [orjson.loads(x) for x in report.stream.getvalue().splitlines()]
    assert line["origin"] == f"{path}@{offsets[1]}" and line["stage"] == "input"
    assert line["error"].startswith("corrupt record:") and report.damaged == 1


def test_a_record_with_a_broken_header_in_a_plain_archive_is_reported_and_reading_resumes(tmp_path):
    path = tmp_path / "broken.warc"
    records = [response(f"https://a.example/{i}", page("en_floods.html").encode()) for i in range(3)]
    offsets = write_warc(path, records)
    data = path.read_bytes()
    at = data.index(b"Content-Length", offsets[1])
    path.write_bytes(data[:at] + b"Content-Lenxth" + data[at + 14 :])
    items = list(read_warc(path, Skipped(), LIMIT))
    assert [getattr(i, "url", None) for i in items if isinstance(i, ArchivedPage)] == [
        "https://a.example/0",
        "https://a.example/2",
    ]
    damaged = [i for i in items if isinstance(i, Damaged)]
    assert damaged and damaged[0].offset == offsets[1] and "Content-Length" in damaged[0].reason


def test_a_file_that_is_no_archive_is_one_damaged_item_not_a_crash(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_bytes(b"these are my notes, not an archive\n" * 20)
    (item,) = list(read_warc(path, Skipped(), LIMIT))
    assert isinstance(item, Damaged) and item.offset == 0


def test_a_page_over_the_raw_limit_is_reported_not_read(tmp_path):
    path = tmp_path / "big.warc.gz"
    write_warc(path, [response("https://a.example/big", b"<html>" + b"x" * 5000 + b"</html>")])
    (item,) = list(read_warc(path, Skipped(), 1000))
    assert isinstance(item, Damaged) and "exceeds the limit of 1000" in item.reason


def test_a_folder_reads_archives_beside_other_inputs_in_name_order(tmp_path):
    write_warc(tmp_path / "b.warc.gz", [response("https://a.example/b", page("en_floods.html").encode())])
    (tmp_path / "a.txt").write_text("A plain body.", encoding="utf-8")
    (tmp_path / "c.html").write_text(page("en_minister.html"), encoding="utf-8")
    (tmp_path / "skip.gz").write_bytes(gzip.compress(b"not an archive by name"))
    got = articles(tmp_path)
    assert [a.get("url") for a in got] == [None, "https://a.example/b", None]
    assert is_warc(Path("X.WARC.GZ")) and not is_warc(Path("x.warc.zst"))
