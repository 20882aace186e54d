"""Merging entity mentions into canonical entities named by the fullest name the article uses."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from shared.core.events import Entity, Mention
from shared.lexicon.names import first_name_gender
from shared.lexicon.titles import TITLES
from shared.lexicon.vocabulary import COUNTRIES, COURTESY, ORG_HEADS, PARTY_RANK, PLACE_HEADS

_PLACE = ("GPE", "LOC", "FAC")
# Labels the model gives a person's name by mistake ('Carly Roe' ORG); not NORP ('Roman Catholic').
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "FAC", "LOC", "PRODUCT"})


class RawMention(NamedTuple):
    """One entity span as the model (after fixes) produced it (a tuple: an article makes dozens)."""

    text: str
    start: int
    end: int
    label: str


_start = attrgetter("start")


@lru_cache(maxsize=1 << 16)  # the same names recur in an article and across articles
def name_key(text: str) -> str:
    """The comparable form of a name: lower case, no courtesy title, no possessive, single spaces."""
    words = _from_courtesy(text.replace("\u2019", "'").split())
    if len(words) > 1 and words[0].lower() in COURTESY and words[1].lower() != "justice":
        words = words[1:]
    if words and words[-1].lower().endswith("'s"):
        words[-1] = words[-1][:-2]
    return " ".join(w.lower() for w in words if w)


@lru_cache(maxsize=1 << 16)
def display_name(text: str) -> str:
    """A mention's text as a canonical name: courtesy title dropped ('Mrs Jane Ann Roe')."""
    words = _from_courtesy(text.split())
    if len(words) > 1 and words[0].lower() in COURTESY and words[1].lower() != "justice":
        words = words[1:]
    return " ".join(words)


def _from_courtesy(words: list[str]) -> list[str]:
    """Words from a courtesy title on: 'ACME Mr Roe' (the model ran a name into its neighbour) -> 'Mr Roe'."""
    for i in range(1, len(words) - 1):
        if words[i].lower() in COURTESY and words[i + 1][:1].isupper():
            return words[i:]
    return words


def _has_head_word(words: list[str]) -> bool:
    return any(w in ORG_HEADS or w in PLACE_HEADS for w in words)


@lru_cache(maxsize=1 << 16)
def _initials(key: str) -> str:
    return "".join(w[0] for w in key.replace("-", " ").split() if w not in ("of", "for", "and", "the", "&"))


