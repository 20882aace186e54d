"""Speaker candidates of a quote read from the compact dependency parse: named rules over syntax.

Each rule of `RULES` looks at the parsed sentences around one quote and returns the phrases
that may name its speaker (`Candidate`, with the rule's name); none of them decides: the
learned chooser (services/quotes/choose.py) weighs them beside the text patterns' answer.
Sentences without a parse give no candidates (the text patterns still run there).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Iterator

from shared.core.parse import CompactParse
from shared.lexicon.speech import REPORTING_LEMMAS, SPEECH_LEMMAS

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
# a verb that takes its subject from its head: '..., adding that', 'and warned', 'who said'
BORROWS_SUBJECT = frozenset({"advcl", "conj", "xcomp", "acl"})
MAX_SPEAKER_TOKENS = 12  # a speaker phrase longer than this is a clause, not a name


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase `text[start:end]` that a named syntax rule proposes as a quote's speaker."""

    rule: str
    start: int
    end: int
    dep: str  # how the phrase hangs on its verb: nsubj, agent, pobj, relcl ...
    verb: str  # the verb's lemma ('' when none)
    after: bool  # the phrase stands after the quote
    verb_dep: str = ""  # how the verb hangs in its sentence: ROOT, ccomp, advcl, relcl ...


@dataclass(frozen=True, slots=True)
class QuoteSite:
    """Where a quote stands, as the syntax rules see it: its marked range and its paragraph."""

    open_mark: int
    close_end: int  # one past the closing mark (the paragraph's end for an open quote)
    para_start: int
    para_end: int


def _is_speech_verb(p: CompactParse, i: int, text: str) -> bool:
    return p.tag[i].startswith("VB") and p.lemma_of(i, text).lower() in SPEECH_LEMMAS


def speaker_phrase(p: CompactParse, i: int, site: QuoteSite) -> tuple[int, int] | None:
    """The char range of the noun phrase headed by token `i`, cut at the quote and at a clause."""
    lo, hi = p.subtree(i)
    start, open_mark, close_end = p.start, site.open_mark, site.close_end
    toks = [t for t in range(lo, hi) if not (open_mark <= start[t] < close_end)]
    # stay on the side of the quote where the head is, and leave out relative clauses
    before = start[i] < open_mark
    toks = [t for t in toks if (start[t] < open_mark) == before]
    cut = [t for t in toks if p.dep[t] in ("relcl", "acl") and t != i]
    for c in cut:
        c_lo, c_hi = p.subtree(c)
        toks = [t for t in toks if not c_lo <= t < c_hi]
    if len(toks) > MAX_SPEAKER_TOKENS:
        cut_at = _aside_start(p, i)
        toks = [t for t in toks if cut_at is None or t < cut_at]
    while toks and p.dep[toks[-1]] in ("punct", "cc"):
        toks.pop()
    while toks and p.dep[toks[0]] in ("punct", "cc"):
        toks.pop(0)
    if not toks or len(toks) > MAX_SPEAKER_TOKENS:
        return None
    return p.start[toks[0]], p.end[toks[-1]]


_ASIDES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis"})


def _aside_start(p: CompactParse, i: int) -> int | None:
    """The first token after head `i` that opens an aside of its phrase (a relative clause, an
    apposition, a comma or bracket): 'Jane Roe, 63, a nurse who ...' -> the first comma."""
    return next((c for c in p.children(i) if c > i and (p.dep[c] in _ASIDES or p.tag[c] in (",", "-LRB-"))), None)


def _subject_of(p: CompactParse, v: int) -> tuple[int, str] | None:
    """The token naming who does verb `v`: its subject, a passive agent's object, or its head's subject."""
    for c in p.children(v):
        if p.dep[c] in SUBJECTS and p.tag[c] not in ("WP", "WDT"):
            return c, p.dep[c]
        if p.dep[c] == "agent":
            obj = next((g for g in p.children(c) if p.dep[g] == "pobj"), None)
            if obj is not None:
                return obj, "agent"
    h = p.head[v]
    if h != v and p.dep[v] == "relcl" and p.tag[h].startswith(("NN", "PRP")):
        return h, "relcl"  # 'Jane Roe, who said ...'
    if h != v and p.dep[v] in BORROWS_SUBJECT:
        return _subject_of(p, h)
    return None


def _sentences(p: CompactParse, site: QuoteSite) -> list[tuple[int, int]]:
    """The parsed sentences the quote touches, in text order."""
    toks = p.tokens_between(site.open_mark, site.close_end)
    if not len(toks):
        return []
    first, last = p.sent_of(toks[0]), p.sent_of(toks[-1])
    return [s for s in dict.fromkeys((first, last)) if s is not None]


def _outside(p: CompactParse, i: int, site: QuoteSite) -> bool:
    return not site.open_mark <= p.start[i] < site.close_end


MAX_REACH_TOKENS = 60  # a speaker's verb stands within this many tokens of its quote (bounds work per quote)


