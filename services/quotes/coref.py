"""The trained resolver: which chain a pronoun (or a description) refers to, by mention ranking.

For each third-person pronoun of a `Discourse`, in text order, every chain mentioned before it
(within a window) is a candidate; `pronoun_features` describes the pair by agreement, distance,
syntactic role and parallelism, salience and who is being quoted, never by its words. Thirty
gradient-boosted trees of depth 4 (services/quotes/coref_model.json, rebuilt by `python -m
benchmarks.train_coref`, trained on GAP and on pronoun cases made from named attributions in
news) score each pair; the best candidate above the threshold takes the pronoun, which then
counts as a mention of its chain (its salience, and its gender as evidence) for later pronouns.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import AbstractSet, Callable

from services.quotes.discourse import Chain, Discourse, Mention

MODEL_PATH = Path(__file__).with_name("coref_model.json")
MAX_SENTENCES_BACK = 12  # a pronoun's antecedent is mentioned within this many sentences before it
PERSONAL = frozenset({"m", "f"})
_AGREEING = frozenset(
    {
        "agree",
        "weak_agree",
        "weak_conflict",
        "unknown",
        "maybe_agree",
        "maybe_person",
        "maybe_weak_conflict",
        "plural_group",
        "neuter_org",
    }
)


@dataclass(slots=True)
class ChainState:
    """What the resolver knows of one chain at a point of the text, from the mentions before it."""

    count: int = 0
    last: Mention | None = None
    subj_sents: set[int] = field(default_factory=set)
    last_speech: int = -1  # the start of its latest mention as a speech verb's subject
    first: int = -1
    pron_count: int = 0  # pronouns resolved to it so far
    pron_votes: dict[str, float] = field(default_factory=lambda: {"m": 0.0, "f": 0.0, "pl": 0.0, "n": 0.0})


def _bucket(n: int, edges: tuple[int, ...]) -> int | str:
    for e in edges:
        if n <= e:
            return e
    return f">{edges[-1]}"


_THINGS = frozenset({"ORG", "GPE", "FAC", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "NAME"})


def agreement(m: Mention, c: Chain, s: ChainState) -> str:
    """How a pronoun's gender or number fits a chain: sure/prior agree or conflict, a thing that may be a
    person by its name, or unknown."""
    g = m.gender
    if g in PERSONAL:
        if c.label in _THINGS or c.label == "NORP":
            return _MAYBE[_personal_agreement(g, c, s)] if c.name_like else "type_conflict"
        return _personal_agreement(g, c, s)
    if g == "pl":
        return "plural_group" if c.label in ("ORG", "NORP", "GPE") else "plural_person"
    return "neuter_org" if c.label in _THINGS else "neuter_other"


# A name labelled a thing that may be a person's: how its gender evidence fits, in fewer kinds.
_MAYBE = {
    "agree": "maybe_agree",
    "weak_agree": "maybe_agree",
    "unknown": "maybe_person",
    "weak_conflict": "maybe_weak_conflict",
    "sure_conflict": "maybe_conflict",
    "prior_conflict": "maybe_conflict",
}


def _personal_agreement(g: str, c: Chain, s: ChainState) -> str:
    """How 'he' or 'she' fits a chain's gender: by the article's evidence, else the given-name prior."""
    m = c.votes["m"] + s.pron_votes["m"]
    f = c.votes["f"] + s.pron_votes["f"]
    if m != f:
        return "agree" if (m > f) == (g == "m") else "sure_conflict"
    if c.prior is not None:
        if c.prior == g:  # the article's evidence and a name the list is sure of agree alike
            return "agree" if c.prior_sure else "weak_agree"
        return "prior_conflict" if c.prior_sure else "weak_conflict"
    return "unknown"


_SDIST = (0, 1, 2, 3, 5)
_PDIST = (0, 1, 2)
_CDIST = (1, 3, 6, 12)
_COUNT = (1, 2, 4, 8)
_PRON_COUNT = (0, 1, 3)


def _bucket_table(edges: tuple[int, ...]) -> tuple[int | str, ...]:
    """`_bucket(n, edges)` for n = 0 .. edges[-1] + 1, the last standing for every n above the edges: a
    candidate's counts and distances are read from it (`table[min(n, edges[-1] + 1)]`), no loop per feature."""
    return tuple(_bucket(n, edges) for n in range(edges[-1] + 2))


