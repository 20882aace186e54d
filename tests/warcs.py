"""WARC files for the tests, written with FastWARC itself (the library newsflow reads them with).

A `.warc.gz` is one gzip member per record, as crawlers write them.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Iterable

from fastwarc.warc import WarcRecord, WarcRecordType


def record(kind: WarcRecordType, url: str, block: bytes, content_type: str, date: str | None = None) -> bytes:
    """One WARC record's bytes."""
    r = WarcRecord()
    r.init_headers(kind)
    r.headers.append("WARC-Target-URI", url)
    r.headers.append("Content-Type", content_type)
    if date:
        r.headers.set("WARC-Date", date)
    r.set_bytes_content(block)
    out = io.BytesIO()
    r.write(out)
    return out.getvalue()


def response(
    url: str,
    payload: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str | None = "2024-03-14T08:00:00Z",
    extra_headers: str = "",
) -> bytes:
    """An HTTP response record."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra_headers}\r\n".encode("latin-1")
    return record(WarcRecordType.response, url, head + payload, "application/http; msgtype=response", date)


def request(url: str) -> bytes:
    """The HTTP request record a crawler writes before its response."""
    head = f"GET {url} HTTP/1.1\r\nUser-Agent: test\r\n\r\n".encode()
    return record(WarcRecordType.request, url, head, "application/http; msgtype=request")


def metadata(url: str) -> bytes:
    """A metadata record (what a crawler noted about a fetch)."""
    return record(WarcRecordType.metadata, url, b"fetchTimeMs: 12\r\n", "application/warc-fields")


def revisit(url: str) -> bytes:
    """A revisit record: the page was the same as before, no payload."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    return record(WarcRecordType.revisit, url, head, "application/http; msgtype=response")


def write_warc(path: Path, records: Iterable[bytes]) -> list[int]:
    """Write `records` to `path` (gzipped per record when it ends in .gz); returns each record's offset."""
    offsets = []
    with open(path, "wb") as f:
        for rec in records:
            offsets.append(f.tell())
            f.write(gzip.compress(rec) if path.name.endswith(".gz") else rec)
    return offsets
