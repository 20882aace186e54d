"""Who is who in one article: chains of mentions of each person and organisation, built once per article.

From the entities stage's canonical entities and its compact parse (no model runs here), each
chain holds a person's or organisation's name mentions, the titles and roles the article gives
it ('Mayor Jane Roe', 'Roe, the city's mayor,', 'Roe, 64,'), its gender from the article's own
evidence (gendered titles and nouns, the pronouns resolved to it; the given-name list is only a
weak prior) and its type from evidence (a name with a personal title, or that 'he'/'she' refers
to, is a person whatever NER said; works, products and dates never speak). Third-person pronouns
outside quotation marks are resolved in text order by the trained resolver of
services/quotes/coref.py, each attached to its chain, so that a later pronoun sees who was
talked about. Two people who share a surname stay two chains: a bare surname goes to the one
named in full most recently.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Sequence

from shared.core.events import Entity
from shared.core.parse import CompactParse
from shared.lexicon.names import first_name_gender
from shared.lexicon.roles import ORGANISATION_NOUNS, PRONOUN_FORMS, looks_like_person_noun, noun_gender
from shared.lexicon.speech import QUOTE_CUES, REPORTING_VERBS, SPEECH_LEMMAS
from shared.lexicon.titles import FEMALE_TITLES, MALE_TITLES, TITLE_ABBREVIATIONS, TITLES
from shared.lexicon.vocabulary import (
    COMPANY_NOUNS,
    COUNTRIES,
    DEMONYM_ENDINGS,
    ORG_AFTER,
    ORG_HEADS,
    ORG_POSSESSED,
    PARTY_RANK,
    PLACE_HEADS,
    RANK_TITLES,
)
from shared.text.sentences import sentences
from shared.text.spans import spans_within

# Labels whose chains may speak; other labelled names (works, products, events, laws) are chains that never do.
SPEAKING_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# NAME: a proper noun the parse shows and NER left unlabelled; it may be a person.
CHAIN_LABELS = SPEAKING_LABELS | frozenset({"FAC", "LOC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
# Title words that are no role ('her', 'his', 'family'): nameparser's list holds a few such.
_NOT_ROLES = frozenset("her his the a an family first high grand english british federal air law".split())
ROLE_WORDS = (
    frozenset(t for t in TITLES if t.isalpha() and t not in _NOT_ROLES)
    | RANK_TITLES
    | frozenset({"constable", "const", "spokesman", "spokeswoman", "spokesperson", "mp", "mla", "mpp"})
)
_PREPOSITIONS = frozenset("by of with to for from about against in on at into over under than among between".split())
# the first-letter lookahead turns most positions away before the alternation is tried (twice as fast)
_PRONOUN = re.compile(
    r"\b(?=["
    + "".join(sorted({w[0] + w[0].upper() for w in PRONOUN_FORMS}))
    + r"])(?:"
    + "|".join(sorted(PRONOUN_FORMS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_AGE = re.compile(r",\s+(\d{1,3}),")
_AGE_BEFORE = re.compile(r"(\d{1,3})-year-old\s+$")
# an apposition after a name in a sentence without a parse: ', the city's mayor,' / ', a spokeswoman for Acme.'
_APPOS_AFTER = re.compile(
    r",\s+(?:(?:a|an|the)\s+|(?:[A-Z][\w.'\u2019-]*\s+)+)([^,.;:()\"\u201c\u201d]{1,60}?)(?=[,.;]|\s+(?:who|which|said|says)\b)"
)
_APPOS_BEFORE = re.compile(r"(?:^|\b)(?:the|a|an|its|his|her|their)\s+([A-Za-z][\w'\u2019 -]{0,50}?),\s*$")
SPEECH_FORMS = QUOTE_CUES | REPORTING_VERBS
_BEFORE_VERB = frozenset("has have had also later then has had will would again".split())
_THING_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART", "NAME"})
_TITLE_WORDS = ROLE_WORDS | MALE_TITLES | FEMALE_TITLES
# Pronouns of things and groups that never speak and give no gender: not resolved (their subject forms are)
UNRESOLVED_FORMS = frozenset("its itself their theirs them themselves".split())
# 'it is', 'it was clear that', 'it seems': 'it' standing for no one
_EXPLETIVE = re.compile(
    r"\s+(?:is|was|'s|\u2019s|has been|had been|would be|will be|could be|may be|might be|seems|seemed|appears|appeared|remains|remained|takes|took|looks|looked|became|becomes|is not|was not|isn't|wasn't)\b"
)
_HEAD_CUT = re.compile(r"\s(?:of|for|at|in|with|from|on|to|and|who|whose|which)\s.*$")


@dataclass(slots=True)
class Mention:
    """One mention of someone or something in the text: a name, a pronoun or a description."""

    start: int
    end: int
    kind: str  # name | pronoun
    sent: int  # index of its sentence
    para: int  # index of its paragraph
    role: str  # subj | obj | poss | pobj | appos | mod | other (parsed); lead | ? (not parsed)
    quoted: bool  # inside quotation marks
    word: str = ""  # a pronoun's lowercase form
    gender: str = ""  # a pronoun's: m | f | pl | n
    chain: int = -1  # its chain, -1: none (a pronoun left unresolved)
    token: int = -1  # its head token in the parse, -1: not parsed
    speech: bool = False  # the subject of a speech verb
    confidence: float = 1.0  # for a pronoun: the resolver's probability


@dataclass(slots=True)
class Chain:
    """One person or organisation (or a thing that never speaks) and everything the article calls it."""

    id: int
    name: str
    label: str
    mentions: list[int] = field(default_factory=list)  # indices into Discourse.mentions, in text order
    roles: dict[str, str] = field(default_factory=dict)  # role head word -> the role as the article writes it
    ages: set[str] = field(default_factory=set)
    votes: dict[str, float] = field(default_factory=lambda: {"m": 0.0, "f": 0.0})  # the article's own evidence
    prior: str | None = None  # the given-name list's gender (weak)
    prior_sure: bool = False  # the list calls the name male or female, not 'mostly'
    titled: bool = False  # a personal title or role stands before one of its names
    name_like: bool = False  # labelled otherwise, but its name may be a person's ('Magee', 'Alice Roe')
    organisation: bool = False  # the article treats it as an organisation ('company Acme', "Acme's shares")
    topic: str = ""  # how the article's title (a headline, a page's subject) names it: 'full', 'surname' or ''

    @property
    def person(self) -> bool:
        """Whether the chain is a person (by NER, a personal title, a given name, or 'he'/'she' resolved to it)."""
        return self.label == "PERSON"

    @property
    def speaks(self) -> bool:
        """Whether the chain can be a speaker: people, organisations, places as their governments, groups."""
        return self.label in SPEAKING_LABELS

    def gender(self) -> tuple[str | None, bool]:
        """(gender, sure): the article's evidence first ('sure'), else the given-name prior."""
        m, f = self.votes["m"], self.votes["f"]
        if m != f:
            return ("m" if m > f else "f"), True
        return self.prior, False


