"""Cursors of the store's lists: where the next page starts, as an opaque token.

Every list is in one total order (quotes: their newest row's article time and row id, newest first;
speakers: quotes, most first, then id; a story's copies: the order they were published in), and a page
goes on after the last item the page before showed (keyset, or seek, paging: the same index range the
first page walks, entered at that item; no OFFSET, which reads every row it skips). A cursor holds that
item's key, which list and query it was made for (a fingerprint of the list's parameters, so that it is
not used on another), and the count the first page found, so that later pages do not count again.

To a user a cursor is a token (URL-safe base64 of a small JSON document) to hand back unchanged; a token
that is not one, or one of another list or query, is a `QueryError` with the reason (the API answers 400,
the CLI exits 2). A cursor carries no secret: altering one can only move where a page starts, every value
in it reaches the database as a bound parameter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

import orjson

from newsflow.store.params import QueryError

VERSION = 1
MAX_CURSOR_CHARS = 1000
#: A count that is not in the rollups (and not the first page's own: a list that fits on it) is of the quotes in
#: COUNT_ROWS rows of the list (shared out among its index ranges), COUNT_CAP at most; where those rows are not
#: the whole list it is "at least" (`capped`: "1,000+").
COUNT_CAP = 1000
COUNT_ROWS = 1000

#: The key of each list's items, by kind: "time" an ISO-8601 date-time, "int" a whole number >= 0, "str" text.
KEYS: dict[str, tuple[str, ...]] = {
    "quotes": ("time", "str"),  # the newest row of the last quote shown: article time, quote row id
    "speakers": ("int", "str"),  # quotes, actor id
    "copies": ("time", "int", "time", "str"),  # publication (else arrival) time, arrived later, arrival, id
}


HINTS = ("d", "w", "m", "y")  # the period a full-text walk had reached (a day, a week, a month, a year of matches)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the item whose key is `after`; `count` (and `capped`: at least that many)
    as the first page counted them; `hint`, how the page before read its list (where that matters: the
    period a full-text walk had reached, so that the next page starts at it)."""

    after: tuple[Any, ...]
    count: int
    capped: bool = False
    hint: str | None = None


def fingerprint(kind: str, query: Mapping[str, Any]) -> str:
    """A short digest of a list's kind and parameters (None and absent alike)."""
    items = sorted((k, v) for k, v in query.items() if v is not None)
    return hashlib.sha1(orjson.dumps([kind, items], default=str)).hexdigest()[:12]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def make_cursor(
    kind: str, query: Mapping[str, Any], after: Sequence[Any], count: int, capped: bool = False, hint: str | None = None
) -> str:
    """The token of the page after the item keyed `after` in the list `kind` asked with `query`."""
    doc = {"v": VERSION, "k": kind, "q": fingerprint(kind, query), "a": [_plain(v) for v in after], "n": count}
    if capped:
        doc["c"] = 1
    if hint is not None:
        doc["h"] = hint
    return base64.urlsafe_b64encode(orjson.dumps(doc)).decode().rstrip("=")


def _value(kind: str, raw: Any) -> Any:
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError
        return raw
    if not isinstance(raw, str) or len(raw) > 300:
        raise ValueError
    if kind == "time":
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is not None:  # the store's times are naive UTC, and so are the cursors it makes
            raise ValueError
        return moment
    return raw


def read_cursor(token: str | None, kind: str, query: Mapping[str, Any]) -> Cursor | None:
    """The cursor in `token` for the list `kind` asked with `query`; None for no token (the first page).

    Raises QueryError naming what is wrong: not a cursor at all, or one of another list or query."""
    if token is None or token == "":
        return None
    if len(token) > MAX_CURSOR_CHARS:
        raise QueryError("cursor: not a cursor of this list (too long)")
    try:
        doc = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise QueryError("cursor: not a cursor (pass the next_cursor of an answer unchanged)") from None
    if not isinstance(doc, dict) or doc.get("v") != VERSION or not isinstance(doc.get("a"), list):
        raise QueryError("cursor: not a cursor (pass the next_cursor of an answer unchanged)")
    if doc.get("k") != kind:
        raise QueryError(f"cursor: made for another list, not for {kind}")
    if doc.get("q") != fingerprint(kind, query):
        raise QueryError("cursor: made for another query (its parameters changed); start again without a cursor")
    shape = KEYS[kind]
    count = doc.get("n")
    try:
        if len(doc["a"]) != len(shape):
            raise ValueError
        after = tuple(_value(s, v) for s, v in zip(shape, doc["a"]))
        count = _value("int", count)
        if doc.get("h") not in (None, *HINTS):
            raise ValueError
    except ValueError:
        raise QueryError("cursor: damaged (pass the next_cursor of an answer unchanged)") from None
    return Cursor(after, count, bool(doc.get("c")), doc.get("h"))


__all__ = ["COUNT_CAP", "COUNT_ROWS", "KEYS", "Cursor", "fingerprint", "make_cursor", "read_cursor"]
