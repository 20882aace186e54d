"""Documents that speak for whoever issued them: 'the report said', 'a statement from the ministry'.

A document's speaker is its issuer where the article says who that is: inside the speaker
phrase ("Acme's statement", 'a report by the institute', 'a letter from the ministry'), or where
the same kind of document was named before ('The institute published a report on Monday. ...
the report said'). Otherwise the document's noun phrase stays the speaker, never the nearest
person. The issuer is a chain of the article's discourse model (services/quotes/discourse.py).
"""

from __future__ import annotations

import re

from services.quotes.discourse import Chain, Discourse
from shared.lexicon.roles import DOCUMENT_NOUNS, ISSUER_PREPOSITIONS, ISSUING_LEMMAS
from shared.lexicon.speech import forms

LOOKBACK = 4000  # characters back for the earlier mention of the same document
MAX_VERB_TO_DOCUMENT = 5  # words from the issuing verb to the document ('published its annual report')
ISSUING_FORMS = frozenset(f for lemma in ISSUING_LEMMAS for f in forms(lemma)) | {"wrote", "written", "sent", "put"}
_WORD = re.compile(r"[\w'\u2019-]+")
_ISSUER_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(ISSUER_PREPOSITIONS)) + r")\s+(?:the\s+)?", re.I
)
_POSSESSIVE = re.compile(r"['\u2019]s?\s+(?:[\w-]+\s+){0,2}$")


def document_issuer(d: Discourse, start: int, end: int, words: list[str]) -> Chain | None:
    """The chain that issued the document the phrase text[start:end] names (`words`: the phrase's words,
    lower case), or None when the article does not say."""
    head = next((w for w in reversed(words) if w in DOCUMENT_NOUNS), None)
    if head is None:
        return None
    inside = _named_issuer(d, start, end)
    if inside is not None:
        return inside
    for m in reversed(
        list(re.finditer(r"\b" + re.escape(head) + r"\b", d.text[max(0, start - LOOKBACK) : start], re.I))
    ):
        at = max(0, start - LOOKBACK) + m.start()
        found = _issuer_at(d, at, at + len(head))
        if found is not None:
            return found
    return None


def _named_issuer(d: Discourse, start: int, end: int) -> Chain | None:
    """A speaking chain named inside the phrase as its issuer ("Acme's report", 'a report by Acme')."""
    for m in d.mentions_within(start, end):
        c = d.chain_of(m)
        if c is not None and c.speaks and m.kind == "name":
            return c
    return None


def _issuer_at(d: Discourse, lo: int, hi: int) -> Chain | None:
    """The issuer of the document word at text[lo:hi]: a name right before it ("Acme's report"), after a
    'by/from/of' right after it ('a report by Acme'), or the subject of the verb that issued it."""
    text = d.text
    sent_lo, sent_hi = d.sents[d.sentence_of(lo)]
    before = text[max(sent_lo, lo - 60) : lo]
    poss = _POSSESSIVE.search(before)
    if poss is not None:
        c = _chain_ending_at(d, lo - len(before) + poss.start())
        if c is not None:
            return c
    after = _ISSUER_AFTER.match(text, hi, sent_hi)
    if after is not None:
        m = d.mention_at(after.end(), min(sent_hi, after.end() + 1))
        c = d.chain_of(m) if m is not None else None
        if c is not None and c.speaks:
            return c
    return _issuing_subject(d, lo, hi) or _issuing_subject_in_text(d, sent_lo, lo)


def _issuing_subject_in_text(d: Discourse, sent_lo: int, lo: int) -> Chain | None:
    """Without a parse: 'The institute published a report': an issuing verb a few words before the document,
    and the speaking chain named before that verb in its sentence."""
    words = [(w.group(0).lower(), w.start()) for w in _WORD.finditer(d.text, sent_lo, lo)]
    verb = next((at for w, at in reversed(words[-MAX_VERB_TO_DOCUMENT:]) if w in ISSUING_FORMS), None)
    if verb is None:
        return None
    for m in reversed(d.mentions_within(sent_lo, verb)):
        c = d.chain_of(m)
        if c is not None and c.speaks and m.kind == "name":
            return c
    return None


def _chain_ending_at(d: Discourse, pos: int) -> Chain | None:
    k = d.before(pos) - 1
    if k >= 0 and d.mentions[k].end == pos:
        c = d.chain_of(d.mentions[k])
        if c is not None and c.speaks:
            return c
    return None


def _issuing_subject(d: Discourse, lo: int, hi: int) -> Chain | None:
    """'The institute published a report': the subject of an issuing verb whose object is the document."""
    p, text = d.parse, d.text
    if p is None:
        return None
    t = p.token_at(lo)
    if t is None or p.dep[t] not in ("dobj", "nsubjpass"):
        return None
    verb = p.head[t]
    if p.lemma_of(verb, text).lower() not in ISSUING_LEMMAS:
        return None
    for k in p.children(verb):
        if p.dep[k] in ("nsubj", "agent"):
            k_lo, k_hi = p.subtree(k)
            for m in d.mentions_within(p.start[k_lo], p.end[k_hi - 1]):
                c = d.chain_of(m)
                if c is not None and c.speaks:
                    return c
    return None


__all__ = ["document_issuer"]