class Discourse:
    """The chains and mentions of one article, pronouns resolved; built by `build_discourse`."""

    def __init__(self, text: str, parse: CompactParse | None, quoted: Sequence[tuple[int, int]]):
        self.text = text
        self.parse = parse
        self.quoted = sorted(quoted)
        self.sents = sentences(text) or [(0, len(text))]
        self.sent_starts = [s for s, _ in self.sents]
        self.paras = _paragraph_starts(text)
        self.mentions: list[Mention] = []
        self.chains: list[Chain] = []
        self._starts: list[int] = []

    # --- where things are -------------------------------------------------------------------

    def sentence_of(self, pos: int) -> int:
        """The index of the sentence holding `pos`."""
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def paragraph_of(self, pos: int) -> int:
        """The index of the paragraph holding `pos`."""
        return max(0, bisect.bisect_right(self.paras, pos) - 1)

    def in_quote(self, pos: int) -> bool:
        """Whether `pos` lies inside a quoted range."""
        i = bisect.bisect_right(self.quoted, (pos, 1 << 60)) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def mention_at(self, start: int, end: int) -> Mention | None:
        """The mention lying within text[start:end] (the first one), or None."""
        k = bisect.bisect_left(self._starts, start)
        if k < len(self.mentions) and self.mentions[k].start < end:
            return self.mentions[k]
        return None

    def mentions_within(self, start: int, end: int) -> list[Mention]:
        """The mentions lying within text[start:end], in order."""
        return spans_within(self.mentions, self._starts, start, end)

    def before(self, pos: int) -> int:
        """How many mentions start before `pos`."""
        return bisect.bisect_left(self._starts, pos)

    def chain_of(self, m: Mention) -> Chain | None:
        """The chain a mention belongs to (None: an unresolved pronoun)."""
        return self.chains[m.chain] if m.chain >= 0 else None

    # --- building ---------------------------------------------------------------------------

    def _add(self, m: Mention) -> None:
        self.mentions.append(m)

    def _index(self) -> None:
        self.mentions.sort(key=lambda m: (m.start, m.end))
        self._starts = [m.start for m in self.mentions]
        for c in self.chains:
            c.mentions = []
        for i, m in enumerate(self.mentions):
            if m.chain >= 0:
                self.chains[m.chain].mentions.append(i)

    def mention(self, start: int, end: int, kind: str) -> Mention:
        """A mention record for text[start:end] with its sentence, paragraph and grammatical role."""
        sent_starts = self.sent_starts
        token, role, speech = _role(self.parse, self.text, start, end, sent_starts)
        # sentence_of, paragraph_of and in_quote inline: one call per mention, many mentions per article
        sent = bisect.bisect_right(sent_starts, start) - 1
        para = bisect.bisect_right(self.paras, start) - 1
        q = bisect.bisect_right(self.quoted, (start, 1 << 60)) - 1
        quoted = q >= 0 and self.quoted[q][0] <= start < self.quoted[q][1]
        return Mention(start, end, kind, max(0, sent), max(0, para), role, quoted, "", "", -1, token, speech)


