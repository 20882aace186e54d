"""An enriched event as store rows: pure functions, no database.

The event is read as its JSON object (not the typed record) so that fields of a newer
schema version (v3 quotes: speaker_start, speaker_end, rule, confidence) are stored
even by a worker whose events module predates them.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import urlsplit

import orjson

from shared.core.events import ArticleCleaned, InvalidEvent, to_dict

MAX_STORED_VERSION = 3  # the newest event schema_version the store knows how to keep
# Entities that are values, not actors (dates, amounts, counts): kept in the article's event, not as actors,
# aliases or entity links (half of what the entities stage finds in news; nobody asks for the quotes of "$2bn")
VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
V3_QUOTE_FIELDS = ("speaker_start", "speaker_end", "rule", "confidence")
_SPACE = re.compile(r"\s+")
_QUOTE_NOISE = re.compile(r"[^\w\s]", re.UNICODE)


@functools.lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """A name as it joins across articles: NFKC, case-folded, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


@functools.lru_cache(maxsize=65536)
def actor_id(label: str, name: str) -> str:
    """The stable id of the actor (label, canonical name): the same in every article and store."""
    return hashlib.sha1(f"{label}|{normalise_name(name)}".encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=65536)  # the copies of a story repeat its quotes
def quote_key(text: str) -> str:
    """The key of a quote's words (case, punctuation and spacing ignored): one quote across copies."""
    words = _SPACE.sub(" ", _QUOTE_NOISE.sub(" ", unicodedata.normalize("NFKC", text).casefold())).strip()
    return hashlib.sha1(words.encode("utf-8")).hexdigest()[:16]


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 date or date-time as naive UTC, or None when absent or not ISO-8601."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def outlet_of(obj: Mapping[str, Any]) -> str | None:
    """The article's outlet: `source`, else `site_name`, else the host of `url` (without www.)."""
    for name in ("source", "site_name"):
        value = obj.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    url = obj.get("url") or obj.get("canonical_url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return None


@dataclass(frozen=True)
class ArticleRows:
    """The rows one article adds to the store."""

    article: dict[str, Any]
    story: dict[str, Any] | None
    actors: list[dict[str, Any]]
    aliases: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]

    @property
    def id(self) -> str:
        """The article id (the key of every upsert)."""
        return self.article["id"]


