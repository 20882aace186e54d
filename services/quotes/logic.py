"""From text and entities to quotes: pair marks, drop titles/nicknames, attribute, inherit speakers."""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import Callable

from services.quotes.choose import Choice, Chooser, QuoteContext, load_chooser
from services.quotes.form import is_fragment_phrase, noun_phrase_speaker
from services.quotes.marks import QuoteSpan, pair_quotes, paragraphs
from services.quotes.reported import Reported, find_reported
from services.quotes.resolve import EntityMention, Resolution, Resolver
from services.quotes.sources import SOURCES, Run, Site, candidates
from shared.core.events import Entity, Quote
from shared.core.parse import CompactParse
from shared.lexicon.function_words import SUBJECT_PRONOUNS, TITLE_SMALL_WORDS
from shared.lexicon.vocabulary import TITLE_CUES
from shared.text.sentences import more_words_than, sentence_start

# The text patterns among the sources (each a 'text:<name>' candidate for the chooser).
TEXT_RULES = tuple(name.removeprefix("text:") for name in SOURCES if name.startswith("text:"))
_TITLE_WORD = re.compile(r"[\w'\u2019\-]+")  # the words of a quote that may be a title
_WORD_BEFORE = re.compile(r"[\w'\u2019]+")  # the words before a quote's opening mark


def is_title_like(q: str) -> bool:
    """Words all capitalised (except small words) and no closing punctuation: a title or a name."""
    ws = _TITLE_WORD.findall(q)
    if not ws or q.rstrip().endswith((".", ",", "!", "?")):
        return False
    return all(w[0].isupper() or w.lower() in TITLE_SMALL_WORDS or w[0].isdigit() for w in ws) and ws[0][0].isupper()


def is_not_speech(text: str, span: QuoteSpan) -> bool:
    """Titles of works, nicknames and similar labels in quotation marks (not reported speech)."""
    q = text[span.start : span.end]
    if not is_title_like(q) or span.close_mark is None:
        return False
    before = text[max(0, span.open_mark - 40) : span.open_mark]
    after = text[span.close_mark + 1 : span.close_mark + 3]
    prev_words = _WORD_BEFORE.findall(before)
    prev = prev_words[-1] if prev_words else ""
    if prev[:1].isupper() and after.strip()[:1].isupper():
        return True  # a nickname between first name and surname
    if any(w.lower() in TITLE_CUES for w in prev_words[-4:]):
        return True
    # mid-sentence capitalised phrase: a title rather than a quoted word
    return bool(prev) and prev[0].islower() and len(q.split()) >= 2


def _kind(text: str, span: QuoteSpan, floor: int) -> tuple[str, str]:
    """The quote's kind for the event, and its place for the speaker rules: 'direct' when it opens its
    sentence, follows ':' or ',' or carries on an open one, else 'partial' (inside the writer's
    sentence). A whole sentence quoted inside the writer's ('He said "We will win."') is of kind
    'direct' but placed 'partial': the writer's subject is its speaker, as for a quoted phrase."""
    head = text[sentence_start(text, span.open_mark, floor) : span.open_mark].strip()
    place = "direct" if span.continues or not head or head.endswith((":", ",")) else "partial"
    q = text[span.start : span.end]
    whole = q[:1].isupper() and q.rstrip().endswith((".", ",", "!", "?")) and len(q.split()) > 3
    return ("direct" if whole else place), place