def build_discourse(
    text: str,
    entities: Sequence[Entity],
    parse: CompactParse | None,
    quoted: Sequence[tuple[int, int]],
    resolver=None,
    masked: tuple[int, int, str] | None = None,
    observe=None,
    topic: str = "",
) -> Discourse:
    """The article's chains: names from `entities`, titles, roles and gender evidence, pronouns resolved.

    `resolver` (services/quotes/coref.py; default: the packaged model) resolves each pronoun;
    `masked` = (start, end, pronoun) reads the name at text[start:end] as that pronoun instead (as no
    mention at all when the pronoun is '')
    (the training script makes pronoun cases from named attributions with it); `observe(mention,
    candidates)` sees each pronoun's candidate chains and their features; `topic` is the article's title
    (a headline, a page's subject): the chains it names are the article's topic.
    """
    d = Discourse(text, parse, quoted)
    _name_chains(d, entities, masked)
    _split_shared_surnames(d)
    _titles_and_roles(d)
    _organisation_evidence(d)
    _priors(d)
    _mark_topic(d, topic)
    _pronouns(d, masked)
    d._index()
    if resolver is None:
        from services.quotes.coref import load_resolver

        resolver = load_resolver()
    resolver.resolve_pronouns(d, observe)
    return d


def _paragraph_starts(text: str) -> list[int]:
    starts, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(pos)
        pos += len(line) + 1
    return starts or [0]


def _name_chains(d: Discourse, entities: Sequence[Entity], masked: tuple[int, int, str] | None) -> None:
    """One chain per entity of a chain label; a title-and-surname entity ('Justice Roe') joins the full name's."""
    by_key: dict[tuple[str, str], int] = {}
    for e in entities:
        if e.label not in CHAIN_LABELS or not e.mentions:
            continue
        cid = by_key.get((e.name, e.label))
        if cid is None:
            cid = len(d.chains)
            by_key[(e.name, e.label)] = cid
            d.chains.append(Chain(cid, e.name, e.label))
        for m in e.mentions:
            if masked is not None and m.start < masked[1] and masked[0] < m.end:
                continue
            mention = d.mention(m.start, m.end, "name")
            mention.chain = cid
            d._add(mention)
    _parsed_names(d, entities)
    _join_titled_surnames(d)


