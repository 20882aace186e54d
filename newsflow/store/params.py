"""Checked query parameters: dates, limits and full-text words as the user typed them.

Every check raises `QueryError` with the reason (the API answers 400 with it, the CLI exits 2);
nothing here touches a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

MAX_LIMIT = 1000  # quotes or speakers in one answer
DEFAULT_LIMIT = 50
MAX_TEXT_CHARS = 500  # of a full-text query
MAX_NAME_CHARS = 300  # of a speaker or entity name
BUCKETS = ("day", "week")


class QueryError(ValueError):
    """A malformed query parameter; `str(err)` says which and why."""


@dataclass(frozen=True)
class Window:
    """Which articles a query looks at: time (published, else stored) in [since, until), and outlet."""

    since: datetime | None = None
    until: datetime | None = None
    outlet: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since >= self.until:
            raise QueryError(f"since {self.since.isoformat()} is not before until {self.until.isoformat()}")


def plain(value: str, name: str) -> str:
    """`value` unless it holds a control character (NUL and the like reach no database) or is no valid
    text (bytes a shell passed that are not UTF-8 arrive as lone surrogates, which no database holds)."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise QueryError(f"{name}: contains a control character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{name}: not valid text (bytes that are not UTF-8)") from None
    return value


def parse_when(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """An ISO-8601 date or date-time as naive UTC, in the years 1 to 9999 the store holds; a bare date as
    `until` means the end of that day (of 9999-12-31: the last moment the store holds)."""
    if value is None or value == "":
        return None
    text = plain(value, name).strip()
    if len(text) > 40:
        raise QueryError(f"{name}: not an ISO-8601 date or date-time")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day)
            if not end:
                return start
            return start + timedelta(days=1) if day < date.max else datetime.max
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(
            f"{name}: {value!r} is not an ISO-8601 date (2024-03-01) or date-time in the years 1 to 9999"
        ) from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
            raise QueryError(f"{name}: {value!r} is outside the years 1 to 9999 (UTC) the store holds") from None
    return parsed


def window(since: str | None = None, until: str | None = None, outlet: str | None = None) -> Window:
    """A `Window` from the strings a user gave."""
    if outlet is not None and (not plain(outlet, "outlet").strip() or len(outlet) > MAX_NAME_CHARS):
        raise QueryError("outlet: give a non-empty outlet name")
    return Window(parse_when(since, "since"), parse_when(until, "until", end=True), outlet.strip() if outlet else None)


def parse_int(value: str | int | None, name: str, default: int, lo: int = 1, hi: int = MAX_LIMIT) -> int:
    """A whole number in [lo, hi]; `default` when absent."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise QueryError(f"{name}: not a whole number")
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name}: {value!r} is not a whole number") from None
    if not lo <= n <= hi:
        raise QueryError(f"{name}: {n} is out of range ({lo} to {hi})")
    return n


def parse_name(value: str | None, name: str) -> str:
    """A speaker or entity name: stripped, not empty, not huge."""
    text = plain(value or "", name).strip()
    if not text:
        raise QueryError(f"{name}: give a name")
    if len(text) > MAX_NAME_CHARS:
        raise QueryError(f"{name}: longer than {MAX_NAME_CHARS} characters")
    return text


def parse_choice(value: str | None, name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (any case, spaces around ignored); the first when absent."""
    choice = (value or choices[0]).strip().lower()
    if choice not in choices:
        raise QueryError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    return choice


def parse_bucket(value: str | None) -> str:
    """The time bucket of a speaker's chart: day (default) or week."""
    return parse_choice(value, "bucket", BUCKETS)


# --- full-text words ------------------------------------------------------------------------------

_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a search; `negated` for -word, `join` "OR" when `or` came before it."""

    text: str
    negated: bool = False
    join: str = "AND"


def search_terms(words: str | None) -> list[Term]:
    """The user's words as terms, web-search style: words, "quoted phrases", -excluded, `or`.

    Raises QueryError when nothing searchable is left (empty, only punctuation, only exclusions).
    """
    text = plain(words or "", "text").strip()
    if not text:
        raise QueryError("text: give some words to search for")
    if len(text) > MAX_TEXT_CHARS:
        raise QueryError(f"text: longer than {MAX_TEXT_CHARS} characters")
    terms: list[Term] = []
    join = "AND"
    for m in _TERM.finditer(text):
        if m.group(3) is not None:
            raw = m.group(3)
            if raw.lower() == "or" and terms:
                join = "OR"
                continue
            negated = raw.startswith("-") and len(raw) > 1
            phrase = raw[1:] if negated else raw
        else:
            negated, phrase = bool(m.group(1)), m.group(2)
        if not any(ch.isalnum() for ch in phrase):
            continue
        terms.append(Term(phrase, negated, "AND" if negated else join))
        join = "AND"
    if not any(not t.negated for t in terms):
        raise QueryError(f"text: {words!r} has no word to search for")
    return terms


def _ordered(terms: list[Term]) -> list[Term]:
    # exclusions before the first word go after it: FTS5's NOT needs a left side
    first = next(i for i, t in enumerate(terms) if not t.negated)
    return [terms[first], *terms[:first], *terms[first + 1 :]]


def fts5_query(terms: list[Term]) -> str:
    """An SQLite FTS5 MATCH expression of `terms`, every term a quoted string (no FTS5 syntax gets through).

    It is passed as a bound parameter; quoting only keeps the user's words from being read as
    FTS5 operators or column filters. Precedence is FTS5's (NOT, then AND, then OR), as in a tsquery.
    """
    parts = []
    for i, t in enumerate(_ordered(terms)):
        quoted = '"' + t.text.replace('"', '""') + '"'
        parts.append(quoted if i == 0 else f"{'NOT' if t.negated else t.join} {quoted}")
    return " ".join(parts)


def websearch_text(terms: list[Term]) -> str:
    """The terms as PostgreSQL's websearch_to_tsquery reads them (the same meaning as `fts5_query`)."""
    parts = []
    for i, t in enumerate(_ordered(terms)):
        words = t.text.replace('"', " ").strip()
        phrase = f'"{words}"' if " " in words else words
        parts.append(("-" if t.negated else "or " if t.join == "OR" and i else "") + phrase)
    return " ".join(parts)


__all__ = [
    "MAX_LIMIT",
    "DEFAULT_LIMIT",
    "QueryError",
    "Window",
    "plain",
    "parse_when",
    "window",
    "parse_int",
    "parse_name",
    "parse_bucket",
    "parse_choice",
    "Term",
    "search_terms",
    "fts5_query",
    "websearch_text",
]
