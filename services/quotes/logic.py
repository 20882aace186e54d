"""From text and entities to quotes: pair marks, drop titles/nicknames, attribute, inherit speakers."""

from __future__ import annotations

import bisect
import dataclasses
import re
from typing import Callable

from services.quotes.choose import Choice, Chooser, QuoteContext, load_chooser
from services.quotes.form import is_fragment_phrase, noun_phrase_speaker
from services.quotes.marks import QuoteSpan, pair_quotes, paragraphs
from services.quotes.reported import Reported, find_reported
from services.quotes.resolve import EntityMention, Resolver
from services.quotes.speakers import (
    CUES,
    after_quote,
    before_quote,
    subject_of_sentence,
    verb_like,
)
from services.quotes.syntax import QuoteSite, earlier_subjects
from services.quotes.syntax import candidates as syntax_candidates
from shared.core.events import Entity, Quote
from shared.core.parse import CompactParse
from shared.lexicon.function_words import SUBJECT_PRONOUNS, TITLE_SMALL_WORDS
from shared.lexicon.vocabulary import TITLE_CUES
from shared.text.sentences import more_words_than, sentence_start, words

# The text patterns that propose a speaker (each a 'text:<name>' candidate for the chooser).
TEXT_RULES = tuple(
    "after_quote before_quote colon_paragraph same_sentence writer_subject reported_before previous_speaker".split()
)
_TERMINAL = (".", "!", "?", ".'", "?'", "!'", ".\u2019", "?\u2019", "!\u2019")


