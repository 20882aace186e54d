"""Every source of speaker candidates for a quote, in one registry; all of them run for every quote.

`SOURCES` maps a name to a function from the quote's `Site` (the quote in its article, the article's
`Proposer` and the run of quotes so far) to the candidates it proposes. Three kinds:
- `text:*`, patterns over the words around the quotation marks (services/quotes/speakers.py), which
  also serve articles without a parse;
- `syntax:*`, the rules over the dependency parse (services/quotes/syntax.py `RULES`);
- `run:*`, the quote run: the speaker of the quotes before ('"..." she said. "..."'), and a person the
  paragraph brings in without a speech verb of their own, as the run's rival.
Each candidate's phrase is resolved by the article's resolver (services/quotes/resolve.py: pronoun,
name, role, document ...), and the learned chooser (services/quotes/choose.py) ranks them all: no
source outranks another by its place in a list. A quote's `rule` says which source proposed the
winner and how its phrase was resolved ('syntax:speech_verb_subject+pronoun').
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable

from services.quotes.choose import Choice
from services.quotes.marks import QuoteSpan
from services.quotes.reported import Reported
from services.quotes.speakers import after_quote, before_quote, subject_of_sentence, verb_like
from services.quotes.syntax import RULES as SYNTAX_RULES
from services.quotes.syntax import QuoteSite
from shared.core.events import Quote
from shared.lexicon.speech import QUOTE_CUES
from shared.text.sentences import sentence_start, words

if TYPE_CHECKING:
    from services.quotes.logic import Proposer

_TERMINAL = (".", "!", "?", ".'", "?'", "!'", ".\u2019", "?\u2019", "!\u2019")
MAX_INTRODUCING_WORDS = 8  # 'Jane Roe hit back at her critics:' before a quoted sentence
RUN_PARAGRAPHS = 1  # the run's speaker carries to a quote at most this many paragraphs on


@dataclass
class Run:
    """The quote run so far: the latest speaker and where, and the reported speech already used."""

    speaker: Choice | None = None
    para: int = -10
    pos: int = -1  # where the latest attributed quote opens


@dataclass
class Site:
    """One quote as the sources see it."""

    text: str
    span: QuoteSpan
    index: int  # among the article's quotes
    spans: list[QuoteSpan]
    paras: list[tuple[int, int]]
    para: int  # the index of the quote's paragraph (-1: none)
    place: str  # 'direct' or 'partial': where the quote stands in the writer's sentence
    out: list[Quote]  # the quotes attributed before this one
    run: Run
    propose: "Proposer"
    reported: list[Reported]
    reported_starts: list[int] = field(default_factory=list)

    @property
    def floor(self) -> int:
        """Where the quote's paragraph starts."""
        return self.paras[self.para][0] if self.para >= 0 else 0

    @property
    def limit(self) -> int:
        """Where the quote's paragraph ends."""
        return self.paras[self.para][1] if self.para >= 0 else len(self.text)

    @cached_property
    def quote_site(self) -> QuoteSite:
        """The quote as the syntax rules see it."""
        return QuoteSite(self.span.open_mark, self.span.marked[1], self.floor, self.limit)


Source = Callable[[Site], Iterable[Choice]]


def _one(c: Choice | None) -> list[Choice]:
    return [c] if c is not None else []


def text_after_quote(s: Site) -> list[Choice]:
    """'"...," Roe said.' / '"...," said Roe, the ...' / '"..." - Roe': the phrase right after the closing mark."""
    sp = s.span
    if sp.close_mark is None:
        return []
    nxt = s.spans[s.index + 1].open_mark if s.index + 1 < len(s.spans) else s.limit
    ends = s.text[sp.start : sp.end].rstrip().endswith(_TERMINAL)
    a = after_quote(s.text, sp.close_mark, min(s.limit, nxt), ends, s.place == "partial")
    return [] if a is None else _one(s.propose.make(sp, "text:after_quote", a.start, a.end, a.cue, a.where != "after"))


def text_before_quote(s: Site) -> list[Choice]:
    """'Roe said: "..."' / 'Roe told the BBC: "..."' / 'according to Roe, "..."': the phrase before the mark."""
    if s.span.continues:
        return []
    a = before_quote(s.text, s.span.open_mark, s.floor)
    return (
        []
        if a is None
        else _one(s.propose.make(s.span, "text:before_quote", a.start, a.end, a.cue, a.where != "after"))
    )