def _within_reach(p: CompactParse, sent: tuple[int, int], site: QuoteSite) -> Iterator[int]:
    """The tokens of `sent` outside the quote and within MAX_REACH_TOKENS of it, in text order."""
    open_i = bisect.bisect_left(p.start, site.open_mark)
    close_i = bisect.bisect_left(p.start, site.close_end)
    yield from range(max(sent[0], open_i - MAX_REACH_TOKENS), min(sent[1], open_i))
    yield from range(max(sent[0], close_i), min(sent[1], close_i + MAX_REACH_TOKENS))


def _verb_subjects(p: CompactParse, text: str, sent: tuple[int, int], site: QuoteSite, rule: str):
    tag = p.tag
    for v in _within_reach(p, sent, site):
        # the tag first: most tokens are no verb, and it costs no call
        if not tag[v].startswith("VB") or not _outside(p, v, site) or not _is_speech_verb(p, v, text):
            continue
        found = _subject_of(p, v)
        if found is None or not _outside(p, found[0], site):
            continue
        span = speaker_phrase(p, found[0], site)
        if span is not None:
            after = span[0] >= site.close_end
            yield Candidate(rule, span[0], span[1], found[1], p.lemma_of(v, text).lower(), after, p.dep[v])


def speech_verb_subject(p: CompactParse, text: str, site: QuoteSite) -> Iterator[Candidate]:
    """'"...," Roe said.' / 'said Roe' / 'Roe told reporters: "..."' / 'was said by Roe': who does a speech verb
    of the quote's sentence (never the listener of 'told')."""
    for sent in _sentences(p, site):
        yield from _verb_subjects(p, text, sent, site, "speech_verb_subject")


def according_to(p: CompactParse, text: str, site: QuoteSite) -> Iterator[Candidate]:
    """'..., according to Roe': the object of 'according to' in the quote's sentence."""
    start, end, lemma = p.start, p.end, p.lemma
    for sent in _sentences(p, site):
        for i in _within_reach(p, sent, site):
            word = text[start[i] : end[i]].lower()  # `lemma_of` and `token_text` inline: every token in reach
            if (lemma[i] or word).lower() != "accord" and word != "according":
                continue
            for to in p.children(i):
                obj = next((g for g in p.children(to) if p.dep[g] == "pobj"), None)
                if obj is not None and _outside(p, obj, site):
                    span = speaker_phrase(p, obj, site)
                    if span is not None:
                        yield Candidate("according_to", span[0], span[1], "pobj", "", span[0] >= site.close_end)


def colon_subject(p: CompactParse, text: str, site: QuoteSite) -> Iterator[Candidate]:
    """'The mayor hit back: "..."' (in the sentence or the paragraph before): the subject of the verb
    whose sentence ends in the colon that opens the quote."""
    k = _last_before(p, site.open_mark)
    if k is None or p.token_text(k, text) != ":" or text[p.end[k] : site.open_mark].strip():
        return
    sent = p.sent_of(k)
    lo = sent[0] if sent else k
    # the top of the words before the colon: a token whose head is itself or lies in the quote
    tops = [t for t in range(lo, k) if p.head[t] == t or p.start[p.head[t]] >= site.open_mark]
    root = next((t for t in tops if p.tag[t].startswith("VB")), None)
    if root is None:
        return
    found = _subject_of(p, root)
    if found is not None and found[0] < k:
        span = speaker_phrase(p, found[0], site)
        if span is not None:
            verb = p.lemma_of(root, text).lower()
            yield Candidate("colon_subject", span[0], span[1], found[1], verb, False, p.dep[root])


def _last_before(p: CompactParse, char: int) -> int | None:
    """The last token ending at or before `char`."""
    k = bisect.bisect_right(p.start, char) - 1
    while k >= 0 and p.end[k] > char:
        k -= 1
    return k if k >= 0 else None


def _neighbour_sentence(p: CompactParse, site: QuoteSite, after: bool) -> tuple[int, int] | None:
    """The parsed sentence right after (before) the quote, within its paragraph."""
    if after:
        i: int | None = bisect.bisect_left(p.start, site.close_end)
        if i is None or i >= len(p) or p.start[i] >= site.para_end:
            return None
    else:
        i = _last_before(p, site.open_mark)
        if i is None or p.start[i] < site.para_start:
            return None
    sent = p.sent_of(i)
    if sent is None:
        return None
    # no token of the sentence starts inside the quote (bisect: a long sentence costs no scan per quote)
    inside_lo = bisect.bisect_left(p.start, site.open_mark)
    inside_hi = bisect.bisect_left(p.start, site.close_end)
    if max(sent[0], inside_lo) < min(sent[1], inside_hi):
        return None
    return sent


