"""From text and entities to quotes: pair marks, drop titles/nicknames, attribute, inherit speakers."""

from __future__ import annotations

import bisect
import re

from services.quotes.apposition import name_in_apposition_after, name_in_apposition_before
from services.quotes.marks import QuoteSpan, pair_quotes, paragraphs
from services.quotes.reported import Reported, find_reported, trailing_attribution
from services.quotes.resolve import Resolver
from services.quotes.speakers import (
    CUES,
    Attribution,
    after_quote,
    before_quote,
    next_sentence_speaker,
    sentence_end,
    sentence_start,
    subject_of_sentence,
    verb_like,
    words,
)
from shared.core.events import Entity, Quote

_TITLE_CUES = frozenset(
    """
film films movie movies song songs single singles album albums book books novel novels show shows series
programme program play plays musical opera sitcom drama documentary poem painting game video track hit
called titled entitled dubbed named nicknamed known report campaign slogan headline magazine newspaper
""".split()
)
_SMALL = frozenset({"a", "an", "the", "of", "and", "in", "on", "to", "for", "at", "with", "from", "by", "or", "is"})
_TERMINAL = (".", "!", "?", ".'", "?'", "!'", ".\u2019", "?\u2019", "!\u2019")


def is_title_like(q: str) -> bool:
    """Words all capitalised (except small words) and no closing punctuation: a title or a name."""
    ws = re.findall(r"[\w'\u2019\-]+", q)
    if not ws or q.rstrip().endswith((".", ",", "!", "?")):
        return False
    return all(w[0].isupper() or w.lower() in _SMALL or w[0].isdigit() for w in ws) and ws[0][0].isupper()


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
    if any(w.lower() in _TITLE_CUES for w in prev_words[-4:]):
        return True
    # mid-sentence capitalised phrase: a title rather than a quoted word
    return bool(prev) and prev[0].islower() and len(q.split()) >= 2


def _kind(text: str, span: QuoteSpan, floor: int) -> str:
    lo = sentence_start(text, span.open_mark, floor)
    head = text[lo : span.open_mark].strip()
    q = text[span.start : span.end]
    if (
        span.continues
        or not head
        or head.endswith((":", ","))
        or (q[:1].isupper() and q.rstrip().endswith((".", ",", "!", "?")) and len(q.split()) > 3)
    ):
        return "direct"
    return "partial"


