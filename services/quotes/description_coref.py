"""Which chain a definite description refers to: 'the mayor', 'the 64-year-old', 'the company'.

A chain is a candidate when the description fits what the article said of it: its head is one of
the chain's roles ('Mayor Jane Roe', 'Roe, the city's mayor,'), its age ('Roe, 64,'), the head
word of its name ('the Acme Corporation' -> 'the corporation'), or a noun for the kind of body it
is when it is an organisation ('the company'). The trained resolver (services/quotes/coref.py,
its `description` weights) ranks the candidates by that match and by salience (recency, the
subject of the sentences before, who is being quoted); with no candidate the description stays
the speaker.
"""

from __future__ import annotations

import re
from typing import Callable

from services.quotes.coref import ChainState, _bucket, state_at
from services.quotes.discourse import Chain, Discourse
from shared.lexicon.roles import ORGANISATION_NOUNS
from shared.lexicon.vocabulary import COMPANY_NOUNS

MAX_SENTENCES_BACK = 25  # a description refers back further than a pronoun
_AGE = re.compile(r"^(\d{1,3})-year-old$")
_ORG_NOUNS = ORGANISATION_NOUNS | COMPANY_NOUNS


_OF = frozenset("of for at in from on with".split())


def description_head(words: list[str]) -> str:
    """The head word of a description: its last word before 'of', 'for', 'at' ... ('minister of health')."""
    cut = next((i for i, w in enumerate(words) if w in _OF and i > 0), len(words))
    return words[cut - 1]


def match_kind(c: Chain, head: str, words: list[str]) -> str | None:
    """How description `words` (head `head`, lower case) fits chain `c`: role, age, name head or org noun."""
    if c.label == "MERGED" or not c.speaks:
        return None
    age = _AGE.match(head)
    if age is not None:
        return "age" if c.person and age.group(1) in c.ages else None
    if head in c.roles:
        phrase = c.roles[head].split()
        return "role_phrase" if len(words) > 1 and all(w in phrase for w in words) else "role"
    name = c.name.lower().split()
    if c.label in ("ORG", "GPE", "NORP") and name and name[-1] == head:
        return "name_head"
    if c.label == "ORG" and head in _ORG_NOUNS:
        return "org_noun"
    return None


def description_features(
    d: Discourse, c: Chain, s: ChainState, match: str, rank: int, rivals: int, speaker: int, most: int, pos: int
) -> dict[str, float]:
    """Features of a description at `pos` referring to chain `c` (state `s`): how it matches, and salience
    (the article's title naming it among them)."""
    last = s.last
    sent = d.sentence_of(pos)
    sdist = sent - last.sent if last is not None else 99
    f = {
        "bias": 1.0,
        f"match={match}": 1.0,
        f"label={c.label}": 1.0,
        f"match={match}|label={c.label}": 1.0,
        f"sdist={_bucket(sdist, (0, 1, 2, 4, 8))}": 1.0,
        f"rank={min(rank, 3)}": 1.0,
        f"rivals={min(rivals, 3)}": 1.0,
        f"count={_bucket(s.count, (1, 2, 4, 8))}": 1.0,
        "most_mentioned": float(s.count == most),
        "speaker_now": float(c.id == speaker),
        "subj_prev": float(sent - 1 in s.subj_sents),
        "crole_subj": float(last is not None and last.role in ("subj", "lead")),
        "titled": float(c.titled),
        "topic": float(bool(c.topic)),
    }
    return f


def description_candidates(d: Discourse, pos: int, head: str, words: list[str]):
    """(chain, state, match) of every chain a description at `pos` fits, with the speaker, most and the states."""
    states, speaker, most, _first = state_at(d, pos)
    sent = d.sentence_of(pos)
    out = []
    for c in d.chains:
        s = states[c.id]
        if s.last is None or sent - s.last.sent > MAX_SENTENCES_BACK:
            continue
        match = match_kind(c, head, words)
        if match is not None:
            out.append((c, s, match))
    return out, speaker, most


def resolve_description(
    model,
    d: Discourse,
    pos: int,
    words: list[str],
    observe: Callable[[list[tuple[Chain, dict[str, float]]]], None] | None = None,
) -> tuple[Chain, float] | None:
    """The chain a definite description (`words` after 'the', lower case) at `pos` refers to, with the
    resolver's probability; None when no chain fits or none reaches the threshold."""
    if not words:
        return None
    head = description_head(words)
    cands, speaker, most = description_candidates(d, pos, head, words)
    if not cands:
        return None
    order = sorted(cands, key=lambda x: -(x[1].last.start if x[1].last else -1))
    rank = {c.id: i for i, (c, _, _) in enumerate(order)}
    scored = []
    for c, s, match in cands:
        f = description_features(d, c, s, match, rank[c.id], len(cands) - 1, speaker, most, pos)
        scored.append((c, f, model.score_description(f)))
    if observe is not None:
        observe([(c, f) for c, f, _ in scored])
    c, _f, p = max(scored, key=lambda x: x[2])
    return (c, p) if p >= model.description_threshold else None


__all__ = ["description_candidates", "description_features", "description_head", "match_kind", "resolve_description"]