def text_colon_paragraph(s: Site) -> list[Choice]:
    """'Roe said:' ending the paragraph before the quote's."""
    if s.span.continues or s.span.open_mark != s.floor or s.para <= 0:
        return []
    lo, hi = s.paras[s.para - 1]
    if not s.text[lo:hi].rstrip().endswith(":"):
        return []
    a = before_quote(s.text, hi, lo)
    return (
        []
        if a is None
        else _one(s.propose.make(s.span, "text:colon_paragraph", a.start, a.end, a.cue, a.where != "after"))
    )


def text_same_sentence(s: Site) -> list[Choice]:
    """'"...," said Roe, urging voters to "turn out"': a second quote in the sentence of an attributed one."""
    last = s.out[-1] if s.out else None
    if (
        s.place != "partial"
        or last is None
        or last.speaker is None
        or last.speaker_start is None
        or last.speaker_end is None
        or sentence_start(s.text, s.span.open_mark, s.floor) > s.spans[s.index - 1].open_mark
    ):
        return []
    step = (last.rule or "").partition("+")[2]
    return [
        Choice(
            "text:same_sentence",
            last.speaker,
            last.speaker_label,
            last.speaker_start,
            last.speaker_end,
            last.cue,
            step=step,
        )
    ]


def text_writer_subject(s: Site) -> list[Choice]:
    """'Roe hailed the "courage" of ...', 'Roe resisted: "..."': the subject of the writer's sentence."""
    sp = s.span
    if sp.continues or not (s.place == "partial" or _introduced_by_colon(s.text, sp.open_mark, s.floor)):
        return []
    sub = subject_of_sentence(s.text, sp.open_mark, s.floor)
    if sub is None or not (sub.cue or s.propose.names_someone(sub.start, sub.end)):
        return []
    end = sub.end if sub.cue else first_noun_phrase_end(s.text, sub.start, sub.end)
    return _one(s.propose.make(sp, "text:writer_subject", sub.start, end, sub.cue, bool(sub.cue)))


def text_reported_before(s: Site) -> list[Choice]:
    """'Roe said the plan would fail.' then '"It cannot work."': reported speech since the latest attributed
    quote, in this paragraph or the one before."""
    if s.span.continues:
        return []
    k = bisect.bisect_left(s.reported_starts, s.span.open_mark) - 1
    r = s.reported[k] if k >= 0 and s.reported[k].start > s.run.pos else None
    if r is None or bisect.bisect_right([lo for lo, _ in s.paras], r.start) - 1 < s.para - 1:
        return []
    return _one(s.propose.make(s.span, "text:reported_before", r.sp_start, r.sp_end, r.cue, False))


def run_previous_speaker(s: Site) -> list[Choice]:
    """'"...," she said. "..."': the speaker of the quote before, within the paragraph after its own."""
    prev = s.run.speaker
    if prev is None or not (s.span.continues or s.para - s.run.para <= RUN_PARAGRAPHS):
        return []
    return [
        dataclasses.replace(
            prev,
            rule="run:previous_speaker",
            after=False,
            distance=max(0, s.span.open_mark - prev.end),
            between=s.propose.between(s.span, prev.speaker, prev.start, prev.end),
            paras=max(0, s.para - s.run.para),
        )
    ]


def run_paragraph_person(s: Site) -> list[Choice]:
    """'Mary Poe, the opposition leader, disagreed. "It is a disaster."': a person the quote's paragraph (or,
    for a quote opening its paragraph, the paragraph before) brings in as the subject of a sentence before
    the quote, other than the run's speaker: the latest such mention of the article's discourse model."""
    if s.span.continues:
        return []
    d = s.propose.resolver.discourse
    lo = s.floor if s.span.open_mark > s.floor else (s.paras[s.para - 1][0] if s.para > 0 else 0)
    prev = s.run.speaker.speaker if s.run.speaker is not None else None
    for m in reversed(d.mentions_within(lo, s.span.open_mark)):
        c = d.chain_of(m)
        if m.kind == "name" and not m.quoted and m.role in ("subj", "lead") and c is not None and c.person:
            if c.name == prev:
                return []
            ch = s.propose.make(s.span, "run:paragraph_person", m.start, m.end, None, False)
            return _one(ch)
    return []


