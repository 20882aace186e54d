"""Where a quote's speaker is named: speech verbs and the patterns around the marks.

Each function looks at a bounded window of text next to a quote (one sentence), with
plain word scans and anchored regexes, so the work is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.lexicon.function_words import (
    AUXILIARIES,
    CLAUSE_OPENERS,
    NOT_A_SUBJECT,
    NOUN_MARKERS,
    NP_STOP,
    OBJECT_PREPOSITIONS,
    OPENER_WORDS,
    PARTICIPLE_LEADS,
    POSSESSIVE_ENDINGS,
    SKIP_BACK,
    STOP_AFTER,
)
from shared.lexicon.speech import ACCORDING_TO, INTRO_WORDS, LISTENER_FORMS, QUOTE_CUES, QUOTE_PARTICIPLES
from shared.lexicon.time_words import ATTRIBUTION_TAIL, TIME_ENDS, TIME_LEADS, TIME_NOUNS
from shared.text.sentences import WORD, is_abbreviation_stop, sentence_end, sentence_start, words

CUES = QUOTE_CUES  # the verbs that attribute a quotation, from the one speech lexicon


@dataclass(frozen=True, slots=True)
class Attribution:
    """A speaker phrase found next to a quote: where it is, and the verb that attributes it."""

    start: int
    end: int
    cue: str | None
    where: str  # after | before | dash | according | subject


def _is_cue(w: str) -> bool:
    """A speech verb, written in lower case ('States' in 'the United States' is none)."""
    return w[:1].islower() and w in CUES


def _strip_clause_openers(ws: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    while ws and ws[0][0].lower() in CLAUSE_OPENERS:
        ws = ws[1:]
    return ws


def q_end_punct(text: str, close: int) -> bool:
    """Whether the quoted text ends with punctuation (a full quoted sentence or clause)."""
    k = close
    while k > 0 and text[k - 1] in "'\u2019":
        k -= 1  # a quote inside the quote closes first: '"... 'I'm for it,' he said,"'
    return k > 0 and text[k - 1] in ",.!?;:\u2026"


def after_quote(
    text: str, close: int, limit: int, ends_sentence: bool, inside_sentence: bool = False
) -> Attribution | None:
    """'"...," X said' / '"...," said X, the ...'  / '"..." - X': the speaker right after the closing mark.

    `inside_sentence`: the quote ends a sentence of the writer's that began before it ('Roe called
    it "dangerous."'); a capitalised sentence after it is a new one unless it is short ('Roe said.')."""
    pos = close + 1
    tail_end = min(limit, pos + 240)
    rest = text[pos:tail_end]
    stripped = rest.lstrip(" ,")
    if stripped[:1] in ("-", "\u2013", "\u2014") and not ends_sentence or stripped[:2] in ("- ", "\u2013 ", "\u2014 "):
        lo = pos + len(rest) - len(stripped) + 1
        ws = words(text, lo, sentence_end(text, lo, tail_end))
        if ws and ws[0][0][:1].isupper():
            return Attribution(ws[0][1], _phrase_end(text, ws, 0), None, "dash")
    hi = sentence_end(text, pos, tail_end)
    for nxt in ('"', "\u201c"):
        k = text.find(nxt, pos, hi)
        if k != -1:
            hi = k
    if inside_sentence and ends_sentence:
        whole = sentence_end(text, pos, min(len(text), pos + 240))
        if any(c in text[pos:whole] for c in '"\u201c'):
            return None  # 'Roe called it "a disaster." Doe called him a "liar."': a sentence with its own quote
    ws = words(text, pos, hi)
    if not ws:
        return None
    partial = not q_end_punct(text, close)
    max_before = 3 if ends_sentence else (4 if partial else 14)
    if ends_sentence:
        # a titled name before the verb ('Senior Adviser Jane Roe said') may be longer
        titled = 0
        while titled < len(ws) and titled < MAX_TITLED_NAME_WORDS and ws[titled][0][:1].isupper():
            titled += 1
        max_before = max(max_before, titled)
    if ends_sentence and not (ws[0][0][:1].islower() or any(_is_cue(w) for w, _, _ in ws[: max_before + 1])):
        return None
    for idx, (w, s, _e) in enumerate(ws[: max_before + 1]):
        if not _is_cue(w):
            continue
        tail_is_adverbial = idx + 1 == len(ws) or ws[idx + 1][0].lower() in ATTRIBUTION_TAIL
        if (
            ends_sentence
            and ws[0][0][:1].isupper()
            and (
                (len(ws) - idx - 1 if inside_sentence else _clause_words_after(text, ws, idx)) > MAX_TAIL_WORDS
                and not tail_is_adverbial
                or text[ws[-1][2] : hi].strip()[:1] == ":"
            )
        ):
            return None  # a new sentence of the writer's (or one introducing the next quote), not an attribution
        if idx == 0:
            # '"...," said X, the ...' : the speaker follows the verb
            if len(ws) > 1:
                return Attribution(ws[1][1], _phrase_end(text, ws, 1), w.lower(), "after")
            return None
        if (
            "," in text[ws[idx - 1][2] : s]
            and idx + 1 < len(ws)
            and ws[idx + 1][0][:1].isupper()
            and ws[idx - 1][0][:1].islower()
            and ws[0][0][:1].islower()  # '"...," Roe, a senator, told CBS': the name before is the speaker
            and w.lower() not in LISTENER_FORMS
            or idx > 1
            and ws[0][0].lower() in OBJECT_PREPOSITIONS
            and "," in text[ws[idx - 1][2] : s]
            and idx + 1 < len(ws)
        ):
            # '"..." about the plan, said X' / '"..." for the party, said X': the speaker follows the verb
            return Attribution(ws[idx + 1][1], _phrase_end(text, ws, idx + 1), w.lower(), "after")
        start, end = ws[0][1], ws[idx - 1][2]
        comma = text.find(",", ws[0][2], end)
        if comma != -1:
            if "," in text[close - 1 : ws[0][1]] or q_end_punct(text, close) and text[close - 1] in "'\u2019":
                end = comma  # '"...," Jane Roe, president of ..., said'
            else:
                start = text.rfind(",", start, end) + 1  # 'a "difficult" time for ..., Mr Doe added'
        lead = WORD.search(text, start, end)
        if lead is not None and (lead.group(0) in NOT_A_SUBJECT or lead.group(0).endswith("ing")):
            return None  # '"..." of Trump, whom he called', '"...," while trying to explain': no speaker phrase
        return Attribution(start, end, w.lower(), "after")
    return None


