"""Reading articles from files or stdin for `newsflow run` and `newsflow publish`.

JSON Lines (.jsonl, one article a line), a JSON file (.json: one article or a list of
them), or any other file as one article's body (.txt); `-` is stdin, sniffed the same
way; a directory is every such file in it, in name order.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import orjson

ARTICLE_SUFFIXES = (".jsonl", ".ndjson", ".json", ".txt", ".html", ".htm")


@dataclass(frozen=True)
class InputItem:
    """One article as read: its raw JSON bytes, and where it came from (file:line)."""

    origin: str
    data: bytes


def decode_text(data: bytes) -> str:
    """The text of a file's bytes: UTF-8 (a BOM dropped) when they are UTF-8, else the encoding
    charset-normalizer detects (a cp1252 or latin-1 page, UTF-16), else UTF-8 with replacement marks."""
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


def read_inputs(paths: Iterable[str], stdin=None) -> Iterator[InputItem]:
    """Every article in `paths`, in order, as raw JSON bytes for the normalize stage."""
    for p in paths:
        if p == "-":
            data = (stdin or sys.stdin.buffer).read()
            yield from _items_of(data, "<stdin>", _sniff(data))
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.iterdir() if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES)
        else:
            files = [path]
        for f in files:
            data = f.read_bytes()
            yield from _items_of(data, str(f), _kind_of(f, data))


__all__ = ["ARTICLE_SUFFIXES", "InputItem", "read_inputs"]