@lru_cache(maxsize=1 << 16)  # asked of every pair of an article's short and long organisation names
def is_acronym(short: str, key: str) -> bool:
    """Whether `short` abbreviates `key` from its words' beginnings: 'wto', 'nafa' (National
    Association of Fruit Auctioneers), 'mocap'. Every content word gives one or more leading letters, in order."""
    words = [w for w in key.replace("-", " ").split() if w not in ("of", "for", "and", "the", "&")]
    if len(words) < 2 or len(short) < len(words):
        return False
    if "".join(w[0] for w in words) == short:
        return True

    # each word contributes a prefix of 1-3 letters; small search, names are short
    def fit(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(short)
        w = words[j]
        return any(short[i : i + n] == w[:n] and fit(i + n, j + 1) for n in range(1, min(3, len(w)) + 1))

    return fit(0, 0)


def merge_mentions(mentions: list[RawMention]) -> list[Entity]:
    """Group mentions of one thing ('Roe', 'Jane Roe') under its fullest name and majority label."""
    groups: dict[str, list[RawMention]] = defaultdict(list)
    for m in mentions:
        key = name_key(m.text)
        if key:
            groups[key].append(m)

    labels = {k: _vote([m.label for m in ms]) for k, ms in groups.items()}
    _relabel_full_names(groups, labels)
    parent = {k: k for k in groups}
    # a pair of names ('cruz and rubio') is nobody's full name: its words are two people's names
    persons = [(k, k.split()) for k in groups if labels[k] == "PERSON" and len(k.split()) >= 2 and not _joins_two(k)]
    for key in groups:
        target = _person_of(key, labels[key], persons, groups) or _acronym_of(key, labels, groups)
        if target is not None:
            parent[key] = target
    _join_party_names(groups, labels, parent)

    def root(k: str) -> str:
        if parent[k] == k:  # most names: their own cluster
            return k
        seen = set()
        while parent[k] != k and k not in seen:
            seen.add(k)
            k = parent[k]
        return k

    clusters: dict[str, list[str]] = defaultdict(list)
    for key in groups:
        clusters[root(key)].append(key)

    out: list[Entity] = []
    for head, keys in clusters.items():
        ms = sorted([m for k in keys for m in groups[k]], key=_start)
        for lab, group in _split_team_and_country(head, labels[head], ms):
            out.append(
                Entity(
                    name=_fullest(group, head),
                    label=lab,
                    count=len(group),
                    mentions=tuple(Mention(m.text, m.start, m.end) for m in group),
                )
            )
    out.sort(key=lambda e: e.mentions[0].start if e.mentions else 0)
    return out


def _relabel_full_names(groups: dict[str, list[RawMention]], labels: dict[str, str]) -> None:
    """A full name the model labelled ORG ("Karl Roe") whose surname it calls a PERSON is a PERSON; so is one
    that opens with a given name the list is sure of, where its surname stands alone elsewhere in the article
    (the model calling both 'Carly Roe' and 'Roe' an organisation)."""
    for key in groups:
        words = key.split()
        if (
            labels[key] != "PERSON"
            and len(words) >= 2
            and not _has_head_word(words)
            and not _joins_two(key)
            and (
                any(
                    labels.get(" ".join(words[i:])) == "PERSON" and len(groups[" ".join(words[i:])]) >= len(groups[key])
                    for i in range(1, len(words))
                )
                or (
                    labels[key] in _NAME_LABELS
                    and labels.get(words[-1]) in _NAME_LABELS
                    and len(words) <= 3
                    and all(
                        w[:1].isupper() and all(ch.isalpha() or ch in "'’.-" for ch in w)
                        for w in groups[key][0].text.split()
                    )
                    and words[0] not in TITLES
                    and first_name_gender(words[0])[1]
                )
            )
        ):
            labels[key] = "PERSON"


def _joins_two(key: str) -> bool:
    """Whether a name key is two names joined by 'and' or '&' ('cruz and rubio')."""
    return any(w in ("and", "&") for w in key.split()[1:-1])


def _person_of(
    key: str, label: str, persons: list[tuple[str, list[str]]], groups: dict[str, list[RawMention]]
) -> str | None:
    """The person's full name that `key` is a shorter form of: "Roe", "Ann Roe", "Jane" (PERSON), or a
    surname the model labelled ORG or GPE ("Roe said"). `persons`: full names with their words."""
    words = key.split()
    if label == "PERSON" and len(words) <= 2:
        cands = [
            p
            for p, pw in persons
            if len(pw) > len(words) and (pw[-len(words) :] == words or (len(words) == 1 and pw[0] == words[0]))
        ]
    elif label != "PERSON" and len(words) == 1 and key not in COUNTRIES:
        cands = [p for p, pw in persons if pw[-1] == words[0]]
    else:
        return None
    # the most used, then the fullest, then the one the article introduced first
    return max(cands, key=lambda p: (len(groups[p]), len(p.split()), -groups[p][0].start)) if cands else None


def _acronym_of(key: str, labels: dict[str, str], groups: dict[str, list[RawMention]]) -> str | None:
    """The one organisation whose initials (or acronym) `key` is ("BBC" for "British Broadcasting Corporation")."""
    if labels[key] != "ORG" or not 2 <= len(key) <= 6 or " " in key:
        return None
    cands = [o for o in groups if o != key and labels[o] == "ORG" and _initials(o) == key] or [
        o for o in groups if o != key and labels[o] == "ORG" and is_acronym(key, o)
    ]
    return cands[0] if len(cands) == 1 else None


def _join_party_names(groups: dict[str, list[RawMention]], labels: dict[str, str], parent: dict[str, str]) -> None:
    """The names of one party ("Tories", "Conservative", "Conservatives") are one entity."""
    party_head: dict[int, str] = {}
    for key in sorted(groups, key=lambda k: PARTY_RANK.get(k, (0, 0))[1]):
        if key in PARTY_RANK and labels[key] == "ORG" and parent[key] == key:
            party = PARTY_RANK[key][0]
            if party in party_head:
                parent[key] = party_head[party]
            else:
                party_head[party] = key


def _split_team_and_country(head: str, label: str, ms: list[RawMention]) -> list[tuple[str, list[RawMention]]]:
    """A national team (ORG) and the country (GPE) are two things in a sports report; else one entity."""
    if head in COUNTRIES:
        org = [m for m in ms if m.label == "ORG"]
        place = [m for m in ms if m.label in _PLACE]
        if org and place:
            return [("ORG", org), (_vote([m.label for m in place]), place)]
    return [(label, ms)]


def _vote(labels: list[str]) -> str:
    if labels.count(labels[0]) == len(labels):  # one label, as most names have: no count to take
        return labels[0]
    counts = Counter(labels)
    best = max(counts.values())
    for lab in labels:  # ties go to the first label seen
        if counts[lab] == best:
            return lab
    return labels[0]


def _fullest(ms: list[RawMention], head: str) -> str:
    """The fullest surface name among mentions whose key is the cluster head, else the longest."""
    if len(ms) == 1:  # most names: mentioned once
        best = ms[0]
    else:
        heads = [m for m in ms if name_key(m.text) == head] or ms
        best = max(heads, key=lambda m: (len(display_name(m.text).split()), len(m.text), -m.start))
    name = display_name(best.text)
    if name.endswith(("'s", "\u2019s")):
        name = name[:-2]
    return name
