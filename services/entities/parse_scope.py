"""Which stretches of an article the parser runs on: the sentences attribution reads, and no others.

The quotes stage reads syntax only where speech is reported, so the entities stage parses only
the sentences chosen by the named rules below, plus the named neighbours attribution looks at,
with contiguous sentences merged into one chunk (the parser sees them together, as in the article).

Rules (each chosen range says which rules chose it):
- `quote_marks`: the sentence holds a quotation mark (straight, curly, low, guillemets);
- `speech_verb`: it holds a form of a verb that reports speech (`REPORTING_VERBS` of the shared
  lexicon; a form that is also a noun only where no determiner or preposition stands before it),
  or "according to". Verbs that only attribute quotations ('joked', 'laughed') need no rule of
  their own: a sentence with quotation marks is chosen anyway, and so is the one after it;
- `after_quote_only` (a neighbour): the sentence after one that holds quotation marks, no
  speech-verb form, and ends with a closing mark, where the attribution of that quote often
  stands ('"We will win."' / 'He said it twice.', or a quote split by the splitter).

Scopes (`NEWSFLOW_PARSE_SCOPE`): "speech" (the rules above), "all" (every sentence), "none".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from shared.lexicon import speech
from shared.text.sentences import sentences

SCOPES = ("speech", "all", "none")
QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a'
CLOSING_MARKS = '"\u201d\u00bb\u203a'
_MARK = re.compile("[" + QUOTE_MARKS + "]")
_TRAILING = " \t\n\u00a0\u202f.,;:!?)'\u2019"
# Languages with a parser in the entities stage; others get no parse (their trace says so).
PARSED_LANGUAGES = ("en", "fr")


def _forms(language: str) -> frozenset[str]:
    """Lowercase speech-verb forms of `language` from the shared lexicon (none known: an empty set)."""
    if language == "fr":
        return frozenset(getattr(speech, "SPEECH_FORMS_FR", ()))
    return frozenset(speech.REPORTING_VERBS)


_PHRASES = {"en": ("according to",), "fr": ("selon",)}
_WORD = re.compile(r"[^\W\d_]+")
# Words after which a noun-like form is a noun: determiners, possessives, prepositions.
NOUN_MARKERS = frozenset(
    """
the a an this that these those his her its their our my your no any every each another some many new
of in on at for by with from about into over after before under against without between
""".split()
)
_WORD_BEFORE = re.compile(r"(\w+)\W{1,3}$")


# The non-ASCII characters `re.IGNORECASE` matches to ASCII letters (the `re` docs name these four: dotted and
# dotless i, long s, Kelvin sign); with none of them in a text, a case-blind match of an ASCII word is that word
# in the lowercased text (only the dotted I lowercases to two characters).
_ODD_CASES = ("\u0130", "\u0131", "\u017f", "\u212a")


class _Cues:
    """Where a language's speech cues stand in a text: a word of its form set, or a phrase ('according to')."""

    def __init__(self, language: str) -> None:
        self.forms = _forms(language)
        phrases = _PHRASES.get(language, ())
        self.phrase_starts = tuple(p.split()[0] for p in phrases)
        self.phrase = re.compile(
            r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b", re.IGNORECASE
        )

    def positions(self, text: str) -> list[int]:
        """Start offsets of the cues of `text` (a noun-like form after a determiner is not one)."""
        low = text.lower()
        if len(low) == len(text):  # each character lowercases to one: offsets in `low` are those of `text`
            # the words of the text are compared as strings first; only the forms present are looked for
            present = self.forms.intersection(_WORD.findall(low))
            words = sorted(
                (m.start(), form)
                for form in present
                for m in _form_then_no_letter(form).finditer(low)
                if not m.start() or not _LETTER.match(low, m.start() - 1)
            )
        else:
            words = [(m.start(), m.group().lower()) for m in _WORD.finditer(text)]
            words = [(p, w) for p, w in words if w in self.forms]
        return [p for p, w in words if _is_verb_like(text, p, w)] + self._phrase_positions(text, low)

    def _phrase_positions(self, text: str, low: str) -> list[int]:
        """Start offsets of the phrases in `text` (`low`: its lowercase); the case-blind search only runs where
        the lowercase text holds a phrase's first word, or a character that `re.IGNORECASE` matches to an ASCII
        letter without lowercasing to it."""
        if not any(w in low for w in self.phrase_starts) and not any(c in text for c in _ODD_CASES):
            return []
        return [m.start() for m in self.phrase.finditer(text)]