def _parsed_names(d: Discourse, entities: Sequence[Entity]) -> None:
    """Runs of proper nouns in parsed sentences that NER left unlabelled ('Hartwig began ...'): mentions of
    the person with that surname, else of a chain of their own that may be a person (label NAME)."""
    p, text = d.parse, d.text
    if p is None or not len(p):
        return
    taken = sorted((m.start, m.end) for e in entities for m in e.mentions)
    starts = [a for a, _ in taken]
    surname = {c.name.split()[-1]: c.id for c in d.chains if c.label == "PERSON" and c.name.split()}
    own: dict[str, int] = {}
    for i, j in _proper_noun_runs(p):
        lo, hi = p.start[i], p.end[j - 1]
        k = bisect.bisect_left(starts, hi) - 1
        if k >= 0 and taken[k][1] > lo:
            continue  # an entity's mention overlaps the run
        words = [w for w in text[lo:hi].split() if w[:1].isupper()]
        if words and all(w.isalpha() and not w.isupper() for w in words):
            last = words[-1]
            cid = surname.get(last, own.get(text[lo:hi]))
            if cid is None:
                cid = len(d.chains)
                own[text[lo:hi]] = cid
                d.chains.append(Chain(cid, " ".join(words), "NAME"))
            mention = d.mention(lo, hi, "name")
            mention.chain = cid
            d._add(mention)


def _proper_noun_runs(p: CompactParse) -> list[tuple[int, int]]:
    """The token ranges [i, j) of the runs of proper nouns (NNP, NNPS) within a parsed sentence, in order.

    The proper nouns are picked out in one pass over the tags; only they are looked at token by token."""
    proper = [i for i, t in enumerate(p.tag) if t == "NNP" or t == "NNPS"]
    runs = []
    k, n = 0, len(proper)
    while k < n:
        i = proper[k]
        sent = p.sent_of(i)
        j, k = i + 1, k + 1
        while k < n and proper[k] == j and p.sent_of(j) == sent:
            j, k = j + 1, k + 1
        runs.append((i, j))
    return runs


_TITLE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _mark_topic(d: Discourse, topic: str) -> None:
    """Mark the chains the title names: by their full name, or by a surname (a name's last word, or a
    one-word name)."""
    if not topic:
        return
    title = [_possessive_stripped(w) for w in _TITLE_WORD.findall(topic)]
    words = {w for w in title if w[:1].isupper()}
    # A title that is a person's name ('Jane Roe', a page's subject) tells the type and gender of the
    # chains it names by their surname alone or by the same given name.
    gender, sure = first_name_gender(title[0]) if 2 <= len(title) <= 4 and len(words) == len(title) else (None, False)
    for c in d.chains:
        parts = c.name.split()
        if parts and len(parts[-1]) > 1 and parts[-1] in words:
            c.topic = "full" if len(parts) > 1 and all(p in words for p in parts) else "surname"
            if gender is not None and parts[-1] == title[-1] and (len(parts) == 1 or parts[0] == title[0]):
                if c.label != "PERSON" and not c.organisation and c.label != "MERGED":
                    c.label = "PERSON"
                c.prior, c.prior_sure = gender, sure  # the title's given name, not a surname read as one


def _possessive_stripped(word: str) -> str:
    for end in ("'s", "’s", "'", "’"):
        if word.endswith(end):
            return word[: -len(end)]
    return word


def _join_titled_surnames(d: Discourse) -> None:
    """'Justice Roe' or 'Coach Roe' as a chain of its own, where the article names a 'Jane Roe': one person."""
    full: dict[str, list[int]] = {}
    for c in d.chains:
        words = c.name.split()
        if c.label == "PERSON" and len(words) >= 2:
            full.setdefault(words[-1].lower(), []).append(c.id)
    for c in d.chains:
        words = c.name.split()
        if len(words) < 2 or not all(w.lower().rstrip(".") in ROLE_WORDS for w in words[:-1]):
            continue
        targets = [t for t in full.get(words[-1].lower(), []) if t != c.id]
        if len(targets) == 1:
            target = d.chains[targets[0]]
            target.roles.setdefault(words[-2].lower().rstrip("."), " ".join(words[:-1]).lower())
            for m in d.mentions:
                if m.chain == c.id:
                    m.chain = target.id
            c.label = "MERGED"