MAX_TITLED_NAME_WORDS = 6
MAX_APPOSITION_WORDS = 10  # 'Preceded by Joe Roe, the county sheriff, Jane Doe ...'
MAX_TAIL_WORDS = 4  # words after 'X said' up to a comma in an attribution ('X told reporters on Monday')


def _clause_words_after(text: str, ws: list[tuple[str, int, int]], idx: int) -> int:
    """How many words follow word idx before the next comma, semicolon or colon ('X shouted, adding ...')."""
    n = 0
    for i in range(idx + 1, len(ws)):
        if any(c in text[ws[i - 1][2] : ws[i][1]] for c in ",;:"):
            break
        n += 1
    return n


_PARTY_TAG = re.compile(r"^[A-Z]-[A-Z][\w.]*$")  # '(D-Ore.)', '(R-Wis.)' after a politician's name
MAX_OBJECT_WORDS = 16  # the verb and its object before the mark: 'said on Twitter on Monday, in reference to her son,'
MAX_INTRO_WORDS = 10  # an introductory phrase before the subject ('After the vote on Monday, ...')
MAX_SUBJECT_WORDS = 14  # the writer's subject before a partial quote, appositions included


def _phrase_end(text: str, ws: list[tuple[str, int, int]], i: int) -> int:
    """The end of a speaker phrase starting at word i: up to a comma, a full stop or a clause word."""
    end = ws[i][2]
    for w, s, e in ws[i:]:
        if w.lower() in STOP_AFTER and s > ws[i][1]:
            break
        between = text[end:s]
        if s > ws[i][1] and any(c in between for c in ",;:()"):
            break
        end = e
        if text[e : e + 1] == "." and len(w) > 1 and not is_abbreviation_stop(text, e):
            break
    return end


def before_quote(text: str, open_mark: int, floor: int) -> Attribution | None:
    """'X said: "..."' / 'X told the BBC: "..."' / 'according to X, "..."': the speaker before the mark."""
    lo = sentence_start(text, open_mark, floor)
    head = text[lo:open_mark].rstrip()
    if not head:
        return None  # a speaker in the sentence before: the syntax rule previous_sentence_verb
    matches = list(ACCORDING_TO.finditer(text, lo, open_mark))
    m = matches[-1] if matches else None  # the last "according to" before the quote
    if m is not None:
        ws = words(text, m.end(), open_mark)
        if ws:
            return Attribution(ws[0][1], _phrase_end(text, ws, 0), "according to", "according")
    if not head.endswith((":", ",")):
        return None
    ws = words(text, lo, lo + len(head))
    labelled = _name_label(text, ws, lo + len(head)) if head.endswith(":") else None
    if labelled is not None:
        return Attribution(labelled[0], labelled[1], None, "before")
    # the last speech verb in the clause before the mark; at most a short object after it ("told the BBC")
    for k in range(len(ws) - 1, max(-1, len(ws) - MAX_OBJECT_WORDS - 1), -1):
        if _is_cue(ws[k][0]) or ws[k][0].lower() in QUOTE_PARTICIPLES:
            closing = max(text.rfind(c, lo, ws[k][1]) for c in '"\u201d')
            if ws[k][0].lower() in QUOTE_PARTICIPLES and closing != -1:
                # '"It was a disaster," Roe said, adding, "...': the main clause is the writer's words after the quote
                cue = ws[k]
                ws = [w for w in ws if w[1] > closing]
                k = ws.index(cue)
            subj = _subject_before(text, ws, k, lo)
            if subj is not None:
                return Attribution(subj[0], subj[1], ws[k][0].lower(), "before")
            return None
    return None