def extract_quotes(text: str, entities: tuple[Entity, ...] = ()) -> list[Quote]:
    """Every quote in `text` (between quotation marks, and reported speech), with its speaker resolved against `entities`."""
    all_spans = pair_quotes(text)
    spans = [s for s in all_spans if not is_not_speech(text, s)]
    resolver = Resolver(text, entities, [s.marked for s in spans])
    paras = paragraphs(text)
    para_of = _para_index(paras)
    out: list[Quote] = []
    prev_speaker: tuple[str | None, str | None, str | None] = (None, None, None)
    prev_para, prev_pos = -10, -1
    reported = find_reported(text, [s.marked for s in all_spans])
    reported_starts = [r.start for r in reported]
    for idx, span in enumerate(spans):
        p = para_of(span.open_mark)
        floor = paras[p][0] if p >= 0 else 0
        limit = paras[p][1] if p >= 0 else len(text)
        nxt_open = spans[idx + 1].open_mark if idx + 1 < len(spans) else limit
        q = text[span.start : span.end]
        kind = _kind(text, span, floor)
        ends_sentence = q.rstrip().endswith(_TERMINAL)
        attr = None
        if span.close_mark is not None:
            attr = after_quote(text, span.close_mark, min(limit, nxt_open), ends_sentence, kind == "partial")
        if attr is not None:
            attr = name_in_apposition_after(text, attr, limit) or attr
        if attr is None and not span.continues:
            attr = before_quote(text, span.open_mark, floor) or name_in_apposition_before(text, span.open_mark, floor)
            if attr is None and span.open_mark == floor and p > 0:
                # a speaker introduced at the end of the previous paragraph: 'X said:'
                prev_text = text[paras[p - 1][0] : paras[p - 1][1]].rstrip()
                if prev_text.endswith(":"):
                    attr = before_quote(text, paras[p - 1][1], paras[p - 1][0])
                    if attr is None:
                        # 'Roe quotes a former adviser:' / 'The mayor hit back:': the subject of that sentence
                        end = paras[p - 1][0] + len(prev_text) - 1
                        sub = subject_of_sentence(text, end, paras[p - 1][0])
                        if sub is not None and _has_name(resolver, sub.start, sub.end):
                            attr = Attribution(sub.start, _first_np_end(text, sub), None, "subject")
        if attr is None and span.close_mark is not None:
            attr = _attribution_ending_sentence(text, span, floor, limit)
        speaker, label, cue = None, None, None
        if attr is not None:
            speaker, label = resolver.resolve(attr.start, attr.end, span.open_mark, attr.where != "after")
            cue = attr.cue
        if (
            speaker is None
            and kind == "partial"
            and idx > 0
            and out[-1].speaker is not None
            and sentence_start(text, span.open_mark, floor) <= spans[idx - 1].open_mark
        ):
            # a second quote in the sentence of an attributed one ('"...," said X, urging them to "..."')
            speaker, label, cue = out[-1].speaker, out[-1].speaker_label, out[-1].cue
        introduced = kind == "direct" and not span.continues and _introduced_by_colon(text, span.open_mark, floor)
        if speaker is None and (kind == "partial" or introduced) and not span.continues:
            # the subject of the writer's sentence: 'Roe hailed the "courage" of ...', 'Roe resisted: "..."'
            sub = subject_of_sentence(text, span.open_mark, floor)
            if sub is not None and (sub.cue or _has_name(resolver, sub.start, sub.end)):
                speaker, label = resolver.resolve(
                    sub.start, sub.end if sub.cue else _first_np_end(text, sub), span.open_mark, bool(sub.cue)
                )
                cue = sub.cue
        if speaker is None and not span.continues:
            # reported speech since the last attributed quote, in this paragraph or the one before:
            # 'Roe said the plan would fail.' then '"It cannot work."'
            k = bisect.bisect_left(reported_starts, span.open_mark) - 1
            last = reported[k] if k >= 0 and reported[k].start > prev_pos else None
            if last is not None and para_of(last.start) >= p - 1:
                name, name_label = resolver.resolve(last.sp_start, last.sp_end, last.start)
                if name is not None:
                    prev_speaker, prev_para = (name, name_label, last.cue), para_of(last.start)
        if speaker is None and (span.continues or p - prev_para <= 1):
            speaker, label, cue = prev_speaker
        if speaker is None and span.close_mark is not None and ends_sentence:
            # a speaker named only in the next sentence: '"We will win." Roe said the party was ready.'
            nxt = next_sentence_speaker(text, span.close_mark + 1, min(limit, nxt_open))
            if nxt is not None:
                speaker, label = resolver.resolve(nxt.start, nxt.end, span.open_mark)
                cue = nxt.cue
        if speaker is not None:
            prev_speaker = (speaker, label, cue)
            resolver.speakers.append(speaker)
            prev_para, prev_pos = p, span.open_mark
        out.append(
            Quote(text=q, start=span.start, end=span.end, speaker=speaker, speaker_label=label, cue=cue, kind=kind)
        )
    out.extend(reported_speech(text, resolver, reported))
    out.sort(key=lambda q: q.start)
    return out


def reported_speech(text: str, resolver: Resolver, reported: list[Reported]) -> list[Quote]:
    """Quotes of kind "indirect": the reported clauses outside quotation marks, with their speakers."""
    out = []
    for r in reported:
        speaker, label = resolver.resolve(r.sp_start, r.sp_end, r.start)
        out.append(
            Quote(
                text=text[r.start : r.end],
                start=r.start,
                end=r.end,
                speaker=speaker,
                speaker_label=label,
                cue=r.cue,
                kind="indirect",
            )
        )
    return out


MAX_TRAILING_CHARS = 400  # how far from the quote a sentence-ending attribution is looked for


def _attribution_ending_sentence(text: str, span: QuoteSpan, floor: int, limit: int) -> Attribution | None:
    """'His endorsements will carry "a great deal of weight", a spokesman said.': the attribution that
    ends the quote's sentence, after the closing mark."""
    assert span.close_mark is not None
    lo = sentence_start(text, span.open_mark, floor)
    window = min(limit, span.close_mark + 1 + MAX_TRAILING_CHARS)
    hi = sentence_end(text, span.close_mark + 1, window)
    if hi == window < limit:
        return None  # no sentence end near the quote: no short attribution ending its sentence
    found = trailing_attribution(text, max(lo, span.open_mark - MAX_TRAILING_CHARS), hi)
    if found is None or found.sp_start <= span.close_mark:
        return None
    return Attribution(found.sp_start, found.sp_end, found.cue, "after")


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


def _para_index(paras: list[tuple[int, int]]):
    starts = [p[0] for p in paras]

    def find(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    return find