def _split_shared_surnames(d: Discourse) -> None:
    """A surname alone, where two people of the article share it, is the one it already stood for (twice or
    more: 'Roe' established as Carly Roe stays hers after 'her husband, Frank Roe'), else the one named in full
    most recently."""
    d.mentions.sort(key=lambda m: m.start)
    by_surname: dict[str, list[int]] = {}
    for c in d.chains:
        words = c.name.split()
        if c.label == "PERSON" and len(words) >= 2:
            by_surname.setdefault(words[-1].lower(), []).append(c.id)
    shared = {s: ids for s, ids in by_surname.items() if len(ids) > 1}
    if not shared:
        return
    last_full: dict[int, int] = {}
    bare_uses: dict[int, int] = {}
    for m in d.mentions:
        surface = d.text[m.start : m.end].split()
        if m.chain < 0 or not surface:
            continue
        c = d.chains[m.chain]
        key = surface[-1].lower().removesuffix("'s").removesuffix("\u2019s")
        if len(surface) >= 2 and m.chain in shared.get(c.name.split()[-1].lower(), ()):
            last_full[m.chain] = m.start
        elif key in shared and len([w for w in surface if w.lower().rstrip(".") not in ROLE_WORDS]) == 1:
            established = max(shared[key], key=lambda i: bare_uses.get(i, 0))
            named = [(last_full[i], i) for i in shared[key] if i in last_full]
            if bare_uses.get(established, 0) >= 2:
                m.chain = established
            elif named:
                m.chain = max(named)[1]
            bare_uses[m.chain] = bare_uses.get(m.chain, 0) + 1


def _titles_and_roles(d: Discourse) -> None:
    """Titles before names ('Mayor Jane Roe', 'Mrs Roe'), appositions (', the city's mayor,', ', 64,') and
    roles before a name ('the mayor, Jane Roe'): roles, ages and gender votes of each chain."""
    text = d.text
    for m in d.mentions:
        if m.chain < 0 or m.quoted:
            continue
        c = d.chains[m.chain]
        lo = d.sents[m.sent][0]
        inner = text[m.start : m.end].split()[:-1] if c.label == "PERSON" else []
        words = text[lo : m.start].rsplit(None, 4)[-4:] + inner  # the last four words before the name
        title_words: list[str] = []
        for w in reversed(words):
            low = w.lower().rstrip(".,")
            if low in ROLE_WORDS or low in MALE_TITLES or low in FEMALE_TITLES:
                title_words.insert(0, low)
            elif title_words or not w[:1].isupper():
                break
        for t in title_words:
            if t in MALE_TITLES:
                c.votes["m"] += 3
            elif t in FEMALE_TITLES:
                c.votes["f"] += 3
            elif t in ROLE_WORDS and looks_like_person_noun(t, ROLE_WORDS):
                c.roles.setdefault(t, " ".join(title_words))
                c.titled = True
            for role in TITLE_ABBREVIATIONS.get(t, ()):  # 'Sen. Roe' is 'the senator'
                c.roles.setdefault(role, role)
                c.titled = True
        if any(t in MALE_TITLES or t in FEMALE_TITLES for t in title_words) and c.label in _THING_LABELS:
            c.label = "PERSON"  # 'Mrs Roe' labelled ORG: a person whatever NER said
        _appositions(d, m, c)


def _appositions(d: Discourse, m: Mention, c: Chain) -> None:
    """Ages (', 64,' / '64-year-old Jane Roe') and roles set beside a name, from the parse where it reaches."""
    text = d.text
    after = text[m.end : min(d.sents[m.sent][1], m.end + 90)]
    before = text[max(d.sents[m.sent][0], m.start - 60) : m.start]
    # each pattern runs only where its first mark is there (', 64,' opens with the comma)
    for age in (
        _AGE.match(after) if after[:1] == "," else None,
        _AGE_BEFORE.search(before) if "-year-old" in before else None,
    ):
        if age:
            c.ages.add(age.group(1))
    if d.parse is not None and m.token >= 0:
        _parsed_roles(d.parse, text, m.token, c)
    else:
        _text_roles(after, _without_titles(before), c)