def _syntax(rule: str) -> Source:
    def source(s: Site) -> list[Choice]:
        out = []
        for c in SYNTAX_RULES[rule](s.propose.parse, s.text, s.quote_site) if s.propose.parse is not None else ():
            ch = s.propose.make(
                s.span, "syntax:" + c.rule, c.start, c.end, c.verb or None, not c.after, c.dep, c.verb_dep
            )
            if ch is not None:
                out.append(ch)
        return out

    source.__doc__ = SYNTAX_RULES[rule].__doc__
    return source


SOURCES: dict[str, Source] = {
    "text:after_quote": text_after_quote,
    "text:before_quote": text_before_quote,
    "text:colon_paragraph": text_colon_paragraph,
    "text:same_sentence": text_same_sentence,
    "text:writer_subject": text_writer_subject,
    "text:reported_before": text_reported_before,
    **{"syntax:" + r: _syntax(r) for r in SYNTAX_RULES},
    "run:previous_speaker": run_previous_speaker,
    "run:paragraph_person": run_paragraph_person,
}


def candidates(s: Site) -> list[Choice]:
    """What every source proposes for the quote at `s`, each candidate once (the first source's, kept in
    registry order; a phrase that two sources propose counts as their agreement in the chooser)."""
    if s.propose.parse is not None and not s.propose.parse.is_parsed(s.span.open_mark, s.span.marked[1]):
        sources = [f for name, f in SOURCES.items() if not name.startswith("syntax:")]
    else:
        sources = list(SOURCES.values())
    return list(dict.fromkeys(c for f in sources for c in f(s)))


def _introduced_by_colon(text: str, open_mark: int, floor: int) -> bool:
    """Whether a short sentence of the writer's ending in a colon introduces the quote ('Roe resisted: "..."')."""
    lo = sentence_start(text, open_mark, floor)
    head = text[lo:open_mark].rstrip()
    return head.endswith(":") and len(words(text, lo, open_mark)) <= MAX_INTRODUCING_WORDS


MAX_APPOSITION_WORDS = 8
MAX_HEAD_WORDS = 6


def _apposition_end(text: str, ws: list[tuple[str, int, int]]) -> int | None:
    """'The state's attorney general, Jane Roe, vowed': a subject with an apposition between commas
    and a lower-case verb after it; the end of the apposition, else None."""
    commas = [
        i for i in range(1, min(len(ws), MAX_HEAD_WORDS + MAX_APPOSITION_WORDS)) if "," in text[ws[i - 1][2] : ws[i][1]]
    ]
    if len(commas) < 2 or commas[0] > MAX_HEAD_WORDS or commas[1] - commas[0] > MAX_APPOSITION_WORDS:
        return None
    verb = ws[commas[1]][0]
    if not verb[:1].islower() or verb in ("and", "or", "but", "who", "which"):
        return None
    return ws[commas[1] - 1][2]


def first_noun_phrase_end(text: str, start: int, end: int) -> int:
    """For a sentence subject text[start:end], the end of its first noun phrase (up to a verb-looking
    lowercase word)."""
    ws = words(text, start, end)
    stop = ws[0][2] if ws else end
    apposition = _apposition_end(text, ws)
    if apposition is not None:
        return apposition
    n = 0
    while n + 1 < len(ws):
        n += 1
        w, s, e = ws[n]
        if w.lower() in QUOTE_CUES or "," in text[stop:s]:
            break
        if w[0].islower() and w.lower() not in ("of", "for", "and", "the", "de"):
            # 'Party nominee Jane Roe said': lower-case words between a title and the name it leads to
            name = next(
                (
                    i
                    for i in range(n + 1, min(len(ws), n + 4))
                    if ws[i][0][:1].isupper()
                    and not any(c in text[ws[n][2] : ws[i][1]] for c in ",;:")
                    and all(x[0][:1].isalpha() and not verb_like(x[0]) for x in ws[n:i])
                ),
                None,
            )
            if name is None:
                break
            stop = ws[name][2]
            n = name
            continue
        stop = e
    return stop


__all__ = ["SOURCES", "Run", "Site", "candidates", "first_noun_phrase_end"]