def extract_quotes(
    text: str,
    entities: tuple[Entity, ...] = (),
    parse: CompactParse | None = None,
    chooser: Chooser | None = None,
    observe: Callable[[int, list[Choice], QuoteContext], None] | None = None,
    title: str = "",
) -> list[Quote]:
    """Every quote in `text` (between quotation marks, and reported speech), with its speaker resolved against `entities`.

    Every source of services/quotes/sources.py proposes speaker candidates (text patterns, syntax
    rules where `parse` covers the quote, the quote run); `chooser` (default: the packaged model)
    ranks them. `observe(index, candidates, context)` sees each quote's candidates (the training
    script collects them with it). `title` (the article's headline) names its topic, a cue for pronouns.
    """
    chooser = chooser or load_chooser()
    all_spans = pair_quotes(text)
    spans = [s for s in all_spans if not is_not_speech(text, s)]
    resolver = Resolver(text, entities, [s.marked for s in spans], parse, title)
    names = frozenset(e.name for e in entities)
    propose = Proposer(text, resolver, parse, names)
    paras = paragraphs(text)
    para_starts = [lo for lo, _ in paras]
    out: list[Quote] = []
    run = Run()
    reported = find_reported(text, [s.marked for s in all_spans], parse)
    reported_starts = [r.start for r in reported]
    for idx, span in enumerate(spans):
        p = bisect.bisect_right(para_starts, span.open_mark) - 1
        floor = paras[p][0] if p >= 0 else 0
        limit = paras[p][1] if p >= 0 else len(text)
        q = text[span.start : span.end]
        kind, place = _kind(text, span, floor)
        site = Site(text, span, idx, spans, paras, p, place, out, run, propose, reported, reported_starts)
        cands = candidates(site)
        alone = not more_words_than(text, [(floor, span.open_mark), (span.marked[1], limit)], MAX_WORDS_BESIDE_ALONE)
        ctx = QuoteContext(place, span.continues, names, text, alone, span.open_mark == floor)
        if observe is not None:
            observe(len(out), cands, ctx)
        picked = chooser.choose(cands, ctx)
        if picked is not None:
            chosen, p_chosen = picked
            confidence = chooser.confidence(chosen, p_chosen)
            run.speaker, run.para, run.pos = chosen, p, span.open_mark
            rule = chosen.rule + ("+" + chosen.step if chosen.step else "")
            named = (chosen.speaker, chosen.label, chosen.cue, kind, chosen.start, chosen.end, rule)
            out.append(Quote(q, span.start, span.end, *named, round(confidence, 3)))
        else:
            out.append(Quote(text=q, start=span.start, end=span.end, kind=kind))
    out.extend(reported_speech(text, propose, reported, parse, names, chooser))
    out.sort(key=lambda q: q.start)
    return out


