"""Search words marked in a quote's text, as the full-text search matched them: by their stems.

The store's full-text indexes stem English words (PostgreSQL's `english` configuration: the Snowball English
stemmer; SQLite FTS5's `porter` tokenizer: the Porter stemmer), so "balancing" finds "balanced". A word of the
quote is marked when its stem by either stemmer is that of a search word (snowballstemmer: the same
algorithms, compiled from the Snowball sources); a "quoted phrase" is marked where its words follow each other;
`-excluded` words are not marked. Words are runs of letters and digits, as both tokenizers split them.
"""

from __future__ import annotations

import functools
import re
from html import escape

import snowballstemmer

from newsflow.store.params import search_terms

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ENGLISH = snowballstemmer.stemmer("english")
_PORTER = snowballstemmer.stemmer("porter")


@functools.lru_cache(maxsize=8192)
def stems(word: str) -> frozenset[str]:
    """The stems of a word by the two stemmers of the store's indexes (lower case)."""
    lower = word.lower()
    return frozenset({_ENGLISH.stemWord(lower), _PORTER.stemWord(lower)})


def phrases(words: str) -> list[list[frozenset[str]]]:
    """The search's wanted phrases (a word is a phrase of one), each as the stems of its words."""
    out = []
    for term in search_terms(words):
        if term.negated:
            continue
        found = [stems(w) for w in _WORD.findall(term.text)]
        if found:
            out.append(found)
    return out


def _marked_spans(text: str, wanted: list[list[frozenset[str]]]) -> list[tuple[int, int]]:
    tokens = [(m.start(), m.end(), stems(m.group())) for m in _WORD.finditer(text)]
    marked = [False] * len(tokens)
    for phrase in wanted:
        for i in range(len(tokens) - len(phrase) + 1):
            if all(tokens[i + j][2] & phrase[j] for j in range(len(phrase))):
                marked[i : i + len(phrase)] = [True] * len(phrase)
    spans: list[tuple[int, int]] = []
    for (start, end, _), on in zip(tokens, marked):
        if not on:
            continue
        if spans and text[spans[-1][1] : start].isspace():  # the words of a phrase in one mark
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def highlight(text: str, words: str | None) -> str:
    """`text` as HTML (escaped) with the words of the search `words` in `<mark>`; plain escaped text when there
    is no search or it has no word to mark."""
    if not words:
        return escape(text)
    try:
        wanted = phrases(words)
    except ValueError:  # a search with nothing to search for (the page says why)
        return escape(text)
    out, pos = [], 0
    for start, end in _marked_spans(text, wanted):
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


__all__ = ["highlight", "phrases", "stems"]