def event_object(event: ArticleCleaned | Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object of an event given as a typed record or as its decoded JSON."""
    if isinstance(event, ArticleCleaned):
        return to_dict(event)
    if not isinstance(event, Mapping):
        raise InvalidEvent(f"event is a {type(event).__name__}, not an object")
    return dict(event)


def content_hash(obj: Mapping[str, Any]) -> str:
    """sha1 of the event without its trace (timings differ when an upstream stage re-processed it)."""
    body = {k: v for k, v in obj.items() if k != "trace"}
    return hashlib.sha1(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def stored_event(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The event as `articles.event` keeps it: without `text` (the `text` column has it) and without `body`
    when it is the text itself; `full_event(row)` puts them back."""
    out = {k: v for k, v in obj.items() if k != "text"}
    if out.get("body") == obj.get("text"):
        out.pop("body", None)
    return out


def full_event(event: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The whole enriched event from `articles.event` and `articles.text`."""
    out = dict(event)
    out["text"] = text
    out.setdefault("body", text)
    return out


def _str(obj: Mapping[str, Any], name: str, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidEvent(f"'{name}' is missing or not a string" if value is None else f"'{name}' is not a string")
    return value


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def article_rows(event: ArticleCleaned | Mapping[str, Any], stored_at: datetime) -> ArticleRows:
    """The rows of one enriched event; InvalidEvent (the dead-letter reason) if it cannot be stored."""
    obj = event_object(event)
    article_id = _str(obj, "id", required=True)
    text = _str(obj, "text", required=True)
    assert article_id is not None and text is not None
    if not article_id:
        raise InvalidEvent("'id' is empty")
    version = obj.get("schema_version", 2)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidEvent(f"'schema_version' is not a positive integer: {version!r}")
    if version > MAX_STORED_VERSION:
        raise InvalidEvent(f"schema_version {version} is newer than the store's {MAX_STORED_VERSION}")
    try:
        dedup = obj.get("dedup") or {}
        story_id = dedup.get("cluster_id") or article_id
        published = parse_time(obj.get("published_at"))
        outlet = outlet_of(obj)
        authors = obj.get("authors") or []
        row = {
            "id": article_id,
            "title": _str(obj, "title"),
            "url": _str(obj, "url"),
            "source": outlet,
            "published_at": published,
            "stored_at": stored_at,
            "language": _str(obj, "language"),
            "site_name": _str(obj, "site_name"),
            "canonical_url": _str(obj, "canonical_url"),
            "authors": list(authors) if isinstance(authors, (list, tuple)) else [authors],
            "text": text,
            "schema_version": version,
            "story_id": story_id,
            "dedup_status": dedup.get("status"),
            "duplicate_of": dedup.get("duplicate_of"),
            "similarity": _float(dedup.get("similarity")),
            "content_hash": content_hash(obj),
            "event": stored_event(obj),
        }
        story = {
            "id": story_id,
            "first_article_id": article_id,
            "first_outlet": outlet,
            "first_published_at": published,
            "copies": 0,
        }
        when = published or stored_at  # the article's time: what lists sort and filter on
        actors, aliases, entities, by_name = _entity_rows(article_id, obj.get("entities") or [], when, outlet)
        quotes = _quote_rows(article_id, story_id, obj.get("quotes") or [], by_name, when, outlet)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, InvalidEvent):
            raise
        raise InvalidEvent(f"event cannot be stored: {type(err).__name__}: {err}") from err
    return ArticleRows(row, story, actors, aliases, entities, quotes)


def _entity_rows(
    article_id: str, entities: list, when: datetime, outlet: str | None
) -> tuple[list, list, list, dict[tuple[str, str], str]]:
    actors: list[dict] = []
    aliases: set[tuple[str, str]] = set()
    links: dict[str, dict] = {}
    by_name: dict[tuple[str, str], str] = {}
    for e in entities:
        name, label = e["name"], e["label"]
        if not isinstance(name, str) or not isinstance(label, str) or not name.strip():
            raise InvalidEvent(f"entity without a name or label: {e!r}"[:300])
        if label in VALUE_LABELS:
            continue
        aid = actor_id(label, name)
        mentions = e.get("mentions") or ()
        count = int(e["count"]) if "count" in e else len(mentions)
        aliases.add((aid, name))
        for m in mentions:
            text = m.get("text")
            if text and isinstance(text, str):
                aliases.add((aid, text))
        link = links.get(aid)
        if link is None:
            actors.append({"id": aid, "name": name, "label": label})
            links[aid] = {
                "article_id": article_id,
                "actor_id": aid,
                "count": count,
                "article_time": when,
                "outlet": outlet,
            }
            key = normalise_name(name)
            by_name.setdefault((label, key), aid)
            by_name.setdefault(("", key), aid)
        else:  # two entities of one canonical name in one article (rare): one row
            link["count"] += count
    alias_rows = [{"actor_id": a, "alias": s} for a, s in sorted(aliases)]
    return actors, alias_rows, list(links.values()), by_name


def _quote_rows(
    article_id: str,
    story_id: str,
    quotes: list,
    by_name: dict[tuple[str, str], str],
    when: datetime,
    outlet: str | None,
) -> list[dict]:
    rows = []
    for idx, q in enumerate(quotes):
        text = q["text"]
        if not isinstance(text, str):
            raise InvalidEvent(f"quote {idx} has no text")
        speaker = q.get("speaker")
        label = q.get("speaker_label")
        speaker_actor = None
        if isinstance(speaker, str) and speaker.strip():
            key = normalise_name(speaker)
            speaker_actor = by_name.get((label or "", key)) or by_name.get(("", key))
        rows.append(
            {
                "id": f"{article_id}:{idx}",
                "article_id": article_id,
                "story_id": story_id,
                "idx": idx,
                "text": text,
                "quote_key": quote_key(text),
                "speaker": speaker,
                "speaker_actor_id": speaker_actor,
                "speaker_label": label,
                "cue": q.get("cue"),
                "kind": q.get("kind"),
                "start": _int(q.get("start")),
                "end": _int(q.get("end")),
                "speaker_start": _int(q.get("speaker_start")),
                "speaker_end": _int(q.get("speaker_end")),
                "rule": q.get("rule") if isinstance(q.get("rule"), str) else None,
                "confidence": _float(q.get("confidence")),
                "article_time": when,
                "outlet": outlet,
            }
        )
    return rows


__all__ = [
    "MAX_STORED_VERSION",
    "V3_QUOTE_FIELDS",
    "VALUE_LABELS",
    "ArticleRows",
    "normalise_name",
    "actor_id",
    "quote_key",
    "parse_time",
    "outlet_of",
    "event_object",
    "content_hash",
    "stored_event",
    "full_event",
    "article_rows",
]
