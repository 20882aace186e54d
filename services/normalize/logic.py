"""normalize: ArticlePublished -> ArticleCleaned, a pure function."""
from __future__ import annotations

import hashlib

from services.normalize.cleaning import clean_body
from shared.core.events import ArticleCleaned, ArticlePublished, InvalidEvent, with_trace
from shared.core.stage import Stopwatch


def stable_id(raw: ArticlePublished) -> str:
    """An id derived from what was published, so the same article published twice gets the same id."""
    h = hashlib.blake2b(digest_size=10)
    for part in (raw.body, raw.title or "", raw.url or "", raw.source or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return "a-" + h.hexdigest()


def normalize_article(raw: ArticlePublished, max_body_chars: int = 1_000_000) -> ArticleCleaned:
    """Clean a raw article: story text in `text`; signature, dateline and widget lines in their fields."""
    clock = Stopwatch()
    if len(raw.body) > max_body_chars:
        raise InvalidEvent(f"body of {len(raw.body)} characters exceeds the limit of {max_body_chars}")
    if raw.id is not None and not raw.id.strip():
        raise InvalidEvent("'id' is empty")
    if raw.id is not None and len(raw.id) > 512:
        raise InvalidEvent(f"'id' of {len(raw.id)} characters exceeds the limit of 512")
    cleaned = clean_body(raw.body)
    title = clean_body(raw.title).text.replace("\n\n", " ") if raw.title else raw.title
    return ArticleCleaned(
        id=raw.id or stable_id(raw),
        body=raw.body,
        text=cleaned.text,
        title=title,
        url=raw.url,
        source=raw.source,
        published_at=raw.published_at,
        language=raw.language,
        signature=cleaned.signature,
        dateline=cleaned.dateline,
        removed=tuple(cleaned.removed),
        extra=dict(raw.extra),
        trace=with_trace({}, "normalize", clock.ms()),
    )
