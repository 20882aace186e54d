"""Bytes on the wire to events and back: JSON via orjson, with clear errors for bad input."""

from __future__ import annotations

from typing import Any, Iterable

import orjson

from shared.core.events import ArticleCleaned, ArticlePublished, InvalidEvent, to_dict

# orjson parses up to 1024 levels but serialises only up to 254: an event nested deeper
# than this could be read but never written back, so it is refused when read.
MAX_DEPTH = 64


def loads(data: bytes | str, max_bytes: int | None = None) -> Any:
    """Parse one JSON document; raise InvalidEvent saying why it is not one."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InvalidEvent(f"message of {len(data)} bytes exceeds the limit of {max_bytes} bytes")
    if not data:
        raise InvalidEvent("empty message")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise InvalidEvent(f"not JSON: {err}") from None
    _check_depth(value)
    return value


def _check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """InvalidEvent if containers nest deeper than `limit` (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(v, dict):
            children = v.values()
        elif isinstance(v, list):
            children = v
        else:
            continue
        if depth > limit:
            raise InvalidEvent(f"JSON nested deeper than {limit} levels")
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))


def decode_raw(data: bytes | str, max_bytes: int | None = None) -> ArticlePublished:
    """A raw article from message bytes, or InvalidEvent with the reason."""
    return ArticlePublished.from_dict(loads(data, max_bytes))


def encode(event: ArticleCleaned) -> bytes:
    """The UTF-8 JSON bytes of an article event."""
    return orjson.dumps(to_dict(event))


def dumps(obj: Any) -> bytes:
    """UTF-8 JSON bytes of any JSON-able value."""
    return orjson.dumps(obj)


__all__ = ["MAX_DEPTH", "loads", "decode_raw", "encode", "dumps"]
