"""normalize: ArticlePublished -> ArticleCleaned, a pure function."""

from __future__ import annotations

import hashlib

from services.normalize.cleaning import Cleaned, clean_body, looks_like_html
from services.normalize.extraction import Page, extract_page, is_whole_page
from services.normalize.language import decide_language
from services.normalize.textness import refuse_binary, refuse_wordless
from shared.core.events import ArticleCleaned, ArticlePublished, InvalidEvent, with_trace
from shared.core.stage import Stopwatch

DEFAULT_MAX_RAW_BYTES = 10_485_760


def stable_id(raw: ArticlePublished) -> str:
    """An id derived from what was published, so the same article published twice gets the same id."""
    h = hashlib.blake2b(digest_size=10)
    for part in (raw.body, raw.title or "", raw.url or "", raw.source or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return "a-" + h.hexdigest()


def _check(raw: ArticlePublished, max_raw_bytes: int) -> None:
    if raw.id is not None and not raw.id.strip():
        raise InvalidEvent("'id' is empty")
    if raw.id is not None and len(raw.id) > 512:
        raise InvalidEvent(f"'id' of {len(raw.id)} characters exceeds the limit of 512")
    if len(raw.body) * 4 > max_raw_bytes:  # a UTF-8 character is at most 4 bytes: count only when it may matter
        size = len(raw.body.encode("utf-8", "surrogatepass"))
        if size > max_raw_bytes:
            raise InvalidEvent(f"raw body of {size} bytes exceeds the limit of {max_raw_bytes} bytes (max_raw_bytes)")


def feed_hints(raw: ArticlePublished) -> dict:
    """What the feed or sitemap that listed the article said of it (`feed`: title, published_at, authors), for
    the fields neither the publisher nor the page fills; InvalidEvent when `feed` is malformed."""
    feed = raw.extra.get("feed")
    if feed is None:
        return {}
    if not isinstance(feed, dict):
        raise InvalidEvent(f"'feed' is a {type(feed).__name__}, not an object")
    hints: dict = {}
    for name in ("title", "published_at"):
        value = feed.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidEvent(f"'feed.{name}' is a {type(value).__name__}, not a string")
        hints[name] = value or None
    authors = feed.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise InvalidEvent("'feed.authors' is not a list of strings")
    hints["authors"] = tuple(a.strip() for a in authors if a.strip())
    return hints


def _story(raw: ArticlePublished, max_body_chars: int) -> tuple[Cleaned, Page | None, dict]:
    """The cleaned story of the body, the page it was extracted from (None for text or a fragment), trace notes."""
    if looks_like_html(raw.body) and is_whole_page(raw.body):
        page = extract_page(raw.body, raw.url)
        if page.text.strip():
            return clean_body(page.text), page, {"extraction": page.mode}
        return clean_body(raw.body), page, {"extraction": "page-text"}  # no story found: the page's text, not nothing
    if len(raw.body) > max_body_chars:
        raise InvalidEvent(f"body of {len(raw.body)} characters exceeds the limit of {max_body_chars}")
    return clean_body(raw.body), None, {}


def normalize_article(
    raw: ArticlePublished,
    max_body_chars: int = 1_000_000,
    max_raw_bytes: int = DEFAULT_MAX_RAW_BYTES,
    default_language: str = "en",
) -> ArticleCleaned:
    """Clean a raw article: story text in `text` (extracted from a whole web page); page metadata where
    the publisher gave none, then the feed's (title, date, authors) where the page has none either;
    signature, dateline and widget and furniture lines in their fields (the rule that removed each line in
    `trace.normalize.removed_by`); `language` always set.
    A body that is not text (binary data, or no word once cleaned) raises InvalidEvent with the rule."""
    clock = Stopwatch()
    _check(raw, max_raw_bytes)
    refuse_binary(raw.body)  # not text, not enriched (issue 30): binary data and bodies without a word
    cleaned, page, notes = _story(raw, max_body_chars)
    if len(cleaned.text) > max_body_chars:
        raise InvalidEvent(f"extracted text of {len(cleaned.text)} characters exceeds the limit of {max_body_chars}")
    refuse_wordless(cleaned.text, len(cleaned.removed))
    feed = feed_hints(raw)  # a crawled page's feed: the last to be asked
    title = clean_body(raw.title, line_rules=False).text.replace("\n\n", " ") if raw.title else None
    if title is None and page is not None and page.title:
        # a title the extractor took from the page's furniture ("Related stories") is none
        title = clean_body(page.title).text.replace("\n\n", " ") or None
    if title is None and feed.get("title"):
        title = clean_body(feed["title"], line_rules=False).text.replace("\n\n", " ") or None
    verdict = decide_language(
        cleaned.text or (title or ""), raw.language, page.language if page else None, default_language
    )
    notes["language"] = verdict.source
    if cleaned.removed_by:  # which rule removed each line of `removed`, in its order
        notes["removed_by"] = list(cleaned.removed_by)
    return ArticleCleaned(
        id=raw.id or stable_id(raw),
        body=raw.body,
        text=cleaned.text,
        title=title if title is not None else raw.title,
        url=raw.url,
        source=raw.source,
        published_at=raw.published_at or (page.published_at if page else None) or feed.get("published_at"),
        language=verdict.language,
        authors=raw.authors or (page.authors if page else ()) or feed.get("authors", ()),
        site_name=raw.site_name or (page.site_name if page else None),
        canonical_url=raw.canonical_url or (page.canonical_url if page else None),
        signature=cleaned.signature,
        dateline=cleaned.dateline,
        removed=tuple(cleaned.removed),
        extra=dict(raw.extra),
        trace=with_trace({}, "normalize", clock.ms(), **notes),
    )
