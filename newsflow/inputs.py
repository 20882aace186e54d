"""Reading articles from files or stdin for `newsflow run` and `newsflow publish`.

JSON Lines (.jsonl, one article a line), a JSON file (.json: one article or a list of
them), a web archive (.warc, .warc.gz: each HTML response one article, read as it streams; see
`newsflow.archives`), or any other file as one article's body (.txt); `-` is stdin, sniffed the
same way; a directory is every such file in it, in name order.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, TextIO

import orjson

from newsflow.archives import Damaged, Skipped, is_warc, read_warc

ARTICLE_SUFFIXES = (".jsonl", ".ndjson", ".json", ".txt", ".html", ".htm")
DEFAULT_MAX_PAGE_BYTES = 10_485_760  # Settings.max_raw_bytes


@dataclass(frozen=True)
class InputItem:
    """One article as read: its raw JSON bytes, and where it came from (file:line)."""

    origin: str
    data: bytes


@dataclass
class InputReport:
    """What reading passed over (archive records that are no page) and what it could not read."""

    skipped: Skipped = field(default_factory=Skipped)
    damaged: int = 0
    stream: TextIO | None = None  # where a damaged input is reported, one JSON line each (default stderr)

    def report(self, origin: str, reason: str) -> None:
        """Report an input that could not be read, as `newsflow run` reports one it could not enrich."""
        self.damaged += 1
        line = orjson.dumps({"origin": origin, "stage": "input", "error": reason}).decode()
        (self.stream or sys.stderr).write(line + "\n")


def decode_text(data: bytes, charset: str | None = None) -> str:
    """The text of a file's bytes: in `charset` when one was declared (an HTTP header's) and it decodes them,
    else UTF-8 (a BOM dropped) when they are UTF-8, else the encoding charset-normalizer detects (a cp1252 or
    latin-1 page, UTF-16), else UTF-8 with replacement marks."""
    if charset and not data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark outranks the header, as in browsers
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")


def _body_only(text: bytes) -> bytes:
    return orjson.dumps({"body": decode_text(text)})


def _items_of(data: bytes, origin: str, kind: str) -> Iterator[InputItem]:
    if kind == "jsonl":
        for n, line in enumerate(data.splitlines(), 1):
            if line.strip():
                yield InputItem(f"{origin}:{n}", line)
    elif kind == "json":
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            yield InputItem(origin, data)  # the pipeline reports it as invalid
            return
        for n, article in enumerate(value if isinstance(value, list) else [value], 1):
            yield InputItem(f"{origin}[{n}]" if isinstance(value, list) else origin, orjson.dumps(article))
    elif kind == "text":
        yield InputItem(origin, _body_only(data))


def _sniff(data: bytes) -> str:
    """JSON Lines when the input starts with an object and has several lines, even if one is broken."""
    head = data.lstrip()[:1]
    if not head:
        return "empty"
    if head == b"[":
        return "json"
    if head == b"{":
        lines = [line for line in data.strip().splitlines() if line.strip()]
        if len(lines) == 1:
            return "jsonl"
        try:  # a pretty-printed single object spans several lines but parses whole
            orjson.loads(data)
            return "json"
        except orjson.JSONDecodeError:
            return "jsonl"
    return "text"


def _kind_of(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".txt", ".html", ".htm"):
        return "text"
    return _sniff(data)


def _archive_items(path: Path, report: InputReport, max_page_bytes: int) -> Iterator[InputItem]:
    for item in read_warc(path, report.skipped, max_page_bytes):
        origin = f"{path}@{item.offset}"
        if isinstance(item, Damaged):
            report.report(origin, item.reason)
            continue
        article = {"body": decode_text(item.payload, item.charset), "url": item.url or None}
        if item.fetched_at:
            article["fetched_at"] = item.fetched_at
        yield InputItem(origin, orjson.dumps(article))


def read_inputs(
    paths: Iterable[str],
    stdin=None,
    report: InputReport | None = None,
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
) -> Iterator[InputItem]:
    """Every article in `paths`, in order, as raw JSON bytes for the normalize stage.

    Archives stream (one page in memory at a time); what they skip is counted in `report`, and a damaged
    record is reported there (on stderr) while the rest is read on.
    """
    report = report if report is not None else InputReport()
    for p in paths:
        if p == "-":
            data = (stdin or sys.stdin.buffer).read()
            yield from _items_of(data, "<stdin>", _sniff(data))
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(
                f for f in path.iterdir() if f.is_file() and (f.suffix.lower() in ARTICLE_SUFFIXES or is_warc(f))
            )
        else:
            files = [path]
        for f in files:
            if is_warc(f):
                yield from _archive_items(f, report, max_page_bytes)
                continue
            data = f.read_bytes()
            yield from _items_of(data, str(f), _kind_of(f, data))


__all__ = ["ARTICLE_SUFFIXES", "InputItem", "InputReport", "decode_text", "read_inputs"]