class Proposer:
    """Speaker phrases of one article turned into candidates: resolved to a name, fragments left out."""

    def __init__(self, text: str, resolver: Resolver, parse: CompactParse | None, names: frozenset[str]):
        self.text, self.resolver, self.parse, self.names = text, resolver, parse, names
        self.para_starts = [lo for lo, _ in paragraphs(text)]
        self._named: dict[tuple[int, int, int, bool], tuple[str, str | None, str, int, float] | None] = {}

    @cached_property
    def mention_starts(self) -> list[int]:
        """Where the article's name mentions start, in order."""
        return [m.start for m in self.resolver.mentions]

    def make(
        self,
        span: QuoteSpan,
        rule: str,
        start: int,
        end: int,
        cue: str | None,
        prefer_last: bool,
        dep: str = "",
        verb_dep: str = "",
    ) -> Choice | None:
        """The candidate that text[start:end] names for the quote `span`, or None (no name, or a fragment);
        `dep` and `verb_dep`: how a syntax rule's phrase and its verb hang in the parse."""
        key = (start, end, span.open_mark, prefer_last)
        if key not in self._named:  # several rules often propose one phrase for a quote: resolved once
            self._named[key] = self._name(*key)
        if (found := self._named[key]) is None:
            return None
        name, label, step, end, certainty = found
        after = start >= (close_end := span.marked[1])
        dist = start - close_end if after else span.open_mark - end
        between = self.between(span, name, start, end)
        paras = abs(
            bisect.bisect_right(self.para_starts, span.open_mark) - bisect.bisect_right(self.para_starts, start)
        )
        return Choice(
            rule,
            name,
            label,
            start,
            end,
            cue,
            dep=dep,
            after=after,
            distance=max(0, dist),
            between=between,
            verb_dep=verb_dep,
            step=step,
            paras=paras,
            certainty=certainty,
        )

    def _name(
        self, start: int, end: int, pos: int, prefer_last: bool
    ) -> tuple[str, str | None, str, int, float] | None:
        name, label, step, certainty = self.resolve(start, end, pos, prefer_last)
        if name is not None and label is None and (named := self.apposition(end)) is not None:
            name, label, step, end = named.name, "PERSON", "apposition", named.end  # 'his spokeswoman, Jane Doe'
        p = self.parse
        if name is None or (p is not None and is_fragment_phrase(p, self.text, start, end, name, self.names)):
            return None
        return name, label, step, end, certainty  # the speaker, its label, how it was named, where, how sure

    def names_someone(self, start: int, end: int) -> bool:
        """Whether text[start:end] names a person or organisation, or opens with he, she or they."""
        k = bisect.bisect_left(self.mention_starts, start)
        while k < len(self.mention_starts) and self.mention_starts[k] < end:
            if self.resolver.mentions[k].label in ("PERSON", "ORG"):
                return True
            k += 1
        return self.text[start:end].split()[0].lower() in ("he", "she", "they")

    def resolve(self, start: int, end: int, pos: int, prefer_last: bool = False) -> Resolution:
        """The resolver's speaker for text[start:end], unless the parse shows the phrase names someone
        else by its syntax (services/quotes/form.py: `noun_phrase_speaker`)."""
        found = self.resolver.resolve(start, end, pos, prefer_last)
        name = found.speaker
        if name is None or self.parse is None or name.lower() in SUBJECT_PRONOUNS or found.step == "document":
            return found  # ('a statement from Acme': Acme issued it, and speaks through it)
        if self.text[start:end].split()[0].lower() in SUBJECT_PRONOUNS:
            return found
        k = bisect.bisect_left(self.mention_starts, start)
        inside = False
        while k < len(self.mention_starts) and self.mention_starts[k] < end and not inside:
            inside = self.resolver.mentions[k].name == name
            k += 1
        if not inside:
            return found  # resolved through the article ('the minister' -> the person): kept
        np = noun_phrase_speaker(self.parse, self.text, start, end, self.entity_at)
        return Resolution(*np, "noun_phrase") if np is not None else found

    def entity_at(self, start: int, end: int) -> str | None:
        """The name of the entity whose mention covers text[start:end]."""
        k = bisect.bisect_right(self.mention_starts, start) - 1
        if k >= 0:
            m = self.resolver.mentions[k]
            if m.start <= start and end <= m.end:
                return m.name
        return None

    def apposition(self, end: int) -> EntityMention | None:
        """The person named right after a description, set off by a comma ('his spokeswoman, Jane Doe')."""
        k = bisect.bisect_left(self.mention_starts, end)
        if k >= len(self.mention_starts):
            return None
        m = self.resolver.mentions[k]
        gap = self.text[end : m.start]
        return m if m.label == "PERSON" and gap.strip() == "," and len(gap) <= 3 else None

    def between(self, span: QuoteSpan, name: str, start: int, end: int) -> int:
        """How many mentions of people other than `name` stand between text[start:end] and the quote."""
        close_end = span.marked[1]
        lo, hi = (close_end, start) if start >= close_end else (end, span.open_mark)
        k = bisect.bisect_left(self.mention_starts, lo)
        n = 0
        while k < len(self.mention_starts) and self.mention_starts[k] < hi:
            m = self.resolver.mentions[k]
            n += m.label == "PERSON" and m.name != name
            k += 1
        return n


def reported_speech(
    text: str,
    propose: "Proposer",
    reported: list[Reported],
    parse: CompactParse | None,
    names: frozenset[str],
    chooser: Chooser,
) -> list[Quote]:
    """Quotes of kind "indirect": the reported clauses outside quotation marks, with their speakers."""
    out = []
    for r in reported:
        # after its clause ('Acme will cut jobs, the company said'), a phrase may refer to a name in the clause
        speaker, label, *_how = propose.resolve(r.sp_start, r.sp_end, max(r.start, r.sp_start))
        if (
            speaker is not None
            and parse is not None
            and is_fragment_phrase(parse, text, r.sp_start, r.sp_end, speaker, names)
        ):
            speaker, label = None, None
        if speaker is None and r.rule == "text:leading":
            continue
        why = (r.sp_start, r.sp_end, r.rule, chooser.reported_confidence(r.rule)) if speaker else (None,) * 4
        out.append(Quote(text[r.start : r.end], r.start, r.end, speaker, label, r.cue, "indirect", *why))
    return out


MAX_WORDS_BESIDE_ALONE = 3  # a quote with no more of the writer's words in its paragraph stands alone
