"""The lists of the store's answers as tables: the columns of each, CSV that a spreadsheet opens safely, and
a file name that says what was asked.

One table per kind of answer: `quotes` (a quotes list, and a speaker's quotes: `speaker`), `speakers` (the
most quoted) and `story` (a story's copies). The CLI (`newsflow query ... --csv`) and the API
(`?format=csv`) write the same tables. A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return is written with a leading `'`, so that a spreadsheet shows it as text and never runs it as a formula
(quotes are written by the people they quote, and pages by anyone).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Callable, Mapping, Sequence

from newsflow.store.params import parse_choice

FORMATS = ("json", "csv")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv"

Cell = Callable[[Mapping[str, Any]], Any]


def _outlets(counts: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(f"{c['outlet'] or '(no outlet given)'}: {c['quotes']}" for c in counts)


def _columns(names: str, computed: dict[str, Cell] | None = None) -> tuple[tuple[str, Cell], ...]:
    """Columns by name: each the item's field of that name, but those `computed` gives."""
    computed = computed or {}
    return tuple((n, computed.get(n) or (lambda item, n=n: item.get(n))) for n in names.split())


QUOTE_COLUMNS = _columns(
    "time speaker speaker_label text cue kind outlet title copies outlets article_id story_id speaker_id quote_id rule confidence",
    {"outlets": lambda q: "; ".join(q.get("outlets") or ())},
)
SPEAKER_COLUMNS = _columns("name label quotes by_outlet id", {"by_outlet": lambda s: _outlets(s.get("outlets") or ())})
COPY_COLUMNS = _columns(
    "time time_basis after_first_s outlet title url published_at arrived_first dedup_status article_id"
)
#: answer kind -> (the answer's list, its columns)
TABLES: dict[str, tuple[str, tuple[tuple[str, Cell], ...]]] = {
    "quotes": ("quotes", QUOTE_COLUMNS),
    "speaker": ("quotes", QUOTE_COLUMNS),
    "speakers": ("speakers", SPEAKER_COLUMNS),
    "story": ("copies", COPY_COLUMNS),
}


def safe_cell(value: Any) -> Any:
    """A cell as a spreadsheet should read it: text that would start a formula gets a leading `'`; None is empty;
    numbers and booleans stay as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(kind: str, doc: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the list in the answer `doc` of `kind` (quotes, speaker, speakers, story)."""
    field, columns = TABLES[kind]
    return [name for name, _ in columns], [[cell(item) for _, cell in columns] for item in doc.get(field) or ()]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends, fields quoted where needed) with a header row; every cell `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()


def answer_csv(kind: str, doc: Mapping[str, Any]) -> str:
    """The list of an answer as CSV."""
    return csv_text(*table(kind, doc))


def parse_format(value: str | None) -> str:
    """The format of an answer: json (default) or csv."""
    return parse_choice(value, "format", FORMATS)


_SLUG = re.compile(r"[^a-z0-9]+")


def file_name(kind: str, asked: Mapping[str, Any], fmt: str) -> str:
    """A download's name from what was asked: `newsflow-quotes-speaker-maria-okafor.csv` (ASCII, at most 80
    characters before the extension)."""
    parts = ["newsflow", kind]
    for key in ("speaker", "speaker_id", "entity", "entity_id", "text", "id", "article_id", "since", "until", "outlet"):
        value = asked.get(key)
        if value:
            parts += [key.replace("_id", "-id"), str(value)[:40]]
    slug = _SLUG.sub("-", "-".join(parts).lower()).strip("-")[:80].rstrip("-")
    return f"{slug or 'newsflow'}.{fmt}"


__all__ = [
    "CSV_TYPE",
    "FORMATS",
    "TABLES",
    "answer_csv",
    "csv_text",
    "file_name",
    "parse_format",
    "safe_cell",
    "table",
]
