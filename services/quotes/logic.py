"""From text and entities to quotes: pair marks, drop titles/nicknames, attribute, inherit speakers."""
from __future__ import annotations

import re

from services.quotes.apposition import name_in_apposition_after, name_in_apposition_before
from services.quotes.marks import QuoteSpan, pair_quotes, paragraphs
from services.quotes.resolve import Resolver
from services.quotes.speakers import (
    CUES, after_quote, before_quote, sentence_start, subject_of_sentence, words,
)
from shared.core.events import Entity, Quote

_TITLE_CUES = frozenset("""
film films movie movies song songs single singles album albums book books novel novels show shows series
programme program play plays musical opera sitcom drama documentary poem painting game video track hit
called titled entitled dubbed named nicknamed known report campaign slogan headline magazine newspaper
""".split())
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
    q = text[span.start:span.end]
    if not is_title_like(q) or span.close_mark is None:
        return False
    before = text[max(0, span.open_mark - 40):span.open_mark]
    after = text[span.close_mark + 1:span.close_mark + 3]
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
    head = text[lo:span.open_mark].strip()
    q = text[span.start:span.end]
    if span.continues or not head or head.endswith((":", ",")) or (q[:1].isupper() and q.rstrip().endswith(
            (".", ",", "!", "?")) and len(q.split()) > 3):
        return "direct"
    return "partial"


def extract_quotes(text: str, entities: tuple[Entity, ...] = ()) -> list[Quote]:
    """Every reported-speech quote in `text`, with its speaker resolved against `entities`."""
    spans = [s for s in pair_quotes(text) if not is_not_speech(text, s)]
    if not spans:
        return []
    resolver = Resolver(text, entities, [(s.open_mark, (s.close_mark if s.close_mark is not None else s.end) + 1)
                                         for s in spans])
    paras = paragraphs(text)
    para_of = _para_index(paras)
    out: list[Quote] = []
    prev_speaker: tuple[str | None, str | None, str | None] = (None, None, None)
    prev_para = -10
    for idx, span in enumerate(spans):
        p = para_of(span.open_mark)
        floor = paras[p][0] if p >= 0 else 0
        limit = paras[p][1] if p >= 0 else len(text)
        nxt_open = spans[idx + 1].open_mark if idx + 1 < len(spans) else limit
        q = text[span.start:span.end]
        kind = _kind(text, span, floor)
        ends_sentence = q.rstrip().endswith(_TERMINAL)
        attr = None
        if span.close_mark is not None:
            attr = after_quote(text, span.close_mark, min(limit, nxt_open), ends_sentence)
        if attr is not None:
            attr = name_in_apposition_after(text, attr, limit) or attr
        if attr is None and not span.continues:
            attr = before_quote(text, span.open_mark, floor) or name_in_apposition_before(text, span.open_mark, floor)
            if attr is None and span.open_mark == floor and p > 0:
                # a speaker introduced at the end of the previous paragraph: 'X said:'
                prev_text = text[paras[p - 1][0]:paras[p - 1][1]].rstrip()
                if prev_text.endswith(":"):
                    attr = before_quote(text, paras[p - 1][1], paras[p - 1][0])
        speaker, label, cue = None, None, None
        if attr is not None:
            speaker, label = resolver.resolve(attr.start, attr.end, span.open_mark, attr.where != "after")
            cue = attr.cue
        if speaker is None and kind == "partial" and not span.continues:
            sub = subject_of_sentence(text, span.open_mark, floor)
            if sub is not None and (sub.cue or _has_name(resolver, sub.start, sub.end)):
                speaker, label = resolver.resolve(sub.start, sub.end if sub.cue else _first_np_end(text, sub),
                                                  span.open_mark, bool(sub.cue))
                cue = sub.cue
        if speaker is None and (span.continues or p - prev_para <= 1):
            speaker, label, cue = prev_speaker
        if speaker is not None:
            prev_speaker = (speaker, label, cue)
            resolver.speakers.append(speaker)
            prev_para = p
        out.append(Quote(text=q, start=span.start, end=span.end, speaker=speaker, speaker_label=label,
                         cue=cue, kind=kind))
    return out


def _has_name(resolver: Resolver, start: int, end: int) -> bool:
    return any(start <= m.start < end and m.label in ("PERSON", "ORG") for m in resolver.mentions) or \
        resolver.text[start:end].split()[0].lower() in ("he", "she", "they")


def _first_np_end(text: str, sub) -> int:
    """For a sentence subject, the end of its first noun phrase (up to a verb-looking lowercase word)."""
    ws = words(text, sub.start, sub.end)
    end = ws[0][2] if ws else sub.end
    for w, s, e in ws[1:]:
        if w.lower() in CUES or (w[0].islower() and w.lower() not in ("of", "for", "and", "the", "de")):
            break
        if "," in text[end:s]:
            break
        end = e
    return end


def _para_index(paras: list[tuple[int, int]]):
    starts = [p[0] for p in paras]
    import bisect

    def find(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    return find