_SDIST_OF = _bucket_table(_SDIST)
_PDIST_OF = _bucket_table(_PDIST)
_CDIST_OF = _bucket_table(_CDIST)
_COUNT_OF = _bucket_table(_COUNT)
_PRON_COUNT_OF = _bucket_table(_PRON_COUNT)

# A feature is a key: a name template and its values ('crole={}|prole={}', 'subj', 'poss'); its name is the
# template filled in. Keys, not names, are built per candidate: a model formats each name once (`key_name`).
Key = tuple


def key_name(key: Key) -> str:
    """The feature name of a key: its template filled with its values."""
    return key[0].format(*key[1:]) if len(key) > 1 else key[0]


def as_features(keys: list[Key]) -> dict[str, float]:
    """Keys as a feature dict (every feature here is 1 when present)."""
    return {key_name(k): 1.0 for k in keys}


def pronoun_keys(d: Discourse, m: Mention, c: Chain, s: ChainState, ctx: "Context", agree: str) -> list[Key]:
    """The features of pronoun `m` referring to chain `c` (state `s` before `m`, `agree` how it fits) among the
    candidates (`ctx`: recency ranks, chains between, the current speaker, the most mentioned), as keys. No
    word of any data is a feature."""
    last = s.last
    assert last is not None
    cataphor = last.start > m.start
    same = m.sent == last.sent
    grank = min(ctx.grank.get(c.id, 5), 3)
    srank = min(ctx.srank.get(c.id, 3), 2)
    crank = min(ctx.crank.get(c.id, 3), 2)
    crole, prole = last.role, m.role
    keys: list[Key] = [
        ("bias",),
        ("label={}", c.label),
        ("agree={}", agree),
        ("agree={}|pron={}", agree, m.gender),
        ("agree={}|label={}", agree, c.label),
        ("agree={}|words={}", agree, min(c.name.count(" ") + 1, 3)),
        ("sdist={}", _SDIST_OF[min(abs(m.sent - last.sent), _SDIST[-1] + 1)]),
        ("pdist={}", _PDIST_OF[min(max(0, m.para - last.para), _PDIST[-1] + 1)]),
        ("cdist={}", _CDIST_OF[min(abs(m.start - last.end) // 20, _CDIST[-1] + 1)]),
        ("rank={}", min(ctx.rank[c.id], 4)),
        ("grank={}", grank),
        ("between={}", min(ctx.between.get(c.id, 0), 3)),
        ("crole={}", crole),
        ("prole={}", prole),
        ("crole={}|prole={}", crole, prole),
        ("crole={}|same={}", crole, same),
        ("count={}", _COUNT_OF[min(s.count, _COUNT[-1] + 1)]),
        ("agree={}|grank={}", agree, grank),
        ("prole={}|grank={}", prole, grank),
        ("crole={}|prole={}|same={}", crole, prole, same),
        ("srank={}", srank),
        ("srank={}|prole={}", srank, prole),
        ("crank={}", crank),
        ("crank={}|grank={}", crank, grank),
        ("pron_count={}", _PRON_COUNT_OF[min(s.pron_count, _PRON_COUNT[-1] + 1)]),
    ]
    _salience_flags(keys, m, c, s, ctx, cataphor)
    _mention_flags(keys, d, m, c, last, ctx, cataphor)
    if cataphor:
        keys.append(("cataphor|crole={}|prole={}", crole, prole))
    if c.topic:
        keys += [("topic={}", c.topic), ("topic={}|prole={}", c.topic, prole), ("topic={}|grank={}", c.topic, grank)]
    if c.id == ctx.after_subject:
        keys += [("after_subject",), ("after_subject|prole={}", prole)]
    if c.id == ctx.salient:
        keys += [("salient_first",), ("salient_first|prole={}", prole), ("salient_first|grank={}", grank)]
    if same and d.parse is not None and last.token >= 0 and m.token >= 0:
        tree = _tree_relation(d.parse, last.token, m.token)
        keys += [("tree={}", tree), ("tree={}|prole={}", tree, prole)]
    return keys


# The flags of `pronoun_keys`, each a one-word key appended where it holds: a test each, no table of all of
# them made per candidate (the pronouns of an article have many candidates).


def _salience_flags(keys: list[Key], m: Mention, c: Chain, s: ChainState, ctx: "Context", cataphor: bool) -> None:
    """The flags of how salient chain `c` is before pronoun `m`: the most mentioned, a recent subject, the speaker."""
    if s.count == ctx.most:
        keys.append(("most_mentioned",))
    if m.sent in s.subj_sents and not cataphor:
        keys.append(("subj_same",))
    if m.sent - 1 in s.subj_sents:
        keys.append(("subj_prev",))
    if m.sent - 2 in s.subj_sents:
        keys.append(("subj_prev2",))
    if c.id == ctx.speaker:
        keys.append(("speaker_now",))
        if m.speech:
            keys.append(("speaker_now|speech",))
        if ctx.srank.get(c.id, 3) > 0:
            keys.append(("speaker_now|other_subject_before",))


def _mention_flags(
    keys: list[Key], d: Discourse, m: Mention, c: Chain, last: Mention, ctx: "Context", cataphor: bool
) -> None:
    """The flags of the pronoun `m` and of the chain's latest mention `last` before it."""
    if m.speech:
        keys.append(("speech",))
    if last.quoted:
        keys.append(("last_quoted",))
    if last.kind == "pronoun":
        keys.append(("last_pronoun",))
    if cataphor:
        keys.append(("cataphor",))
    if c.titled or c.roles:
        keys.append(("titled",))
    if c.id == ctx.first_person:
        keys.append(("first_person",))
    if _same_clause(d, last, m):
        keys.append(("binding",))
    if ctx.agreeing == 1 and c.id in ctx.grank:
        keys.append(("only_agreeing",))


def pronoun_features(d: Discourse, m: Mention, c: Chain, s: ChainState, ctx: "Context") -> dict[str, float]:
    """`pronoun_keys` as a feature dict (names and values), for training and tests."""
    return as_features(pronoun_keys(d, m, c, s, ctx, agreement(m, c, s)))


def _tree_relation(p, a: int, b: int) -> str:
    """How candidate token `a` stands to pronoun token `b` in one parsed sentence: `a` the subject of a
    verb above `b` (c-command), in a clause below `b`'s, or neither; with the path length."""
    up_b = [b, *p.ancestors(b)]
    up_a = [a, *p.ancestors(a)]
    common = next((x for x in up_b if x in up_a), None)
    if common is None:
        return "none"
    length = up_a.index(common) + up_b.index(common)
    kind = "above" if up_a.index(common) == 1 else "below" if up_b.index(common) == 1 else "apart"
    return f"{kind}{min(length, 5)}"


@dataclass(slots=True)
class Context:
    """What ranks the candidates of one pronoun against each other."""

    rank: dict[int, int]  # chain id -> recency rank (0: the latest mentioned)
    grank: dict[int, int]  # the same among the chains whose gender agrees
    between: dict[int, int]  # chain id -> agreeing chains mentioned since its last mention
    srank: dict[int, int]  # recency rank among agreeing chains last mentioned as a subject
    crank: dict[int, int]  # rank by mentions so far among agreeing chains (0: the most mentioned)
    agreeing: int  # how many candidates agree
    salient: int  # the first agreeing chain of the latest sentence naming an agreeing chain (outside quotes)
    speaker: int  # the chain of the latest speech verb's subject
    most: int  # the count of the most mentioned chain
    first_person: int  # the article's first person
    after_subject: int = -1  # the chain whose name, later in the pronoun's sentence, is the subject of a verb above it


def _same_clause(d: Discourse, a: Mention, b: Mention) -> bool:
    """Whether two parsed mentions are arguments of one verb (a non-reflexive object pronoun is not its subject)."""
    p = d.parse
    if p is None or a.token < 0 or b.token < 0 or b.role not in ("obj", "pobj") or b.word.endswith("self"):
        return False
    return a.role == "subj" and p.head[a.token] == p.head[b.token] and a.sent == b.sent


# A boosted tree: a leaf is a step of log-odds; a node is (feature name, the tree where it is absent, where present).
Tree = float | tuple


@dataclass(frozen=True)
class CorefModel:
    """A scorer over `pronoun_features`: a linear part (weights by name, an intercept) plus boosted trees over the
    same features, and a threshold."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    gap_threshold: float = 0.0  # below it a two-name question (GAP) is answered 'neither'
    description_weights: dict[str, float] = field(default_factory=dict)  # services/quotes/description_coref.py
    description_intercept: float = 0.0
    description_threshold: float = 0.0
    trees: tuple[Tree, ...] = ()  # gradient-boosted trees, their steps added to the linear part's log-odds
    # per key met: its weight and its feature name (formatted once)
    _by_key: dict[Key, tuple[float, str]] = field(default_factory=dict, init=False, compare=False, repr=False)
    _boosted: Callable[[AbstractSet[str]], float] | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.trees:
            object.__setattr__(self, "_boosted", compile_trees(self.trees))

    def score_keys(self, keys: list[Key]) -> float:
        """The probability that the pronoun and chain with these feature keys corefer."""
        known = self._by_key
        z = self.intercept
        entries = [known.get(k) or self._learn(k) for k in keys]
        if self.weights:
            for weight, _name in entries:
                z += weight
        if self._boosted is not None:
            z += self._boosted({name for _weight, name in entries})
        return _logistic(z)

    def _learn(self, key: Key) -> tuple[float, str]:
        """A key's weight and feature name, kept for the next time it is met."""
        name = key_name(key)
        entry = self._by_key[key] = (self.weights.get(name, 0.0), name)
        return entry

    def score(self, f: dict[str, float]) -> float:
        """The probability that the pronoun and chain with features `f` (each 1 when present) corefer."""
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in f.items())
        if self._boosted is not None:
            z += self._boosted({k for k, v in f.items() if v})
        return _logistic(z)

    def score_description(self, f: dict[str, float]) -> float:
        """The probability that the description and chain with features `f` corefer."""
        w = self.description_weights
        return _logistic(self.description_intercept + sum(w.get(k, 0.0) * v for k, v in f.items()))

    def resolve_pronouns(
        self,
        d: Discourse,
        observe: Callable[[Mention, list[tuple[Chain, dict[str, float]]]], None] | None = None,
    ) -> None:
        """Attach each pronoun of `d` to its chain, in text order (`observe` sees each one's candidates)."""
        states = [ChainState() for _ in d.chains]
        recent: dict[int, None] = {}  # chain ids in the order of their latest mention
        speaker, most, first_person = -1, 0, -1
        for m in d.mentions:
            if m.kind == "pronoun" and not m.quoted:
                cands = _candidates(d, m, recent, states)
                if cands:
                    scored = self._rank(d, m, cands, speaker, most, first_person, observe)
                    c, _keys, p = max(scored, key=lambda x: x[2])
                    if p >= self.threshold:
                        m.chain, m.confidence = c.id, p
                        if c.id >= 0 and m.gender in states[c.id].pron_votes:
                            states[c.id].pron_votes[m.gender] += p
            speaker, most, first_person = _advance(d, states, m, speaker, most, first_person)
            if m.chain >= 0 and not m.quoted:
                recent.pop(m.chain, None)
                recent[m.chain] = None
        for c in d.chains:  # the pronouns resolved to a chain are evidence of its gender from here on
            s = states[c.id]
            for g in ("m", "f"):
                c.votes[g] += s.pron_votes[g]
            if (
                c.label in ("ORG", "GPE", "NORP", "WORK_OF_ART", "PRODUCT")
                and s.pron_votes["m"] + s.pron_votes["f"] >= 2
            ):
                c.label = "PERSON"  # 'he' and 'she' refer to it: a person whatever NER said
        d._index()

    def _rank(self, d, m, cands, speaker, most, first_person, observe):
        fits = {c.id: agreement(m, c, st) for c, st in cands}
        agreeing = [(c, st) for c, st in cands if fits[c.id] in _AGREEING]
        latest = {c.id: _last_start(st) for c, st in cands}
        order = sorted(cands, key=lambda cs: -latest[cs[0].id])
        g_order = sorted(agreeing, key=lambda cs: -latest[cs[0].id])
        # agreeing chains mentioned since each candidate's latest mention (by bisection of their latest mentions)
        since = sorted(latest[o.id] for o, _ in agreeing)
        between = {c.id: len(since) - bisect.bisect_right(since, latest[c.id]) for c, _ in cands}
        subjects = [c for c, st in g_order if st.last is not None and st.last.role in ("subj", "lead")]
        by_count = sorted(agreeing, key=lambda cs: (-cs[1].count, -latest[cs[0].id]))
        ctx = Context(
            {c.id: i for i, (c, _) in enumerate(order)},
            {c.id: i for i, (c, _) in enumerate(g_order)},
            between,
            {c.id: i for i, c in enumerate(subjects)},
            {c.id: i for i, (c, _) in enumerate(by_count)},
            len(agreeing),
            _salient(d, m, {c.id for c, _ in agreeing}),
            speaker,
            most,
            first_person,
            _after_subject(d, m),
        )
        out = []
        for c, st in cands:
            keys = pronoun_keys(d, m, c, st, ctx, fits[c.id])
            out.append((c, keys, self.score_keys(keys)))
        if observe is not None:
            observe(m, [(c, as_features(keys)) for c, keys, _ in out])
        return out

    @classmethod
    def from_json(cls, obj: dict) -> "CorefModel":
        """The model of a model file's JSON object."""
        desc = obj.get("description") or {}
        return cls(
            dict(obj["weights"]),
            float(obj["intercept"]),
            float(obj["threshold"]),
            float(obj.get("gap_threshold", 0.0)),
            dict(desc.get("weights") or {}),
            float(desc.get("intercept", 0.0)),
            float(desc.get("threshold", 0.0)),
            tuple(as_tree(t) for t in obj.get("trees") or ()),
        )


MAX_TREE_DEPTH = 16


def compile_trees(trees) -> Callable[[AbstractSet[str]], float]:
    """The trees (in their JSON form or as `Tree`s) as one Python function of the set of present feature names,
    returning the sum of the leaves it reaches: nested `if name in present` tests, compiled once per model.
    Walking the trees node by node costs twice as much (6.4 against 3.4 us per candidate,
    `python -m benchmarks.resolver_speed`), and the resolver scores about 20 candidates per article. Every
    tree is checked first (`as_tree`): the source holds only repr'd names and finite floats."""
    lines = ["def boosted(present):", " z = 0.0"]

    def emit(node: Tree, indent: str) -> None:
        if not isinstance(node, tuple):
            lines.append(f"{indent}z += {node!r}")
            return
        name, absent, present = node
        lines.append(f"{indent}if {name!r} in present:")
        emit(present, indent + " ")
        lines.append(f"{indent}else:")
        emit(absent, indent + " ")

    for tree in trees:
        emit(as_tree(tree), " ")
    lines.append(" return z")
    namespace: dict = {}
    exec(compile("\n".join(lines), "<coref trees>", "exec"), namespace)
    return namespace["boosted"]


def walk_trees(trees: tuple[Tree, ...], present: AbstractSet[str]) -> float:
    """The sum of the leaves the trees reach for the features in `present`, node by node: what `compile_trees`'
    function returns, for tests and benchmarks."""
    z = 0.0
    for node in trees:
        while isinstance(node, tuple):
            node = node[2] if node[0] in present else node[1]
        z += node
    return z


def as_tree(obj, depth: int = 0) -> Tree:
    """A tree from its JSON form, checked: a finite number (a leaf) or [feature name, absent, present], at most
    MAX_TREE_DEPTH deep; ValueError otherwise."""
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        if not math.isfinite(obj):
            raise ValueError(f"a tree's leaf is not a finite number: {obj!r}")
        return float(obj)
    if not isinstance(obj, (list, tuple)) or len(obj) != 3 or not isinstance(obj[0], str):
        raise ValueError(f"a tree's node is not [feature name, absent, present]: {obj!r:.80}")
    if depth >= MAX_TREE_DEPTH:
        raise ValueError(f"a tree is deeper than {MAX_TREE_DEPTH}")
    return (obj[0], as_tree(obj[1], depth + 1), as_tree(obj[2], depth + 1))


def _advance(
    d: Discourse, states: list[ChainState], m: Mention, speaker: int, most: int, first_person: int
) -> tuple[int, int, int]:
    """Count mention `m` (outside quotes, of a chain) in its chain's state; (speaker, most, first_person) after it."""
    if m.chain < 0 or m.quoted:
        return speaker, most, first_person
    s = states[m.chain]
    if first_person < 0 and d.chains[m.chain].person:
        first_person = m.chain
    s.count += 1
    s.pron_count += m.kind == "pronoun"
    s.last = m
    if s.first < 0:
        s.first = m.start
    if m.role in ("subj", "lead"):
        s.subj_sents.add(m.sent)
    if m.speech:
        s.last_speech = m.start
        speaker = m.chain
    return speaker, max(most, s.count), first_person


MAX_STATE_MENTIONS = 600  # mentions counted back from a position (bounds the work per description)


def state_at(d: Discourse, pos: int) -> tuple[list[ChainState], int, int, int]:
    """Each chain's state from the mentions before `pos` (pronouns as resolved), the current speaker, the
    count of the most mentioned chain and the first person."""
    states = [ChainState() for _ in d.chains]
    speaker, most, first_person = -1, 0, -1
    k = d.before(pos)
    for m in d.mentions[max(0, k - MAX_STATE_MENTIONS) : k]:
        speaker, most, first_person = _advance(d, states, m, speaker, most, first_person)
    return states, speaker, most, first_person


def _salient(d: Discourse, m: Mention, agreeing: set[int]) -> int:
    """The chain of the first agreeing mention in the latest sentence before `m` that has one: the subject
    a reader takes 'he' to continue, more often than the last name before the pronoun."""
    k = d.before(m.start) - 1
    sent = -1
    found = -1
    while k >= 0:
        n = d.mentions[k]
        if n.sent < sent:
            break
        if n.chain in agreeing and not n.quoted and n.start < m.start:
            sent, found = n.sent, n.chain
        k -= 1
    return found


def _after_subject(d: Discourse, m: Mention) -> int:
    """The chain of the first named subject after pronoun `m` in its sentence, if its verb is above the pronoun
    ('During her first term, Roe ...', 'Although he lost, Roe ...'): the main clause's subject that a preposed
    phrase's pronoun anticipates; -1: none (no parse, no such subject, or the first is another clause's)."""
    p = d.parse
    if p is None or m.token < 0:
        return -1
    k = d.before(m.end)
    for n in d.mentions[k : k + MAX_CATAPHORA_MENTIONS]:
        if n.sent != m.sent:
            break
        if n.role == "subj" and n.kind == "name" and n.chain >= 0 and not n.quoted and n.token >= 0:
            verb = p.head[n.token]
            return n.chain if verb != n.token and verb in set(p.ancestors(m.token)) else -1
    return -1


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _last_start(s: ChainState) -> int:
    return s.last.start if s.last is not None else -1


MAX_CANDIDATES = 8  # the fitting chains mentioned most recently: the candidates of a pronoun
MAX_RECENT = 24  # chains looked at for them (bounds the work per pronoun on any input)
MAX_CATAPHORA_MENTIONS = 6  # names looked at after a pronoun in its sentence


def _candidates(
    d: Discourse, m: Mention, recent: dict[int, None], states: list[ChainState]
) -> list[tuple[Chain, ChainState]]:
    """The chains mentioned (outside quotes) within MAX_SENTENCES_BACK sentences before `m` (at most the
    MAX_CANDIDATES latest, `recent` holding chain ids by their latest mention), with their state, and those
    first named just after it in its own sentence (cataphora: 'After his win, Roe ...')."""
    out = []
    for cid in reversed(list(recent)[-MAX_RECENT:]):
        c, s = d.chains[cid], states[cid]
        if s.last is None or m.sent - s.last.sent > MAX_SENTENCES_BACK or c.label == "MERGED":
            continue
        if m.gender == "n" and c.label not in _THINGS:
            continue  # 'it' is no person's
        if m.gender in PERSONAL and c.label in _THINGS and not c.name_like:
            continue  # 'he' is no organisation's, place's or work's
        out.append((c, s))
    out = out[:MAX_CANDIDATES]
    seen = {c.id for c, _ in out}
    k = d.before(m.end)
    for n in d.mentions[k : k + MAX_CATAPHORA_MENTIONS]:
        if n.sent != m.sent:
            break
        if n.kind == "name" and n.chain >= 0 and n.chain not in seen and not n.quoted and m.gender != "n":
            seen.add(n.chain)
            if states[n.chain].last is None:
                out.append((d.chains[n.chain], ChainState(last=n, first=n.start)))
    return out


@lru_cache(maxsize=4)
def load_resolver(path: str = str(MODEL_PATH)) -> CorefModel:
    """The resolver stored at `path` (default: the model shipped with the package), read once."""
    p = Path(path)
    if not p.exists():
        return UNTRAINED
    return CorefModel.from_json(json.loads(p.read_text(encoding="utf-8")))


# Before any training: the nearest agreeing chain, the subject of the sentences before preferred.
UNTRAINED = CorefModel(
    {
        "agree=agree": 3.0,
        "agree=weak_agree": 2.0,
        "agree=unknown": 1.0,
        "agree=sure_conflict": -4.0,
        "agree=prior_conflict": -2.0,
        "agree=type_conflict": -5.0,
        "agree=plural_group": 1.0,
        "agree=neuter_org": 1.0,
        "subj_prev": 1.0,
        "subj_same": 1.0,
        "rank=0": 1.0,
        "rank=1": 0.5,
        "cataphor": -2.0,
    },
    -2.0,
    0.0,
    0.0,
    {
        "match=role": 2.0,
        "match=role_phrase": 2.5,
        "match=age": 2.0,
        "match=name_head": 2.0,
        "match=org_noun": 1.0,
        "rank=0": 1.0,
    },
    -1.0,
    0.0,
)

__all__ = ["CorefModel", "MODEL_PATH", "load_resolver", "pronoun_features", "agreement"]