@dataclass(frozen=True)
class ParseRange:
    """text[start:end] is parsed as one chunk; `rules` names the rules that chose its sentences."""

    start: int
    end: int
    rules: tuple[str, ...]


_CUES = {lang: _Cues(lang) for lang in PARSED_LANGUAGES}


def _sentences_at(positions: Iterable[int], starts: list[int]) -> set[int]:
    """Indices of the sentences (by their start offsets) holding one of `positions`."""
    return {bisect.bisect_right(starts, p) - 1 for p in positions}


_LETTER = re.compile(r"[^\W\d_]")  # what `_WORD` is made of


@lru_cache(maxsize=4096)
def _form_then_no_letter(form: str) -> re.Pattern:
    """`form` with no letter after it (the letter before is checked by the caller: a pattern that starts with
    its literal is searched fast, one that starts with a look-behind is tried at every position)."""
    return re.compile(re.escape(form) + r"(?![^\W\d_])")


def _is_verb_like(text: str, start: int, form: str) -> bool:
    """A form (lowercased, at `start`) that is also a noun ('the report', 'his claims') counts only when no
    determiner or preposition stands right before it."""
    if form not in speech.NOUN_LIKE:
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 20), start)
    return before is None or before.group(1).lower() not in NOUN_MARKERS


def _after_quote_only(text: str, sents: list[tuple[int, int]], marks: set[int], cues: set[int]) -> set[int]:
    """Sentences following a quote-only sentence: marks, no cue, and a closing mark at its end."""
    out = set()
    for i in marks - cues:
        s, e = sents[i]
        tail = text[s:e].rstrip(_TRAILING)
        if tail and tail[-1] in CLOSING_MARKS and i + 1 < len(sents):
            out.add(i + 1)
    return out


NEIGHBOURS: dict[str, Callable[[str, list[tuple[int, int]], set[int], set[int]], set[int]]] = {
    "after_quote_only": _after_quote_only,
}


def sentences_to_parse(text: str, language: str | None, scope: str = "speech") -> list[ParseRange]:
    """The char ranges of `text` to parse, in text order, contiguous chosen sentences merged.

    `language` None or unserved: nothing (no parser for it). Raises ValueError on an unknown scope.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown parse scope {scope!r}; scopes are {', '.join(SCOPES)}")
    lang = (language or "").lower()
    if scope == "none" or lang not in PARSED_LANGUAGES or not text.strip():
        return []
    sents = sentences(text)
    if scope == "all":
        return _merged(sents, dict.fromkeys(range(len(sents)), ("all",)))
    starts = [s for s, _ in sents]
    chosen: dict[int, list[str]] = {}
    marks = _sentences_at((m.start() for m in _MARK.finditer(text)), starts)
    cues = _sentences_at(_CUES[lang].positions(text), starts)
    for name, found in (("quote_marks", marks), ("speech_verb", cues)):
        for i in found:
            chosen.setdefault(i, []).append(name)
    for name, rule in NEIGHBOURS.items():
        for i in rule(text, sents, marks, cues):
            chosen.setdefault(i, []).append(name)
    return _merged(sents, {i: tuple(r) for i, r in chosen.items() if i >= 0})


def _merged(sents: list[tuple[int, int]], chosen: dict[int, tuple[str, ...]]) -> list[ParseRange]:
    """Chosen sentences as ranges, neighbours in the text (only space between them) joined into one."""
    out: list[ParseRange] = []
    last = -2
    for i in sorted(chosen):
        s, e = sents[i]
        if out and i == last + 1:
            prev = out[-1]
            out[-1] = ParseRange(prev.start, e, tuple(dict.fromkeys(prev.rules + chosen[i])))
        else:
            out.append(ParseRange(s, e, chosen[i]))
        last = i
    return out


def parsed_share(ranges: Iterable[ParseRange], text: str) -> float:
    """The share of the words of `text` inside `ranges` (0 for an empty text)."""
    total = len(text.split())
    return sum(len(text[r.start : r.end].split()) for r in ranges) / total if total else 0.0


__all__ = ["SCOPES", "PARSED_LANGUAGES", "NEIGHBOURS", "ParseRange", "sentences_to_parse", "parsed_share"]
