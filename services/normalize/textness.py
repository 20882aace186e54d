"""Is it text? A body that is binary data, or that leaves no word once cleaned, is refused with its reason.

Binary shows in the characters a body decodes to (the reader of files decodes with charset-normalizer, and
with U+FFFD replacement marks where no encoding it considers fits): NUL characters, which no text holds;
replacement marks; control characters. The shares are of the body's characters other than whitespace, so
that long runs of blank lines neither hide nor make binary. Each rule is named data; the refusal
(`InvalidEvent`, so the article goes to the dead-letter topic, never further) names the rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from shared.core.events import InvalidEvent

BINARY_SHARE = 0.10  # a tenth of the visible characters; news text has none of these at all

# C0 and C1 control characters that are not whitespace (tab, newlines, form feed and the separators are),
# as one character class: a regex scan costs a seventh of str.translate's on a news article
_CONTROLS = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0xA0) if unicodedata.category(chr(c)) == "Cc" and not chr(c).isspace())
    + "]"
)


def _nul(body: str) -> int:
    return body.count("\x00")


def _replacement(body: str) -> int:
    return body.count("\ufffd")


def _controls(body: str) -> int:
    return len(_CONTROLS.findall(body))


@dataclass(frozen=True)
class NotTextRule:
    """One sign of binary data: how many characters show it, the share from which it refuses (None: any one),
    and what the refusal says."""

    id: str
    count: Callable[[str], int]
    at_least: float | None
    says: str


NOT_TEXT: tuple[NotTextRule, ...] = (
    NotTextRule("nul-characters", _nul, None, "holds {n} NUL character(s): binary data, not text"),
    NotTextRule(
        "undecodable",
        _replacement,
        BINARY_SHARE,
        "is {share:.0%} replacement marks: bytes that no encoding decodes",
    ),
    NotTextRule("control-characters", _controls, BINARY_SHARE, "is {share:.0%} control characters: binary data"),
)
NO_WORDS = "no-words"


def not_text(body: str) -> tuple[str, str] | None:
    """(rule id, reason) of the first rule of NOT_TEXT the body breaks; None when it reads as text."""
    visible = 0  # counted only when a rule needs the share
    for rule in NOT_TEXT:
        n = rule.count(body)
        if not n:
            continue
        if rule.at_least is not None:
            visible = visible or sum(map(len, body.split()))
            if n < rule.at_least * visible:
                continue
        return rule.id, rule.says.format(n=n, share=n / max(1, visible))
    return None


def has_words(text: str) -> bool:
    """Whether `text` holds a word: a letter of any script (numbers, marks and symbols alone are no article)."""
    return any(ch.isalpha() for ch in text)


def refuse_binary(body: str) -> None:
    """InvalidEvent naming the rule when the raw body is binary data rather than text."""
    broken = not_text(body)
    if broken is not None:
        rule, reason = broken
        raise InvalidEvent(f"not text ({rule}): the body {reason}")


def refuse_wordless(text: str, removed: int = 0) -> None:
    """InvalidEvent (no-words) when the cleaned text holds no word; `removed` lines were cleaned away."""
    if not has_words(text):
        after = f" once {removed} line(s) of page furniture were removed" if removed else ""
        raise InvalidEvent(f"not text ({NO_WORDS}): the body has no word{after}")


__all__ = [
    "BINARY_SHARE",
    "NOT_TEXT",
    "NO_WORDS",
    "NotTextRule",
    "has_words",
    "not_text",
    "refuse_binary",
    "refuse_wordless",
]
