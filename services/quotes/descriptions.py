"""Speakers described rather than named: 'the 25-year-old', 'the minister', 'a council spokesman'."""

from __future__ import annotations

from services.quotes.mentions import ArticleMentions
from shared.lexicon.function_words import DESCRIPTION_FUNCTION_WORDS
from shared.lexicon.vocabulary import UNNAMED_HEADS

# How close (characters) to a person's mention the words of a description must stand to describe them.
DESCRIPTION_CONTEXT = 60
MAX_DESCRIPTION_WORDS = 8
_KEY_CHARS = 5  # 'minister' matches 'ministry', 'German' matches 'Germany'


def description(core: list[str]) -> str:
    """The words of a speaker phrase up to a relative clause, as the speaker's description."""
    words = []
    for t in core:
        if t.lower() in ("who", "which", "that"):
            break
        words.append(t)
    return " ".join(words[:MAX_DESCRIPTION_WORDS]).strip(" ,.;:")


def is_unnamed(desc: str) -> bool:
    """Whether a description stands for a speaker left unnamed ('officials', 'a spokesman')."""
    ws = desc.lower().split()
    return bool(ws) and (ws[-1] in UNNAMED_HEADS or ws[-1].endswith("s") and not ws[-1].endswith("ss"))


def is_fragment(desc: str) -> bool:
    """Whether a description has no content word ('and', 'it'): not a speaker."""
    return not any(
        w[:1].isalpha() and w.lower().replace("\u2019", "'").split("'")[0] not in DESCRIPTION_FUNCTION_WORDS
        for w in desc.split()
    )  # "It's", "There's" are function words too


class DescriptionResolver:
    """The person an article describes ('the 25-year-old' -> the person whose age was given)."""

    def __init__(self, article: ArticleMentions):
        self.a = article

    def described_person(self, desc: str, pos: int) -> str | None:
        """The person named near the description's words before `pos`, the latest speaker on ties."""
        keys = [w.lower()[:_KEY_CHARS] for w in desc.split() if len(w) > 2]
        if not keys:
            return None
        a = self.a
        best, best_score = None, 0.0
        for m in a.outside:
            if m.label != "PERSON" or m.start >= pos:
                continue
            lo, hi = max(0, m.start - DESCRIPTION_CONTEXT), min(m.end + DESCRIPTION_CONTEXT, pos)
            window = a.text[lo:hi].lower()  # not the description itself
            score: float = sum(1 for k in keys if k in window)
            score += 0.5 if m.name in a.speakers else 0.0
            if score >= best_score and score >= 1:
                best, best_score = m, score
        return best.name if best is not None else None
