"""The events that flow between stages, named as facts, with a schema version.

Each stage reads one event type and returns the next; every later event carries all
fields of the earlier ones, so a consumer of any topic sees the whole article so far.
On the wire an event is one JSON object (see `shared.core.codec`); the enriched event's
layout is the contract in `shared/schema/article_enriched.schema.json`, described in the
README ("The enriched event") and docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, TypeVar

from shared.core.errors import InvalidEvent
from shared.core.parse import CompactParse

# 2: quotes of kind "indirect"; page metadata (authors, site_name, canonical_url); language always set
# 3: quotes say where their speaker is named (speaker_start/speaker_end), which rule chose it, its confidence
SCHEMA_VERSION = 3

RAW_OPTIONAL_FIELDS = ("id", "title", "url", "source", "published_at", "language", "site_name", "canonical_url")


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in `text`: `text[start:end] == self.text`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    """Mentions of one named thing merged under its canonical (fullest) name."""

    name: str
    label: str
    count: int
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Quote:
    """One span between a pair of quotation marks that reports speech."""

    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_label: str | None = None
    cue: str | None = None
    kind: str = "direct"
    speaker_start: int | None = None  # where the phrase naming the speaker stands in `text` (None: no speaker)
    speaker_end: int | None = None
    rule: str | None = None  # the pattern or model that chose the speaker ('syntax:...', 'text:...', 'model')
    confidence: float | None = None  # 0-1: how likely the speaker is right (None: no speaker)


@dataclass(frozen=True)
class DedupVerdict:
    """Whether an article was seen before, and of which first-seen article it is a copy."""

    status: str  # unique | duplicate | near_duplicate
    duplicate_of: str | None
    similarity: float
    cluster_id: str


@dataclass(frozen=True)
class ArticlePublished:
    """A raw article as a scraper or feed published it: only `body` is required."""

    body: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    authors: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, obj: Any) -> "ArticlePublished":
        """Validate a decoded JSON value; raise InvalidEvent with the reason if it is not an article."""
        if not isinstance(obj, dict):
            raise InvalidEvent(f"event is a JSON {type(obj).__name__}, not an object")
        if "body" not in obj:
            raise InvalidEvent("event has no 'body'")
        body = obj["body"]
        if not isinstance(body, str):
            raise InvalidEvent(f"'body' is a {type(body).__name__}, not a string")
        values: dict[str, Any] = {}
        for name in RAW_OPTIONAL_FIELDS:
            value = obj.get(name)
            if value is None:
                continue
            if name == "id" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise InvalidEvent(f"'{name}' is a {type(value).__name__}, not a string")
            values[name] = value
        if obj.get("authors") is not None:
            values["authors"] = _authors_from(obj["authors"])
        extra = {k: v for k, v in obj.items() if k not in ("body", "authors") and k not in RAW_OPTIONAL_FIELDS}
        return cls(body=body, extra=extra, **values)


def _authors_from(value: Any) -> tuple[str, ...]:
    """`authors` as published: one name, or a list of names."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise InvalidEvent("'authors' is not a string or a list of strings")
    return tuple(a.strip() for a in value if a.strip())


@dataclass(frozen=True)
class ArticleCleaned:
    """An article whose story text was separated from scraping debris; `text` is what later offsets index."""

    id: str
    body: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    canonical_url: str | None = None
    signature: str | None = None
    dateline: str | None = None
    removed: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    trace: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    stage: ClassVar[str] = "normalize"


@dataclass(frozen=True)
class ArticleDeduplicated(ArticleCleaned):
    """A cleaned article with its duplicate verdict."""

    dedup: DedupVerdict | None = None

    stage: ClassVar[str] = "dedup"


@dataclass(frozen=True)
class EntitiesExtracted(ArticleDeduplicated):
    """An article with its named entities merged under canonical names."""

    entities: tuple[Entity, ...] = ()
    # the dependency parse of the sentences the quotes stage needs (articles.entities topic only)
    parse: CompactParse | None = None

    stage: ClassVar[str] = "entities"


