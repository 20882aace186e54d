"""Web archives (WARC, plain or gzipped) as pages: every HTTP response record whose payload is HTML.

Read with FastWARC (chosen over warcio by benchmarks/warc_throughput.py: about twice the records per
second on the same archive, and a header it cannot parse is an error, where warcio took the records
after it for one record's payload). Streaming: one record's payload in memory at a time. Request,
metadata, revisit and other records, non-HTML and non-2xx responses are skipped and counted; a
truncated or corrupt record is a `Damaged` item with its offset and reason, and reading resumes at the
next record (the next gzip member that holds one, or the next `WARC/1.x` line).
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_SCAN_CHUNK = 1 << 20


def is_warc(path: Path) -> bool:
    """Whether a file is a web archive by its name (`.warc` or `.warc.gz`)."""
    return path.name.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class ArchivedPage:
    """One HTML response: its payload (content and transfer encodings undone) and what the archive says of it."""

    url: str
    fetched_at: str | None  # WARC-Date, ISO 8601 as written
    payload: bytes
    charset: str | None  # from the HTTP Content-Type
    offset: int  # where the record starts in the file (compressed offset for .warc.gz)


@dataclass(frozen=True)
class Damaged:
    """A record that could not be read whole."""

    offset: int
    reason: str


@dataclass
class Skipped:
    """Records passed over, by kind (`request`, `metadata`, `non-HTML`, `HTTP 404`, ...)."""

    counts: Counter = field(default_factory=Counter)

    def add(self, kind: str) -> None:
        """Count one record of `kind`."""
        self.counts[kind] += 1

    def summary(self) -> str:
        """`3 request, 1 non-HTML`, most frequent first; empty when nothing was skipped."""
        return ", ".join(f"{n} {kind}" for kind, n in self.counts.most_common())


def read_warc(path: Path, skipped: Skipped, max_payload_bytes: int) -> Iterator[ArchivedPage | Damaged]:
    """The HTML pages of one archive, in file order, with a `Damaged` item for each record that failed."""
    from fastwarc.warc import ArchiveIterator

    with open(path, "rb") as f:
        gz = f.read(3) == _GZIP_MAGIC
        start: int | None = 0
        pending: Damaged | None = None  # bad bytes after a good record: reported unless the next start fails too
        last_damaged = None
        while start is not None:
            begin = start
            f.seek(begin)
            current = done = None
            try:
                for record in ArchiveIterator(f, parse_http=True, auto_decode="all"):
                    current = record.stream_pos
                    if pending is not None:
                        yield pending
                        pending = None
                    item = _page_of(record, skipped, max_payload_bytes)
                    done = current
                    if isinstance(item, Damaged):
                        last_damaged = item.offset
                    if item is not None:
                        yield item
                start = None
            except OSError as err:  # FastWARC reports a corrupt gzip member, WARC header or encoding as OSError
                if current is not None and current == done:
                    if last_damaged != done:  # else that record's report says it already
                        pending = Damaged(done, f"corrupt data after the record at offset {done}: {err}")
                    start = _next_start(f, done + 1, gz)
                else:
                    bad = begin if current is None else current
                    pending = None
                    yield Damaged(bad, f"corrupt record: {err}")
                    start = _next_start(f, bad + 1, gz)
        if pending is not None:
            yield pending


def _page_of(record: Any, skipped: Skipped, max_payload_bytes: int) -> ArchivedPage | Damaged | None:
    kind = str(record.record_type)
    if "Content-Length" not in record.headers:
        return Damaged(record.stream_pos, "no Content-Length in the WARC header")
    if kind != "response" or not record.is_http:
        skipped.add(kind if kind != "response" else "non-HTTP response")
        return None
    status = record.http_headers.status_code or 0
    content_type = (record.http_content_type or "").lower()
    encoded = "Transfer-Encoding" in record.http_headers or "Content-Encoding" in record.http_headers
    html = 200 <= status < 300 and content_type in HTML_TYPES
    if html and record.content_length > max_payload_bytes:
        return Damaged(
            record.stream_pos, f"HTML payload of {record.content_length} bytes exceeds the limit of {max_payload_bytes}"
        )
    payload = record.reader.read() if html else b""
    size = len(payload) if html else record.reader.consume()
    if not encoded and size < record.content_length:  # a decoded payload has another length: not comparable
        return Damaged(record.stream_pos, f"truncated: {size} of {record.content_length} payload bytes")
    if html:
        return ArchivedPage(
            url=record.headers.get("WARC-Target-URI") or "",
            fetched_at=record.headers.get("WARC-Date"),
            payload=payload,
            charset=record.http_charset,
            offset=record.stream_pos,
        )
    skipped.add(f"HTTP {status}" if not 200 <= status < 300 else f"non-HTML ({content_type or 'no type'})")
    return None


def _next_start(f: BinaryIO, after: int, gz: bool) -> int | None:
    """The offset of the first record that starts at or after `after`, None at the end of the file."""
    marker = _GZIP_MAGIC if gz else b"WARC/1."
    position = after
    while True:
        f.seek(position)
        chunk = f.read(_SCAN_CHUNK + 16)
        if len(chunk) < len(marker):
            return None
        found = chunk.find(marker, 0, _SCAN_CHUNK)
        while found >= 0:
            if _starts_record(f, position + found, gz):
                return position + found
            found = chunk.find(marker, found + 1, _SCAN_CHUNK)
        position += _SCAN_CHUNK


def _starts_record(f: BinaryIO, offset: int, gz: bool) -> bool:
    """A gzip member whose first bytes inflate to a WARC version line (three bytes match by chance in
    compressed data), or a version line at the start of a line."""
    f.seek(offset if gz else max(0, offset - 1))
    head = f.read(4096)
    if not gz:
        return offset == 0 or head[:1] == b"\n"
    try:
        return zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


__all__ = ["ArchivedPage", "Damaged", "Skipped", "WARC_SUFFIXES", "is_warc", "read_warc"]
