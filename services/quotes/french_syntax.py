"""Speakers of French quotes read from the compact parse (French model, UD labels): named rules.

    « Nous devons agir vite », a déclaré Emmanuel Macron.   fr_speech_verb_subject (inverted)
    La maire, Anne Hidalgo, a affirmé : « ... »              fr_speech_verb_subject
    « C'est une étape importante », a-t-il ajouté.          fr_speech_verb_pronoun
    « La situation reste tendue », selon Jean Dupont.        fr_selon

A speech verb is one of the French lexicon (shared/lexicon/speech.py `FORM_LEMMA_FR`), by its
lemma or its form (the small model leaves some forms unlemmatized). Each rule gives the char range
of the speaker phrase, or the pronoun; the French quotes stage resolves it to an entity.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Iterator

from services.quotes.syntax import QuoteSite, speaker_phrase
from shared.core.parse import CompactParse
from shared.lexicon.speech import FORM_LEMMA_FR, SPEECH_LEMMAS_FR

SUBJECTS = frozenset({"nsubj", "nsubj:pass", "expl:subj"})
# how the small model often hangs an inverted subject ('a déclaré Emmanuel Macron'): after the verb
INVERTED = frozenset({"xcomp", "obj", "dep", "appos", "nmod"})
NOMINAL = frozenset({"PROPN", "NOUN", "PRON"})
PRONOUNS = frozenset({"il", "elle", "ils", "elles"})
SELON = frozenset({"selon", "d'après", "d\u2019après"})
MAX_REACH_TOKENS = 40


@dataclass(frozen=True)
class FrenchSpeaker:
    """A speaker phrase `text[start:end]` found by rule `rule` (`pronoun`: il/elle; `cue`: the verb's form)."""

    rule: str
    start: int
    end: int
    cue: str
    pronoun: bool


def speech_lemma(p: CompactParse, i: int, text: str) -> str | None:
    """The lexicon lemma of token `i` when it is a French speech verb (None otherwise)."""
    lemma = p.lemma_of(i, text).lower()
    if lemma in SPEECH_LEMMAS_FR:
        return lemma
    return FORM_LEMMA_FR.get(p.token_text(i, text).lower().split("-")[0])


def _reach(p: CompactParse, text: str, open_mark: int, close_end: int) -> Iterator[int]:
    """Tokens of the quote's sentences outside the quote, in its paragraph, within MAX_REACH_TOKENS of it."""
    para_lo = text.rfind("\n", 0, open_mark) + 1
    para_hi = text.find("\n", close_end)
    para_hi = len(text) if para_hi == -1 else para_hi
    open_i = bisect.bisect_left(p.start, open_mark)
    close_i = bisect.bisect_left(p.start, close_end)
    first = p.sent_of(min(open_i, len(p) - 1))
    lo = first[0] if first else open_i
    after = p.sent_of(close_i) if close_i < len(p) else None
    hi = after[1] if after else close_i
    for t in range(max(lo, open_i - MAX_REACH_TOKENS), open_i):
        if p.start[t] >= para_lo:
            yield t
    for t in range(close_i, min(hi, close_i + MAX_REACH_TOKENS, len(p))):
        if p.start[t] < para_hi:
            yield t


def _subject(p: CompactParse, v: int, text: str) -> tuple[int, bool] | None:
    """(token, is_pronoun) naming who does verb `v`: its subject, else a nominal right after it (the
    euphonic '-t' of 'a-t-il' is none)."""
    kids = [c for c in p.children(v) if p.token_text(c, text) not in ("-t", "t")]
    for c in kids:
        if p.dep[c] in SUBJECTS and p.tag[c] in NOMINAL:
            return c, False
    for c in kids:
        if c > v and p.dep[c] in INVERTED and p.tag[c] in NOMINAL:
            return c, False
    return None


def _pronoun_after(p: CompactParse, v: int, text: str) -> bool:
    """'a-t-il ajouté' / 'estime-t-elle': an il/elle of the verb or its auxiliary, joined by a hyphen."""
    near = [t for t in (*p.children(v), v + 1, v + 2) if 0 <= t < len(p)]
    return any(p.token_text(t, text).lower().lstrip("-") in PRONOUNS for t in near)


def speech_verb(p: CompactParse, text: str, open_mark: int, close_end: int) -> Iterator[FrenchSpeaker]:
    """Rules `fr_speech_verb_subject` and `fr_speech_verb_pronoun`: who does a speech verb next to the quote."""
    for v in _reach(p, text, open_mark, close_end):
        lemma = speech_lemma(p, v, text)
        if lemma is None or lemma == "selon" or p.tag[v] not in ("VERB", "AUX"):
            continue
        cue = p.token_text(v, text).lower().split("-")[0]
        found = _subject(p, v, text)
        if found is not None and not open_mark <= p.start[found[0]] < close_end:
            word = p.token_text(found[0], text).lower().lstrip("-")
            if word in PRONOUNS:
                yield FrenchSpeaker("fr_speech_verb_pronoun", p.start[found[0]], p.end[found[0]], cue, True)
                continue
            span = speaker_phrase(p, found[0], QuoteSite(open_mark, close_end, 0, 0))
            if span is not None:
                yield FrenchSpeaker("fr_speech_verb_subject", span[0], span[1], cue, False)
                continue
        if _pronoun_after(p, v, text):
            yield FrenchSpeaker("fr_speech_verb_pronoun", p.start[v], p.end[v], cue, True)


def selon(p: CompactParse, text: str, open_mark: int, close_end: int) -> Iterator[FrenchSpeaker]:
    """Rule `fr_selon`: '..., selon Jean Dupont' / 'd'après le ministre': the noun that 'selon' marks."""
    for i in _reach(p, text, open_mark, close_end):
        word = p.token_text(i, text).lower()
        if word not in SELON and not (word == "après" and i and p.token_text(i - 1, text).lower() in ("d'", "d\u2019")):
            continue
        h = p.head[i]
        if h != i and p.tag[h] in NOMINAL and not open_mark <= p.start[h] < close_end:
            span = speaker_phrase(p, h, QuoteSite(open_mark, close_end, 0, 0))
            if span is not None:
                yield FrenchSpeaker("fr_selon", span[0], span[1], "selon", False)


RULES: dict[str, Callable[[CompactParse, str, int, int], Iterator[FrenchSpeaker]]] = {
    "fr_speech_verb": speech_verb,
    "fr_selon": selon,
}


def french_speakers(p: CompactParse | None, text: str, open_mark: int, close_end: int) -> list[FrenchSpeaker]:
    """Every rule's speaker phrases for the quote text[open_mark:close_end]: those after it first (French puts
    the attribution there: '« ... », a déclaré X'), each side nearest to the quote first."""
    if p is None or not len(p) or not p.is_parsed(open_mark, close_end):
        return []
    out = [s for rule in RULES.values() for s in rule(p, text, open_mark, close_end)]

    def distance(s: FrenchSpeaker) -> tuple[bool, int]:
        after = s.start >= close_end
        return not after, s.start - close_end if after else open_mark - s.end

    return sorted(dict.fromkeys(out), key=distance)


__all__ = ["FrenchSpeaker", "RULES", "french_speakers", "speech_lemma"]