def _parsed_roles(p: CompactParse, text: str, t: int, c: Chain) -> None:
    """Roles of the name headed by token t: its apposition ('Roe, the mayor,'), the common noun before it
    ('party leader Roe'), the noun it stands in apposition to ('the mayor, Roe'), 'Roe is the mayor'."""
    for k in p.children(t):
        if p.dep[k] == "appos" and _role_noun(p, k, text):
            _add_role(c, p.token_text(k, text), _phrase(p, k, text))
        elif p.dep[k] in ("compound", "amod", "nmod") and k < t and p.tag[k] in ("NN", "NNS"):
            _add_role(c, p.token_text(k, text), p.token_text(k, text))
    h = p.head[t]
    if p.dep[t] == "appos" and h != t and _role_noun(p, h, text):
        _add_role(c, p.token_text(h, text), _phrase(p, h, text))
    if p.dep[t] == "nsubj" and p.lemma_of(h, text) == "be":
        for k in p.children(h):
            if p.dep[k] == "attr" and _role_noun(p, k, text):
                _add_role(c, p.token_text(k, text), _phrase(p, k, text))


def _without_titles(before: str) -> str:
    """The text before a name without the titles right before it ('..., Dr ' -> '..., ')."""
    words = before.rstrip().split(" ")
    while words and words[-1][:1].isupper() and words[-1].lower().rstrip(".") in _TITLE_WORDS:
        words.pop()
    return " ".join(words) + " " if len(words) < len(before.rstrip().split(" ")) else before


def _text_roles(after: str, before: str, c: Chain) -> None:
    """Without a parse: the comma-set phrase right after the name, or right before it."""
    # a phrase before the name ends with a comma: no costly search where none does
    for found in (_APPOS_AFTER.match(after), _APPOS_BEFORE.search(before) if before.rstrip().endswith(",") else None):
        if found is None or found.group(1)[:1].isdigit():
            continue
        words = _HEAD_CUT.sub("", found.group(1)).split()
        head = words[-1] if words else ""
        if head.isalpha() and (head.islower() or head.lower() in ROLE_WORDS):
            _add_role(c, head, found.group(1).strip())


def _add_role(c: Chain, head: str, phrase: str) -> None:
    """A role the article gives the chain ('mayor' of 'the city's mayor'), if its head can name a person."""
    head = head.lower()
    if not head.isalpha() or len(head) < 2 or not (looks_like_person_noun(head, ROLE_WORDS) or head.isupper()):
        return
    c.roles.setdefault(head, phrase.lower())
    g = noun_gender(head)
    if g is not None:
        c.votes[g] += 2
        if c.label in _THING_LABELS:
            c.label = "PERSON"


def _role_noun(p: CompactParse, k: int, text: str) -> bool:
    """Whether token k is a common noun (or an acronym role such as 'MP', 'CEO') that can head a role."""
    if p.tag[k] in ("NN", "NNS"):
        return True
    word = p.token_text(k, text)
    return p.tag[k] in ("NNP", "NNPS") and (word.lower() in ROLE_WORDS or word.isupper() and len(word) <= 4)


def _phrase(p: CompactParse, k: int, text: str) -> str:
    lo, hi = p.subtree(k)
    cut = next((t for t in range(k + 1, hi) if p.dep[t] in ("relcl", "acl", "punct", "cc")), hi)
    return text[p.start[lo] : p.end[max(lo, cut - 1)]]


_ORG_NOUNS = ORGANISATION_NOUNS | COMPANY_NOUNS  # 'company Acme', 'the charity Oxfam'