@dataclass(frozen=True)
class ArticleEnriched(EntitiesExtracted):
    """The pipeline's promise: an article with entities, quotes and their speakers, and its dedup verdict."""

    quotes: tuple[Quote, ...] = ()

    stage: ClassVar[str] = "quotes"


AnyArticle = TypeVar("AnyArticle", bound=ArticleCleaned)

# Field order of the JSON output: the contract's order first, the rest after.
_OUTPUT_ORDER = (
    "schema_version",
    "id",
    "title",
    "url",
    "source",
    "published_at",
    "language",
    "authors",
    "site_name",
    "canonical_url",
    "body",
    "text",
    "signature",
    "dateline",
    "removed",
    "entities",
    "parse",
    "quotes",
    "dedup",
    "trace",
)


def promote(event: ArticleCleaned, target: type[AnyArticle], **changes: Any) -> AnyArticle:
    """The same article as a later event type, with `changes` applied (e.g. `dedup=...`)."""
    carried, names = _carried(type(event), target)
    values = {name: getattr(event, name) for name in carried}
    values.update((k, v) for k, v in changes.items() if k in names)
    return target(**values)


_CARRIED: dict[tuple[type, type], tuple[tuple[str, ...], frozenset[str]]] = {}


def _carried(source: type, target: type) -> tuple[tuple[str, ...], frozenset[str]]:
    """The fields an event of type `source` passes on to one of type `target`, and all of `target`'s fields
    (read once per pair of types: `dataclasses.fields` walks every field on each call)."""
    found = _CARRIED.get((source, target))
    if found is None:
        names = frozenset(f.name for f in dataclasses.fields(target))
        carried = tuple(f.name for f in dataclasses.fields(source) if f.init and f.name in names)
        found = _CARRIED[(source, target)] = (carried, names)
    return found


def with_trace(trace: Mapping[str, Mapping[str, Any]], stage: str, ms: float, **notes: Any) -> dict:
    """A copy of `trace` with this stage's time added, and its notes (e.g. `skipped="why"`)."""
    out = dict(trace)
    out[stage] = {"ms": round(ms, 3), **notes}
    return out


def _mention_dict(m: Mention) -> dict:
    return {"text": m.text, "start": m.start, "end": m.end}


def _entity_dict(e: Entity) -> dict:
    return {"name": e.name, "label": e.label, "count": e.count, "mentions": [_mention_dict(m) for m in e.mentions]}


def _quote_dict(q: Quote) -> dict:
    return {
        "text": q.text,
        "speaker": q.speaker,
        "speaker_label": q.speaker_label,
        "cue": q.cue,
        "kind": q.kind,
        "start": q.start,
        "end": q.end,
        "speaker_start": q.speaker_start,
        "speaker_end": q.speaker_end,
        "rule": q.rule,
        "confidence": q.confidence,
    }


def _dedup_dict(d: DedupVerdict | None) -> dict | None:
    if d is None:
        return None
    return {"status": d.status, "duplicate_of": d.duplicate_of, "similarity": d.similarity, "cluster_id": d.cluster_id}


def to_dict(event: ArticleCleaned) -> dict:
    """The JSON object of an article event, in the contract's field order; unknown raw fields kept."""
    out: dict[str, Any] = {}
    present = {f.name for f in dataclasses.fields(event)}
    for name in _OUTPUT_ORDER:
        if name not in present:
            continue
        value = getattr(event, name)
        if name == "parse":
            # carried on the entities topic only: the quotes stage consumes it and drops it
            if value is None or isinstance(event, ArticleEnriched):
                continue
            value = value.to_json()
        elif name == "entities":
            value = [_entity_dict(e) for e in value]
        elif name == "quotes":
            value = [_quote_dict(q) for q in value]
        elif name == "dedup":
            value = _dedup_dict(value)
        elif name in ("removed", "authors"):
            value = list(value)
        elif name == "trace":
            value = {k: dict(v) for k, v in value.items()}
        out[name] = value
    for key, value in event.extra.items():
        out.setdefault(key, value)
    return out