def next_sentence_verb(p: CompactParse, text: str, site: QuoteSite) -> Iterator[Candidate]:
    """'"We will win." Roe said the party was ready.': a speech verb's subject in the next sentence."""
    sent = _neighbour_sentence(p, site, after=True)
    if sent is not None:
        yield from _verb_subjects(p, text, sent, site, "next_sentence_verb")


def previous_sentence_verb(p: CompactParse, text: str, site: QuoteSite) -> Iterator[Candidate]:
    """'Roe spoke of the plan. "It cannot work."': a speech verb's subject in the sentence before, in the paragraph."""
    sent = _neighbour_sentence(p, site, after=False)
    if sent is not None:
        yield from _verb_subjects(p, text, sent, site, "previous_sentence_verb")


RULES: dict[str, Callable[[CompactParse, str, QuoteSite], Iterator[Candidate]]] = {
    "speech_verb_subject": speech_verb_subject,
    "according_to": according_to,
    "colon_subject": colon_subject,
    "next_sentence_verb": next_sentence_verb,
    "previous_sentence_verb": previous_sentence_verb,
}


MIN_CLAUSE_WORDS = 3  # a reported clause shorter than this is an object ('said so', 'denied it')


def reported_clauses(
    p: CompactParse, text: str, lo: int, hi: int, quoted_share: Callable[[int, int], float]
) -> Iterator[tuple[int, int, int, int, str, str]]:
    """In text[lo:hi], each reporting verb's reported clause and its subject (the speaker):
    (clause start, end, speaker start, end, cue, rule). Rules: `speech_verb_ccomp`, the verb's clausal
    complement ('Roe said the plan failed'); `speech_verb_parenthetical`, the clause the verb stands
    in as an aside ('The plan, Roe said, failed', 'As Roe noted, the plan failed')."""
    tag, dep = p.tag, p.dep  # read for every token of the sentence: looked up once
    for v in p.tokens_between(lo, hi):
        if not tag[v].startswith("VB") or p.lemma_of(v, text).lower() not in REPORTING_LEMMAS:
            continue
        subj = _subject_of(p, v)
        if subj is None:
            continue
        comp = next((c for c in p.children(v) if dep[c] == "ccomp"), None)
        if comp is not None and subj[0] != comp:
            c_lo, c_hi = p.subtree(comp)
            if c_lo <= subj[0] < c_hi:
                continue  # the subject inside the clause: the parser's clause is the whole sentence
            words = [t for t in range(c_lo, c_hi) if dep[t] != "punct"]
            rule = "speech_verb_ccomp"
        elif comp is None and _is_aside(p, v, text):
            c_lo, c_hi = p.subtree(p.head[v])
            v_lo, v_hi = p.subtree(v)
            words = [t for t in range(c_lo, c_hi) if dep[t] not in ("punct", "cc") and not v_lo <= t < v_hi]
            rule = "speech_verb_parenthetical"
        else:
            continue
        while words and dep[words[0]] in ("mark", "cc"):
            words = words[1:]
        speaker = _core_phrase(p, subj[0])
        if len(words) < MIN_CLAUSE_WORDS or speaker is None:
            continue
        start, end = p.start[words[0]], p.end[words[-1]]
        if quoted_share(start, end) >= 0.5:
            continue
        yield start, end, speaker[0], speaker[1], p.token_text(v, text).lower(), rule


def _is_aside(p: CompactParse, v: int, text: str) -> bool:
    """Whether speech verb `v` stands as an aside in its head's clause: ', Roe said,' or 'as Roe noted'."""
    h = p.head[v]
    if h == v or not p.tag[h].startswith(("VB", "MD")):
        return False
    if p.dep[v] == "parataxis":
        return True
    return p.dep[v] == "advcl" and any(
        p.dep[c] == "mark" and p.token_text(c, text).lower() == "as" for c in p.children(v)
    )


def _core_phrase(p: CompactParse, i: int) -> tuple[int, int] | None:
    """The char range of the phrase headed by token `i`; when it is long, without its asides (the
    relative clause, apposition or anything after a comma: 'Jane Roe, 63, a nurse who ..., said')."""
    lo, hi = p.subtree(i)
    if hi - lo > MAX_SPEAKER_TOKENS:
        hi = _aside_start(p, i) or hi
        while hi - 1 > i and p.dep[hi - 1] in ("punct", "cc"):
            hi -= 1
    if hi - lo > MAX_SPEAKER_TOKENS:
        return None
    return p.start[lo], p.end[hi - 1]


def candidates(p: CompactParse | None, text: str, site: QuoteSite) -> list[Candidate]:
    """Every syntax rule's candidates for the quote at `site` (none without a parse of its sentences)."""
    if p is None or not len(p) or not p.is_parsed(site.open_mark, site.close_end):
        return []
    out: list[Candidate] = []
    for rule in RULES.values():
        out.extend(rule(p, text, site))
    return list(dict.fromkeys(out))


__all__ = ["Candidate", "QuoteSite", "RULES", "candidates", "reported_clauses", "speaker_phrase"]