def _organisation_evidence(d: Discourse) -> None:
    """A name the article treats as an organisation's ('company Acme', "Acme's shares", 'an Acme spokesman')
    is no person whatever its shape."""
    text = d.text
    for m in d.mentions:
        if m.chain < 0:
            continue
        c = d.chains[m.chain]
        if c.label == "PERSON":
            continue
        before = text[max(0, m.start - 30) : m.start].split()
        after = text[m.end : m.end + 40].replace("\u2019", "'").split()
        noun_before = bool(before) and before[-1].lower() in _ORG_NOUNS
        owns = text[m.end : m.end + 2] in ("'s", "\u2019s") and any(
            w.lower().strip(",.") in ORG_POSSESSED for w in after[1:3]
        )
        spokesman = bool(after) and after[0].lower() in ORG_AFTER
        if noun_before or owns or spokesman:
            c.organisation = True
        if noun_before:
            c.roles.setdefault(before[-1].lower(), before[-1].lower())  # 'company Acme': the company


def _priors(d: Discourse) -> None:
    """Each person's gender as the given-name list has it: a weak prior the article's evidence overrides;
    a name NER labelled otherwise that may still be a person's (no organisation or place word, no country)."""
    for c in d.chains:
        words = c.name.split()
        c.name_like = (
            c.label != "PERSON"
            and (c.label == "NAME" or 1 <= len(words) <= 3)
            and all(w[:1].isupper() and not w.isupper() for w in words)
            and not any(w.lower() in ORG_HEADS or w.lower() in PLACE_HEADS for w in words)
            and c.name.lower() not in COUNTRIES
            and c.name.lower() not in PARTY_RANK
            and not (c.label == "NORP" and c.name.lower().endswith(DEMONYM_ENDINGS))
            and not c.organisation
        )
        if c.name_like and any(looks_like_person_noun(r, ROLE_WORDS) and not r.isupper() for r in c.roles):
            c.label = "PERSON"  # 'Hartwig, a secretary,' / 'Hartwig was a secretary': a person whatever NER said
        if c.label not in ("PERSON", "ORG", "GPE", "NORP", "NAME") or not words:
            continue
        g, sure = first_name_gender(words[0])
        if g is None:
            continue
        c.prior, c.prior_sure = g, sure
        if c.label != "PERSON" and len(words) >= 2 and sure and not any(w.lower() in ORG_HEADS for w in words):
            c.label = "PERSON"  # 'Karl Roe' labelled ORG: a given name makes a person


def _pronouns(d: Discourse, masked: tuple[int, int, str] | None) -> None:
    """Third-person pronouns outside quotation marks as mentions to resolve (and the masked name, as one)."""
    text = d.text
    found = [(m.start(), m.end(), m.group(0).lower()) for m in _PRONOUN.finditer(text)]
    if masked is not None and masked[2]:
        found.append(masked)
    for start, end, word in found:
        if word in UNRESOLVED_FORMS or d.in_quote(start) or word == "it" and _EXPLETIVE.match(text, end):
            continue
        gender, case = PRONOUN_FORMS[word]
        m = d.mention(start, end, "pronoun")
        m.word, m.gender = word, gender
        if m.role in ("?", "lead", "other"):
            m.role = _pronoun_case(text, word, case, end, m.role)
        d._add(m)


def _pronoun_case(text: str, word: str, case: str, end: int, role: str) -> str:
    """A pronoun's role where the parse has none: its case ('him': obj), 'her' by the word after it."""
    if word == "her":
        nxt = text[end : end + 20].split()
        return (
            "poss" if nxt and nxt[0][:1].isalpha() and nxt[0][:1].islower() and nxt[0] not in _PREPOSITIONS else "obj"
        )
    return {"subj": "subj", "obj": "obj", "poss": "poss", "refl": "obj"}[case]


_REPORTED = frozenset({"ccomp", "xcomp", "pcomp", "csubj"})


def _speaks(p: CompactParse, verb: int, text: str) -> bool:
    """Whether `verb` is a speech verb whose subject is a speaker of the article: not one inside what
    someone else said ('Roe said Doe asked for it': Doe is reported, Roe speaks)."""
    if p.lemma_of(verb, text).lower() not in SPEECH_LEMMAS:
        return False
    v = verb
    while p.dep[v] == "conj" and p.head[v] != v:
        v = p.head[v]
    return p.dep[v] not in _REPORTED