MAX_LABEL_WORDS = 6
_DASHES = (" - ", " \u2013 ", " \u2014 ")


def _name_label(text: str, ws: list[tuple[str, int, int]], colon: int) -> tuple[int, int] | None:
    """'HEADLINE - Jane Roe and John Doe: "..."' / 'Pew Research: "..."': a name alone before the colon,
    after a dash or opening the sentence; (start, end) of the name, else None."""
    cut = max(text.rfind(d, ws[0][1] if ws else colon, colon) for d in _DASHES)
    label = [w for w in ws if w[1] > cut] if cut != -1 else ws
    if not label or len(label) > MAX_LABEL_WORDS or not label[0][0][:1].isupper():
        return None
    if not all(w[0][:1].isupper() or w[0] in ("and", "of", "&") for w in label) or label[-1][0] in ("and", "of"):
        return None
    if cut == -1 and all(w[0].isupper() for w in label) and len(label) > 1:
        return None  # 'BREAKING NEWS:' is a heading, not a speaker
    return label[0][1], label[-1][2]


def verb_like(word: str) -> bool:
    """A lower-case word that may be a verb ('relied', 'reports', 'note', 'has'), so no part of a title
    leading to a name ('presidential candidate Jane Roe')."""
    return word in CUES or word in AUXILIARIES or word.endswith(("ed", "s")) or word + "s" in CUES


