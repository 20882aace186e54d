"""The story and metadata of a whole web page, by trafilatura (a well-kept main-content extractor).

Chosen by measurement (benchmarks/extraction_accuracy.py, docs/extraction.md): trafilatura
with `favor_precision` and its fallbacks scored best on the held-out dev pages, ahead of
its other modes, readability-lxml, goose3 and jusText.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

# A whole page (as a scraper saves it) rather than an article's own HTML fragment: a fragment
# ("<p>...</p><p>...</p>") is the story already and needs no main-content extraction.
_PAGE_HINT = re.compile(
    r"<\s*(?:!doctype\b|html\b|head\b|body\b|nav\b|header\b|footer\b|main\b|article\b|aside\b)", re.IGNORECASE
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&|\|)\s*")


@dataclass(frozen=True)
class Page:
    """What the extractor found in a page: story text (plain, paragraphs on lines) and metadata."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    mode: str = "precision"
    found: tuple[str, ...] = ()


def is_whole_page(body: str) -> bool:
    """Whether an HTML body is a whole web page (document or page-structure tags), not a fragment."""
    return _PAGE_HINT.search(body, 0, 200_000) is not None


def _authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = [a.strip(" ,") for a in _AUTHOR_SPLIT.split(value)]
    return tuple(dict.fromkeys(n for n in names if n))


_LANG_ATTR = re.compile(r"<html\b[^>]{0,500}?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def declared_language(html: str) -> str | None:
    """The page's own `<html lang="...">` (two- or three-letter code, lower case), if any."""
    m = _LANG_ATTR.search(html, 0, 20_000)
    return m.group(1).lower() if m else None


def extract_page(html: str, url: str | None = None) -> Page:
    """The main text and metadata of `html`; empty text when the page holds no story.

    Precision mode first; a page where it finds nothing is tried in recall mode (a short
    page can be all "boilerplate" to the precision heuristics).
    """
    from trafilatura import bare_extraction  # imported on the first page: plain-text input never pays for it

    doc = bare_extraction(html, url=url, favor_precision=True, with_metadata=True, include_comments=False)
    mode = "precision"
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():
        doc = bare_extraction(html, url=url, favor_recall=True, with_metadata=True, include_comments=False)
        mode = "recall"
    if doc is None or isinstance(doc, dict):  # bare_extraction gives a Document unless asked for a dict
        return Page(text="", language=declared_language(html), mode="none")
    page = Page(
        text=doc.text or "",
        title=doc.title or None,
        authors=_authors(doc.author),
        published_at=doc.date or None,
        site_name=doc.sitename or None,
        canonical_url=doc.url or None,
        language=(doc.language or declared_language(html) or None),
        mode=mode,
    )
    found = tuple(
        name
        for name in ("title", "authors", "published_at", "site_name", "canonical_url", "language")
        if getattr(page, name)
    )
    return dataclasses.replace(page, found=found)