def _opt_str(obj: Mapping[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEvent(f"'{name}' is a {type(value).__name__}, not a string")
    return value


def _entities_from(value: Any) -> tuple[Entity, ...]:
    if not isinstance(value, list):
        raise InvalidEvent("'entities' is not a list")
    return tuple(
        Entity(
            name=e["name"],
            label=e["label"],
            count=int(e.get("count", len(e.get("mentions", ())))),
            mentions=tuple(Mention(m["text"], int(m["start"]), int(m["end"])) for m in e.get("mentions", ())),
        )
        for e in value
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _quotes_from(value: Any) -> tuple[Quote, ...]:
    if not isinstance(value, list):
        raise InvalidEvent("'quotes' is not a list")
    return tuple(
        Quote(
            text=q["text"],
            start=int(q["start"]),
            end=int(q["end"]),
            speaker=q.get("speaker"),
            speaker_label=q.get("speaker_label"),
            cue=q.get("cue"),
            kind=q.get("kind", "direct"),
            speaker_start=_opt_int(q.get("speaker_start")),
            speaker_end=_opt_int(q.get("speaker_end")),
            rule=q.get("rule"),
            confidence=None if q.get("confidence") is None else float(q["confidence"]),
        )
        for q in value
    )


def from_dict(cls: type[AnyArticle], obj: Any) -> AnyArticle:
    """Read an article event of type `cls` (or any later type) from its JSON object.

    Fields of later stages that are absent take their defaults, so a stage can consume
    the output of any earlier stage (`newsflow run --stages normalize,quotes`).
    """
    if not isinstance(obj, dict):
        raise InvalidEvent(f"event is a JSON {type(obj).__name__}, not an object")
    for required in ("id", "body", "text"):
        if not isinstance(obj.get(required), str):
            raise InvalidEvent(f"'{required}' is missing or not a string (is this a cleaned article?)")
    names = {f.name for f in dataclasses.fields(cls)}
    known = set(_OUTPUT_ORDER)
    try:
        values: dict[str, Any] = {"id": obj["id"], "body": obj["body"], "text": obj["text"]}
        for name in (
            "title",
            "url",
            "source",
            "published_at",
            "language",
            "site_name",
            "canonical_url",
            "signature",
            "dateline",
        ):
            values[name] = _opt_str(obj, name)
        values["removed"] = tuple(obj.get("removed") or ())
        values["authors"] = _authors_from(obj.get("authors") or [])
        values["trace"] = dict(obj.get("trace") or {})
        values["schema_version"] = int(obj.get("schema_version", SCHEMA_VERSION))
        values["extra"] = {k: v for k, v in obj.items() if k not in known}
        if "dedup" in names and obj.get("dedup") is not None:
            d = obj["dedup"]
            values["dedup"] = DedupVerdict(d["status"], d.get("duplicate_of"), float(d["similarity"]), d["cluster_id"])
        if "entities" in names and obj.get("entities") is not None:
            values["entities"] = _entities_from(obj["entities"])
        if "parse" in names and obj.get("parse") is not None and not issubclass(cls, ArticleEnriched):
            values["parse"] = CompactParse.from_json(obj["parse"])
        if "quotes" in names and obj.get("quotes") is not None:
            values["quotes"] = _quotes_from(obj["quotes"])
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, InvalidEvent):
            raise
        raise InvalidEvent(f"malformed {cls.__name__}: {type(err).__name__}: {err}") from err
    if values["schema_version"] > SCHEMA_VERSION:
        raise InvalidEvent(f"schema_version {values['schema_version']} is newer than this worker's {SCHEMA_VERSION}")
    return cls(**{k: v for k, v in values.items() if k in names})


__all__ = [
    "SCHEMA_VERSION",
    "InvalidEvent",
    "Mention",
    "Entity",
    "Quote",
    "DedupVerdict",
    "ArticlePublished",
    "ArticleCleaned",
    "ArticleDeduplicated",
    "EntitiesExtracted",
    "ArticleEnriched",
    "promote",
    "with_trace",
    "to_dict",
    "from_dict",
]