def _without_introduction(text: str, ws: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A sentence's words without its introductory phrases ('On Thursday, after the vote, Roe ...',
    'Hours later, Roe ...', 'Early in the campaign, Roe ...'): each a segment up to a comma that opens
    with a preposition, subordinator or adverb, or ends with a time word."""
    while ws:
        cut = next((i for i in range(1, min(len(ws), MAX_INTRO_WORDS)) if "," in text[ws[i - 1][2] : ws[i][1]]), None)
        if cut is None:
            return ws
        lead, last = ws[0][0], ws[cut - 1][0].lower()
        if not (lead.lower() in INTRO_WORDS or _is_opener(lead) or last in TIME_ENDS):
            return ws
        ws = _strip_clause_openers(ws[cut:])
    return ws


def _joins_names(ws: list[tuple[str, int, int]], i: int) -> bool:
    """Whether word i is an 'and' between two capitalised names ('the Greens and Liberal Party', 'the King
    and Duke of Westland'): a coordinated subject, one speaker phrase."""
    return (
        ws[i][0].lower() == "and" and 0 < i < len(ws) - 1 and ws[i - 1][0][:1].isupper() and ws[i + 1][0][:1].isupper()
    )


def _subject_before(text: str, ws: list[tuple[str, int, int]], k: int, lo: int) -> tuple[int, int] | None:
    """The noun phrase right before verb k ('Deputy Transport Secretary Jane Roe said'): the speaker phrase."""
    j = k
    while j > 0 and "," not in text[ws[j - 1][2] : ws[j][1]]:
        if ws[j - 1][0].lower() in SKIP_BACK:
            j -= 1
        elif j > 1 and ws[j - 1][0].lower() in TIME_NOUNS and ws[j - 2][0].lower() in TIME_LEADS:
            j -= 2  # 'Jane Roe on Friday declared', 'Roe last week called'
        else:
            break
    second_verb = j > 1 and ws[j - 1][0].lower() == "and" and ws[j - 2][0][:1].islower()
    if (
        second_verb
        or ws[k][0].lower() in QUOTE_PARTICIPLES
        and (j == 0 or "," in text[ws[j - 1][2] : ws[k][1]] or ws[j - 1][0] in PARTICIPLE_LEADS)
    ):
        # '..., saying' / 'X said ... and added': the subject of the main clause, at the sentence start
        # '..., saying': the subject of the main clause, at the sentence start
        first = _without_introduction(text, _strip_clause_openers(ws[:k]))
        if not first:
            return None
        end = first[0][2]
        n = 1
        while n < len(first):
            w, s, e = first[n]
            if "," in text[end:s]:
                break
            if w[0].islower() and w.lower() not in ("of", "for", "the", "de") and not _joins_names(first, n):
                # 'Party nominee Jane Roe took to Twitter': lower-case words of a title before the name
                name = next((i for i in range(n + 1, min(len(first), n + 3)) if first[i][0][:1].isupper()), None)
                if not first[n - 1][0][:1].isupper() or name is None or "," in text[first[n - 1][2] : first[name][1]]:
                    break
                if any(verb_like(x[0]) or x[0] in NP_STOP for x in first[n:name]):
                    break  # 'Roe hammered Doe': a verb, not a title ('presidential candidate')
                n = name
                end = first[n][2]
                n += 1
                continue
            end = e
            n += 1
        return first[0][1], end
    if j > 0 and "," in text[ws[j - 1][2] : ws[j][1]]:
        # an appositive or relative clause ', whose ... ,' between subject and verb: skip back over it
        m = j - 1
        while m > 0 and "," not in text[ws[m - 1][2] : ws[m][1]] and j - m < 20:
            m -= 1
        skipped = m > 0 and (ws[m][0].lower() in ("who", "whose", "which") or ws[m][0][:1].islower())
        if skipped:
            j = m
    else:
        skipped = False
    end_idx = j
    start = j
    while start > 0 and end_idx - start < 8:
        w, s, e = ws[start - 1]
        between = text[e : ws[start][1]]
        if start == end_idx and skipped:
            between = between.replace(",", "")
        if _PARTY_TAG.match(w) or _PARTY_TAG.match(ws[start][0]):
            between = between.replace("(", "").replace(")", "")  # 'Sen. Jane Roe (D-Ore.) said': one name
        if any(c in between for c in ',;:"\u201c\u201d()') or w.lower() in NP_STOP and not _joins_names(ws, start - 1):
            break  # ('the Queen and Duke of Edinburgh said': one joint speaker)
        start -= 1
    phrase = _strip_clause_openers(ws[start:end_idx])
    if not phrase:
        return None
    return phrase[0][1], phrase[-1][2]


def _is_opener(word: str) -> bool:
    """Whether a sentence's first word opens an introductory phrase ('If ..., ', 'Speaking on ..., ')
    rather than its subject: a subordinator or adverb, or a participle."""
    w = word.lower()
    return w in OPENER_WORDS or w.endswith(("ing", "ed", "ly")) and len(w) > 4


def _skip_apposition(text: str, ws: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Words after an introductory phrase without the apposition that may end it ('Preceded by Joe Roe,
    the county sheriff, Jane Doe launched ...'): a segment opening with 'the'/'a' up to the next comma."""
    if not ws or ws[0][0] not in ("the", "a", "an"):
        return ws
    for i in range(1, min(len(ws), MAX_APPOSITION_WORDS)):
        if "," in text[ws[i - 1][2] : ws[i][1]]:
            return ws[i:]
    return ws


def _is_verb_cue(text: str, ws: list[tuple[str, int, int]], i: int) -> bool:
    """Whether word i is a speech verb used as a verb: not a noun ('her claims', 'Trump's remarks') and,
    for a participle, after a comma or a name ('..., saying', 'with Roe saying'; 'a creative writing
    professor' is none)."""
    w = ws[i][0]
    if w.lower() in QUOTE_PARTICIPLES:
        return i > 0 and (
            "," in text[ws[i - 1][2] : ws[i][1]] or ws[i - 1][0][:1].isupper() or ws[i - 1][0] in PARTICIPLE_LEADS
        )
    if not _is_cue(w):
        return False
    if i == 0:
        return True
    prev = ws[i - 1][0]
    return prev.lower() not in NOUN_MARKERS and not prev.endswith(POSSESSIVE_ENDINGS)


def subject_of_sentence(text: str, open_mark: int, floor: int) -> Attribution | None:
    """The writer's sentence around a partial quote: the phrase before its verb ('Roe hailed the "courage"')."""
    lo = sentence_start(text, open_mark, floor)
    ws = words(text, lo, open_mark)
    ws = _strip_clause_openers(ws)
    if ws and (ws[0][0].lower() in INTRO_WORDS or _is_opener(ws[0][0])):
        # 'At the debate on Monday, Roe called it "a farce"': the subject follows the introductory phrase
        for i in range(1, min(len(ws), MAX_INTRO_WORDS)):
            if "," in text[ws[i - 1][2] : ws[i][1]]:
                ws = _without_introduction(text, _skip_apposition(text, _strip_clause_openers(ws[i:])))
                break
    if not ws:
        return None
    cue_idx = next((i for i in range(len(ws)) if _is_verb_cue(text, ws, i)), None)
    if cue_idx is not None and cue_idx > 0:
        subj = _subject_before(text, ws, cue_idx, lo)
        if subj is not None:
            return Attribution(subj[0], subj[1], ws[cue_idx][0].lower(), "subject")
    return Attribution(ws[0][1], ws[min(len(ws), MAX_SUBJECT_WORDS) - 1][2], None, "subject")