# A name's role by the dependency label of its head (after 'conj' and 'appos' are followed up).
ROLE_OF_DEP = {
    **dict.fromkeys(("nsubj", "nsubjpass", "csubj"), "subj"),
    **dict.fromkeys(("dobj", "dative", "iobj", "oprd", "attr"), "obj"),
    "pobj": "pobj",
    "poss": "poss",
    "appos": "appos",
    **dict.fromkeys(("compound", "amod", "nmod"), "mod"),
}


def _role(p: CompactParse | None, text: str, start: int, end: int, sent_starts: list[int]) -> tuple[int, str, bool]:
    """(head token, grammatical role, subject of a speech verb) of text[start:end]."""
    if p is not None and p.start:
        toks = p.tokens_between(start, end)
        if toks and p.sent_of(toks.start) is not None:
            role, speech = _parsed_role(p, text, head := _phrase_head(p.head, toks))
            return head, role, speech
    return -1, *_text_role(text, start, end, sent_starts)


def _phrase_head(heads: Sequence[int], toks: range) -> int:
    """The first token of `toks` whose head lies outside them (or is itself), else the last token."""
    lo, hi = toks.start, toks.stop
    for t in toks:
        h = heads[t]
        if h == t or not lo <= h < hi:
            return t
    return hi - 1


def _parsed_role(p: CompactParse, text: str, head: int) -> tuple[str, bool]:
    """The role of a parsed name's head token, and whether it is a speaker's (a speech verb's subject)."""
    h, dep = head, p.dep[head]
    # 'Roe and Doe said': both are subjects; "said Acme's chief, Jane Roe": the apposition is the subject
    while dep in ("conj", "appos") and p.head[h] != h:
        h = p.head[h]
        dep = p.dep[h]
    role = ROLE_OF_DEP.get(dep, "other")
    if role == "subj":
        return role, _speaks(p, p.head[h], text)
    if role == "pobj" and p.dep[p.head[h]] == "agent":  # 'was said by Roe'
        return "subj", _speaks(p, p.head[p.head[h]], text)
    return role, False


def _text_role(text: str, start: int, end: int, sent_starts: list[int]) -> tuple[str, bool]:
    """Without a parse: a possessive, a preposition's object, a speech verb's subject ('Roe said'), the
    name opening its sentence (after an introduction or a title), else unknown ('?')."""
    if text[end : end + 2] in ("'s", "\u2019s") or text[end : end + 1] in ("'", "\u2019"):
        return "poss", False
    prev = text[max(0, start - 20) : start].split()
    if prev and prev[-1].lower() in _PREPOSITIONS:
        return "pobj", False
    nxt = [w.strip(",.;:").lower() for w in text[end : end + 40].split()[:3]]
    if nxt and (nxt[0] in SPEECH_FORMS or len(nxt) > 1 and nxt[0] in _BEFORE_VERB and nxt[1] in SPEECH_FORMS):
        return "subj", True  # 'Roe said', 'Roe has warned'
    k = bisect.bisect_right(sent_starts, start) - 1
    lead = text[sent_starts[k] if k >= 0 else 0 : start].strip()
    if not lead or lead.endswith(",") and len(lead.split()) <= 8 or lead.lower() in ("but", "and", "however,"):
        return "lead", False
    if _only_titles(lead.split()):
        return "lead", False  # 'Shadow home secretary Jane Roe was ...': the title before the subject
    return "?", False


_NOT_IN_TITLES = frozenset(
    "of in on at to for with by from and but that which who whom is was were are be been has have had will would not".split()
)


def _only_titles(words: list[str]) -> bool:
    """Whether the words before a name can only be its title ('Conservative shadow home secretary'):
    a few words, none a function word or verb-like."""
    if not words or len(words) > 6:
        return False
    for w in words:
        low = w.lower().strip(",")
        if (
            low in _NOT_IN_TITLES
            or w[:1].islower()
            and low.endswith(("ed", "ing", "ly"))
            or not low.replace("-", "").replace(".", "").isalpha()
        ):
            return False
    return True


__all__ = ["Chain", "Discourse", "Mention", "ROLE_WORDS", "SPEAKING_LABELS", "build_discourse"]
