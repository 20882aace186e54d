"""Entities that are not part of the story: the article's own publisher credit."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

from services.entities.canonical import RawMention

# No publisher is assumed: an article's own `source` and `url` name it (a deployment for one
# publisher may pass its names to the entities stage).
DEFAULT_PUBLISHERS: tuple[str, ...] = ()
_CREDIT_SUFFIXES = ("", " news", " news website", " news online", " online", " sport", " sport website", " website")


def publisher_names(source: str | None, url: str | None, defaults: tuple[str, ...] = DEFAULT_PUBLISHERS) -> set[str]:
    """Lower-case names under which the article's publisher credits itself ('Daily Planet', 'Daily Planet website')."""
    bases = {d.lower() for d in defaults}
    if source:
        bases.add(source.strip().lower())
    if url:
        host = (urlparse(url).hostname or "").lower()
        parts = [p for p in host.split(".") if p not in ("www", "news", "co", "com", "org", "net", "uk")]
        if parts:
            bases.add(parts[0])
    return {b + s for b in bases if b for s in _CREDIT_SUFFIXES}


_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['\u2019]s$")


@lru_cache(maxsize=1 << 16)  # names recur within and across articles
def _credit_form(text: str) -> str:
    return _POSSESSIVE.sub("", _THE.sub("", text.strip()).lower())


def is_publisher_credit(mention: RawMention, publishers: set[str]) -> bool:
    """Whether a mention is the publisher naming itself ('told the Planet'); its channels ('Planet Radio 2') are kept."""
    return bool(publishers) and _credit_form(mention.text) in publishers
