"""Reported speech without quotation marks: quotes of kind "indirect".

'The minister said (that) the plan would fail', 'The plan would fail, the minister said.',
'According to the minister, the plan would fail', 'She told reporters the plan would fail',
'He denied that the plan had failed'. Where the sentence was parsed, the parse finds the
clause (`syntax:speech_verb_ccomp`, and `syntax:speech_verb_parenthetical` for a trailing
attribution); else the text patterns run: `text:according_to` and `text:leading` (the
clause runs from after the cue, its 'that', its object and its time phrase, to the end of
the sentence). A trailing attribution ('..., the minister said.') is read from the parse
only: its text pattern added nothing beside the parse and was removed.

Questions ('asked whether'), beliefs ('thinks', 'believes') and intentions ('promised to',
'plans to') are not speech: their verbs are no cues here, and a cue followed by 'to' or by
'whether'/'if' reports no statement. A clause that is itself between quotation marks is a
direct quote, left to the direct-quote rules.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from services.quotes.syntax import reported_clauses
from shared.core.parse import CompactParse
from shared.lexicon.function_words import (
    ASIDE_ADVERBS,
    CLAUSE_DETERMINERS,
    CLAUSE_JOINERS,
    INTRO_OPENERS,
    NOT_STATEMENT,
    PHRASE_PREPOSITIONS,
    RELATIVE_PRONOUNS,
    REPORTING_PRONOUNS,
    SKIP_BEFORE_CUE,
)
from shared.lexicon.speech import ACCORDING_TO, BARE_CLAUSE, NOUN_LIKE, PARTICIPLES, REPORTING_VERBS, WITH_LISTENER
from shared.lexicon.time_words import TIME_OR_PLACE
from shared.text.sentences import more_words_than, sentences, words

_QUOTE_CHARS = '"\u201c\u201d'
_PUNCT_TO_SPACE = str.maketrans(dict.fromkeys(",.;:!?()\"'“”‘’-", " "))
MIN_CLAUSE_WORDS = 3
MAX_LEAD_WORDS = 10  # words between a cue and its 'that' ('said in a statement on Tuesday that')


@dataclass(frozen=True, slots=True)
class Reported:
    """A reported clause text[start:end], the speaker phrase text[sp_start:sp_end], and its cue."""

    start: int
    end: int
    sp_start: int
    sp_end: int
    cue: str
    rule: str = "text:according_to"  # the named rule that found it


class _Quoted:
    """Which offsets lie inside quotation marks (the direct quotes' ranges, marks included)."""

    def __init__(self, ranges: list[tuple[int, int]]):
        self.ranges = sorted(ranges)
        self.starts = [r[0] for r in self.ranges]

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.ranges[i][0] <= pos < self.ranges[i][1]

    def share(self, lo: int, hi: int) -> float:
        """The share of text[lo:hi] that lies inside quotation marks."""
        if hi <= lo:
            return 0.0
        covered = sum(max(0, min(hi, b) - max(lo, a)) for a, b in self.ranges if a < hi and b > lo)
        return covered / (hi - lo)


def _is_cue(ws: list[tuple[str, int, int]], k: int) -> bool:
    w = ws[k][0]
    if w not in REPORTING_VERBS:  # lower case only: 'States' in a name is no verb
        return False
    if w in NOUN_LIKE:
        prev = ws[k - 1][0] if k > 0 else ""
        return (
            prev.lower() not in CLAUSE_DETERMINERS
            and prev.lower() not in PHRASE_PREPOSITIONS
            and (prev[:1].isupper() or prev.lower() in REPORTING_PRONOUNS or w[-1] != "s")
        )
    return True


def _clause_bounds(text: str, lo: int, hi: int) -> tuple[int, int]:
    """text[lo:hi] without surrounding spaces, commas and the final full stop."""
    while lo < hi and text[lo] in " \t\n,:;":
        lo += 1
    while hi > lo and text[hi - 1] in " \t\n.,;:!":
        hi -= 1
    return lo, hi


def _according(text: str, s: int, e: int, quoted: _Quoted) -> Reported | None:
    """'According to X, CLAUSE' and 'CLAUSE, according to X.'"""
    for m in ACCORDING_TO.finditer(text, s, e):
        if quoted.inside(m.start()):
            continue
        if not text[s : m.start()].strip(" ,"):  # at the sentence start: the source runs to the first comma
            comma = text.find(",", m.end(), e)
            if comma == -1:
                return None
            lo, hi = _clause_bounds(text, comma + 1, e)
            if more_words_than(text, [(lo, hi)], MIN_CLAUSE_WORDS - 1) and quoted.share(lo, hi) < 0.5:
                return Reported(lo, hi, m.end(), comma, "according to")
            return None
        if text[s : m.start()].rstrip().endswith(","):
            lo, hi = _clause_bounds(text, s, m.start())
            sp_lo, sp_hi = _clause_bounds(text, m.end(), e)
            comma = text.find(",", sp_lo, sp_hi)
            if comma != -1:
                sp_hi = comma
            if more_words_than(text, [(lo, hi)], MIN_CLAUSE_WORDS - 1) and quoted.share(lo, hi) < 0.5:
                return Reported(lo, hi, sp_lo, sp_hi, "according to")
        return None
    return None


MAX_SUBJECT_WORDS = 25
_OPENING_JOINERS = CLAUSE_JOINERS | {"however", "meanwhile", "also", "still"}  # left off a subject's start


def subject_span(text: str, ws: list[tuple[str, int, int]], k: int, s: int) -> tuple[int, int] | None:
    """The subject of the speech verb ws[k]: from the start of its clause to the verb, appositions included.

    'The author of the book, Jane Roe, said' -> 'The author of the book, Jane Roe'; 'In a
    statement, the firm said' -> 'the firm'. A participle (', saying') or a second verb
    (', but later said') takes the subject of the sentence.
    """
    j = k
    while j > 0 and ws[j - 1][0].lower() in SKIP_BEFORE_CUE:
        j -= 1
    if j == 0:
        return None
    participle = ws[k][0] in PARTICIPLES
    joined = ws[j - 1][0].lower() in CLAUSE_JOINERS or participle
    first = 0
    stop = j  # the subject ends before word `stop`
    # the clause the verb belongs to starts after the last joiner ('..., and she said')
    if not joined:
        for i in range(j - 1, 0, -1):
            if ws[i][0].lower() in CLAUSE_JOINERS and "," in text[ws[i - 1][2] : ws[i][1]]:
                if ws[i][0].lower() in RELATIVE_PRONOUNS and stop == j and "," in text[ws[j - 1][2] : ws[j][1]]:
                    stop = i  # 'Roe, who chairs the panel, said': the relative clause is no subject
                    continue
                first = i + 1
                break
    while stop - 1 > first and ws[stop - 1][0].lower() in ASIDE_ADVERBS:
        stop -= 1  # 'Roe, meanwhile, who ...'
    j = stop
    # an introductory phrase before a comma is not the subject ('In a statement, the firm said')
    if first < j and ws[first][0].lower() in INTRO_OPENERS:
        for i in range(first + 1, j):
            if "," in text[ws[i - 1][2] : ws[i][1]]:
                first = i
                break
    while first < j and ws[first][0].lower() in _OPENING_JOINERS:
        first += 1
    end = ws[j - 1][2]
    if joined:  # the subject of the sentence: its first noun phrase
        end = ws[first][2]
        for n in range(first + 1, j):
            w, a, b = ws[n]
            nxt = ws[n + 2][0] if n + 2 < j and ws[n + 1][0] == "the" else ws[n + 1][0] if n + 1 < j else ""
            joins = w == "and" and nxt[:1].isupper()  # 'The Greens and the Reds'
            if any(c in text[end:a] for c in ",;:(") or w[:1].islower() and w not in ("of", "for", "the") and not joins:
                break
            end = b
    if first >= j or j - first > MAX_SUBJECT_WORDS:
        return None
    return ws[first][1], end


def _leading(text: str, s: int, e: int, ws: list[tuple[str, int, int]], quoted: _Quoted) -> Reported | None:
    """'X said (that) CLAUSE', 'X told reporters (that) CLAUSE', 'X denied that CLAUSE', '..., saying CLAUSE'."""
    for k in range(1, len(ws)):
        if not _is_cue(ws, k) or quoted.inside(ws[k][1]):
            continue
        cue = ws[k][0]
        rest = ws[k + 1 :]
        if not rest:
            return None
        gap = text[ws[k][2] : rest[0][1]]
        if any(c in gap for c in ":" + _QUOTE_CHARS) or quoted.inside(rest[0][1]):
            return None  # 'X said: "..."' is a direct quote
        if cue not in PARTICIPLES and "," in text[ws[k - 1][2] : ws[k][1]] and rest[0][0][:1].isupper():
            return None  # '..., said Jane Roe': an inverted trailing attribution, its clause before it
        nxt = rest[0][0].lower()
        j = _that_within(text, rest)
        if nxt in NOT_STATEMENT and not (nxt in TIME_OR_PLACE and j is not None):
            continue
        subj = subject_span(text, ws, k, s)
        if (
            subj is None
            or quoted.share(subj[0], ws[k][1]) > 0
            or any(c in text[subj[0] : ws[k][1]] for c in _QUOTE_CHARS)
        ):
            continue  # '"...," said X': the words before the verb are a quote, not its subject
        if j is not None:
            begin = rest[j][2]
        elif cue not in BARE_CLAUSE:
            continue
        elif cue in WITH_LISTENER:
            # 'told reporters the plan ...': the listener is a short noun phrase (1-2 words)
            n = 2 if nxt in ("the", "a", "his", "her", "their") else 1
            if len(rest) <= n:
                return None
            begin = rest[n][1]
        elif "," in gap or nxt in TIME_OR_PLACE:
            continue  # 'X said, however, ...' / 'said on Monday' with no 'that': too loose to call
        else:
            begin = rest[0][1]
        lo, hi = _clause_bounds(text, begin, e)
        hi = _before_next_quote(text, lo, hi)
        if not more_words_than(text, [(lo, hi)], MIN_CLAUSE_WORDS - 1) or quoted.share(lo, hi) >= 0.5:
            continue
        return Reported(lo, hi, subj[0], subj[1], cue)
    return None


def _that_within(text: str, rest: list[tuple[str, int, int]]) -> int | None:
    """The index of the 'that' opening the reported clause, within MAX_LEAD_WORDS words after the cue."""
    for j, (w, _, _) in enumerate(rest[:MAX_LEAD_WORDS]):
        if w.lower() == "that":
            return j
        if j and any(c in text[rest[j - 1][2] : rest[j][1]] for c in ";:" + _QUOTE_CHARS):
            return None
    return None


def _before_next_quote(text: str, lo: int, hi: int) -> int:
    """The clause without what follows it in the sentence: a quoted sentence ('..., adding: "...'),
    a second speech verb of the speaker ('... and added'), a clause after a semicolon."""
    for mark in (": \u201c", ': "', ", adding", "; "):
        k = text.find(mark, lo, hi)
        if k != -1:
            hi = k
    ws = words(text, lo, hi)
    for n in range(1, len(ws) - 1):
        if ws[n][0] == "and" and ws[n + 1][0] in REPORTING_VERBS:
            return text.rfind(" ", lo, ws[n][1]) if ws[n][1] > lo else hi
    return hi


def speech_sentences(text: str, quoted: _Quoted) -> list[tuple[int, int]]:
    """(start, end) of the sentences that may report speech: holding a cue or 'according to', not a
    question, and mostly outside quotation marks."""
    out = []
    for s, e in sentences(text):
        # only a sentence holding a cue is looked at (a C-speed split, no regex)
        if REPORTING_VERBS.isdisjoint(text[s:e].translate(_PUNCT_TO_SPACE).split()) and "ccording to" not in text[s:e]:
            continue
        if text[s:e].rstrip(" \"\u201d\u2019'").endswith("?") or quoted.share(s, e) > 0.5:
            continue
        out.append((s, e))
    return out


# The named rules that find reported speech: the parse's where the sentence was parsed, else the text patterns.
REPORTED_RULES = (
    "syntax:speech_verb_ccomp",
    "syntax:speech_verb_parenthetical",
    "text:according_to",
    "text:leading",
)


def find_reported(text: str, quoted_ranges: list[tuple[int, int]], parse: CompactParse | None = None) -> list[Reported]:
    """Every reported-speech clause of `text` outside the quoted ranges, in text order: from the
    parse where the sentence was parsed (rules `syntax:speech_verb_ccomp`, `syntax:speech_verb_parenthetical`), else from the text patterns."""
    quoted = _Quoted(quoted_ranges)
    out: list[Reported] = []
    for s, e in speech_sentences(text, quoted):
        found = _according(text, s, e, quoted)
        if found is None and parse is not None and parse.is_parsed(s, e):
            parsed = [
                Reported(lo, hi, sp_lo, sp_hi, cue, "syntax:" + rule)
                for lo, hi, sp_lo, sp_hi, cue, rule in reported_clauses(parse, text, s, e, quoted.share)
            ]
            if parsed:  # else the parser missed the clause ('said legalizing it could ...' as xcomp): the patterns
                out.extend(parsed)
                continue
        if found is None:
            ws = words(text, s, e)
            found = _leading(text, s, e, ws, quoted)
            found = dataclasses.replace(found, rule="text:leading") if found else None
        if (
            found
            and found.rule != "text:according_to"
            and parse
            and parse.is_parsed(s, e)
            and not _verb_in_parse(parse, text, s, e, found.cue)
        ):
            found = None  # the parser reads the cue as a noun ('three state polls', 'an earlier report')
        if found is not None:
            out.append(found)
    return out


def _verb_in_parse(parse: CompactParse, text: str, s: int, e: int, cue: str) -> bool:
    """Whether the parse tags the cue word of text[s:e] as a verb."""
    return any(
        parse.tag[t].startswith("VB") and parse.token_text(t, text).lower() == cue for t in parse.tokens_between(s, e)
    )