def is_title_like(q: str) -> bool:
    """Words all capitalised (except small words) and no closing punctuation: a title or a name."""
    ws = re.findall(r"[\w'\u2019\-]+", q)
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
    prev_words = re.findall(r"[\w'\u2019]+", before)
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
) -> list[Quote]:
    """Every quote in `text` (between quotation marks, and reported speech), with its speaker resolved against `entities`.

    Speaker candidates come from the text patterns and, where `parse` covers the quote, from the
    syntax rules; `chooser` (default: the packaged model) picks one. `observe(index, candidates,
    context)` sees each quote's candidates (the training script collects them with it).
    """
    chooser = chooser or load_chooser()
    all_spans = pair_quotes(text)
    spans = [s for s in all_spans if not is_not_speech(text, s)]
    resolver = Resolver(text, entities, [s.marked for s in spans], parse)
    names = frozenset(e.name for e in entities)
    propose = Proposer(text, resolver, parse, names)
    paras = paragraphs(text)
    para_starts = [lo for lo, _ in paras]
    out: list[Quote] = []
    prev: Choice | None = None
    prev_para, prev_pos = -10, -1
    reported = find_reported(text, [s.marked for s in all_spans], parse)
    reported_starts = [r.start for r in reported]
    for idx, span in enumerate(spans):
        p = bisect.bisect_right(para_starts, span.open_mark) - 1
        floor = paras[p][0] if p >= 0 else 0
        limit = paras[p][1] if p >= 0 else len(text)
        nxt_open = spans[idx + 1].open_mark if idx + 1 < len(spans) else limit
        q = text[span.start : span.end]
        kind, place = _kind(text, span, floor)
        ends_sentence = q.rstrip().endswith(_TERMINAL)
        close_end = span.marked[1]

        legacy: Choice | None = None
        attr, rule = None, ""
        if span.close_mark is not None:
            attr = after_quote(text, span.close_mark, min(limit, nxt_open), ends_sentence, place == "partial")
            rule = "after_quote"
        if attr is None and not span.continues:
            attr, rule = before_quote(text, span.open_mark, floor), "before_quote"
            if attr is None and span.open_mark == floor and p > 0:
                # a speaker introduced at the end of the previous paragraph: 'X said:'
                prev_text = text[paras[p - 1][0] : paras[p - 1][1]].rstrip()
                if prev_text.endswith(":"):
                    attr, rule = before_quote(text, paras[p - 1][1], paras[p - 1][0]), "colon_paragraph"
        if attr is not None:
            legacy = propose.make(span, "text:" + rule, attr.start, attr.end, attr.cue, attr.where != "after")
        last = out[-1] if out else None
        if (
            legacy is None
            and place == "partial"
            and last is not None
            and last.speaker is not None
            and last.speaker_start is not None
            and last.speaker_end is not None
            and sentence_start(text, span.open_mark, floor) <= spans[idx - 1].open_mark
        ):
            # a second quote in the sentence of an attributed one ('"...," said X, urging them to "..."')
            sp = (last.speaker, last.speaker_label, last.speaker_start, last.speaker_end, last.cue)
            legacy = Choice("text:same_sentence", *sp)
        introduced = place == "direct" and not span.continues and _introduced_by_colon(text, span.open_mark, floor)
        if legacy is None and (place == "partial" or introduced) and not span.continues:
            # the subject of the writer's sentence: 'Roe hailed the "courage" of ...', 'Roe resisted: "..."'
            sub = subject_of_sentence(text, span.open_mark, floor)
            if sub is not None and (sub.cue or _has_name(resolver, sub.start, sub.end)):
                legacy = propose.make(
                    span,
                    "text:writer_subject",
                    sub.start,
                    sub.end if sub.cue else _first_np_end(text, sub),
                    sub.cue,
                    bool(sub.cue),
                )
        r_choice = None
        if legacy is None and not span.continues:
            # reported speech since the last attributed quote, in this paragraph or the one before:
            # 'Roe said the plan would fail.' then '"It cannot work."'
            k = bisect.bisect_left(reported_starts, span.open_mark) - 1
            last_r = reported[k] if k >= 0 and reported[k].start > prev_pos else None
            if last_r is not None and (r_para := bisect.bisect_right(para_starts, last_r.start) - 1) >= p - 1:
                r_choice = propose.make(span, "text:reported_before", last_r.sp_start, last_r.sp_end, last_r.cue, False)
                if r_choice is not None:
                    prev, prev_para = r_choice, r_para
        inherited = prev if prev is not None and (span.continues or p - prev_para <= 1) else None
        if inherited is not None:
            inherited = dataclasses.replace(
                inherited,
                rule="text:reported_before" if inherited is r_choice else "text:previous_speaker",
                after=False,
                distance=max(0, span.open_mark - inherited.end),
                between=propose.between(span, inherited.speaker, inherited.start, inherited.end),
            )
        if legacy is None:
            legacy = inherited
        cands = [c for c in (legacy,) if c is not None]
        site = QuoteSite(span.open_mark, close_end, floor, limit)
        for c in syntax_candidates(parse, text, site):
            ch = propose.make(span, "syntax:" + c.rule, c.start, c.end, c.verb or None, not c.after)
            if ch is not None:
                cands.append(dataclasses.replace(ch, dep=c.dep, verb_dep=c.verb_dep))
        cands = list(dict.fromkeys(cands + propose.pronoun_chain(span, cands, paras[max(0, p - 1)][0])))
        alone = not more_words_than(text, [(floor, span.open_mark), (close_end, limit)], MAX_WORDS_BESIDE_ALONE)
        ctx = QuoteContext(place, span.continues, names, text, alone, span.open_mark == floor)
        if observe is not None:
            observe(len(out), cands, ctx)
        picked = chooser.choose(cands, ctx)
        if picked is not None:
            chosen, confidence = picked
            prev = chosen
            prev_para, prev_pos = p, span.open_mark
            named = (chosen.speaker, chosen.label, chosen.cue, kind, chosen.start, chosen.end, chosen.rule)
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
        self.mention_starts = [m.start for m in resolver.mentions]
        self._named: dict[tuple[int, int, int, bool], tuple[str, str | None, int] | None] = {}

    def make(
        self, span: QuoteSpan, rule: str, start: int, end: int, cue: str | None, prefer_last: bool
    ) -> Choice | None:
        """The candidate that text[start:end] names for the quote `span`, or None (no name, or a fragment)."""
        key = (start, end, span.open_mark, prefer_last)
        if key not in self._named:  # several rules often propose one phrase for a quote: resolved once
            self._named[key] = self._name(*key)
        if (found := self._named[key]) is None:
            return None
        name, label, end = found
        after = start >= (close_end := span.marked[1])
        dist = start - close_end if after else span.open_mark - end
        between = self.between(span, name, start, end)
        return Choice(rule, name, label, start, end, cue, after=after, distance=max(0, dist), between=between)

    def _name(self, start: int, end: int, pos: int, prefer_last: bool) -> tuple[str, str | None, int] | None:
        name, label = self.resolve(start, end, pos, prefer_last)
        if name is not None and label is None and (named := self.apposition(end)) is not None:
            name, label, end = named.name, "PERSON", named.end  # 'his spokeswoman, Jane Doe': that person
        p = self.parse
        if name is None or (p is not None and is_fragment_phrase(p, self.text, start, end, name, self.names)):
            return None
        return name, label, end  # the speaker, its label and the end of the phrase that names it

    def pronoun_chain(self, span: QuoteSpan, cands: list[Choice], floor: int) -> list[Choice]:
        """For a candidate that is 'he' or 'she': the person of that gender who is the subject of a
        recent sentence (rule `syntax:pronoun_subject_chain`), as a rival to the resolver's antecedent."""
        if self.parse is None:
            return []
        out = []
        for c in cands:
            word = self.text[c.start : c.end].strip().lower()
            if word not in ("he", "she"):
                continue
            gender = "m" if word == "he" else "f"
            for lo, hi in earlier_subjects(self.parse, c.start, floor):
                k = bisect.bisect_right(self.mention_starts, lo) - 1
                m = self.resolver.mentions[k] if k >= 0 else None
                if m is None or m.end < hi or m.label != "PERSON":
                    continue
                if self.resolver.article.gender.get(m.name, gender) != gender:
                    continue
                out.append(dataclasses.replace(c, rule="syntax:pronoun_subject_chain", speaker=m.name, label="PERSON"))
                break
        return out

    def resolve(self, start: int, end: int, pos: int, prefer_last: bool = False) -> tuple[str | None, str | None]:
        """The resolver's speaker for text[start:end], unless the parse shows the phrase names someone
        else by its syntax (services/quotes/form.py: `noun_phrase_speaker`)."""
        name, label = self.resolver.resolve(start, end, pos, prefer_last)
        if name is None or self.parse is None or name.lower() in SUBJECT_PRONOUNS:
            return name, label
        if self.text[start:end].split()[0].lower() in SUBJECT_PRONOUNS:
            return name, label
        k = bisect.bisect_left(self.mention_starts, start)
        inside = False
        while k < len(self.mention_starts) and self.mention_starts[k] < end and not inside:
            inside = self.resolver.mentions[k].name == name
            k += 1
        if not inside:
            return name, label  # resolved through the article ('the minister' -> the person): kept
        np = noun_phrase_speaker(self.parse, self.text, start, end, self.entity_at)
        return np if np is not None else (name, label)

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
        speaker, label = propose.resolve(r.sp_start, r.sp_end, r.start)
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
MAX_INTRODUCING_WORDS = 8  # 'Jane Roe hit back at her critics:' before a quoted sentence


def _introduced_by_colon(text: str, open_mark: int, floor: int) -> bool:
    """Whether a short sentence of the writer's ending in a colon introduces the quote ('Roe resisted: "..."')."""
    lo = sentence_start(text, open_mark, floor)
    head = text[lo:open_mark].rstrip()
    return head.endswith(":") and len(words(text, lo, open_mark)) <= MAX_INTRODUCING_WORDS


def _has_name(resolver: Resolver, start: int, end: int) -> bool:
    return any(start <= m.start < end and m.label in ("PERSON", "ORG") for m in resolver.mentions) or resolver.text[
        start:end
    ].split()[0].lower() in ("he", "she", "they")


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


def _first_np_end(text: str, sub) -> int:
    """For a sentence subject, the end of its first noun phrase (up to a verb-looking lowercase word)."""
    ws = words(text, sub.start, sub.end)
    end = ws[0][2] if ws else sub.end
    apposition = _apposition_end(text, ws)
    if apposition is not None:
        return apposition
    n = 0
    while n + 1 < len(ws):
        n += 1
        w, s, e = ws[n]
        if w.lower() in CUES or "," in text[end:s]:
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
            end = ws[name][2]
            n = name
            continue
        end = e
    return end
