"""Turning a speaker phrase into the canonical speaker: pronoun, name, or description.

Works from `text` and the entities stage's output; with no entities it falls back to
capitalised-name rules on the text alone. Each kind of phrase has its resolver:
`pronouns` (he, she, they, it), `named` (an entity, a surname, a joint speaker) and
`descriptions` ('the minister', 'a spokesman'); `mentions` holds what they share.
"""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

from services.quotes.coref import load_resolver
from services.quotes.description_coref import resolve_description
from services.quotes.descriptions import description, is_fragment, is_unnamed
from services.quotes.discourse import Discourse, build_discourse
from services.quotes.documents import document_issuer
from services.quotes.mentions import ArticleMentions, EntityMention, names_from_text  # noqa: F401  (re-exported)
from services.quotes.named import NameResolver
from services.quotes.pronouns import PronounResolver
from shared.core.events import Entity
from shared.core.parse import CompactParse
from shared.lexicon.function_words import DETERMINERS, NO_SPEAKER_PRONOUNS, PRONOUN_SPEAKERS, SENTENCE_OPENERS
from shared.lexicon.roles import ABSTRACT_ENDINGS, DOCUMENT_NOUNS
from shared.lexicon.time_words import TIME_LEADS, TIME_NOUNS
from shared.lexicon.titles import COURTESY_TITLES


class Resolver:
    """Speaker resolution for one article: its entities, quoted ranges and gender evidence."""

    def __init__(
        self,
        text: str,
        entities: tuple[Entity, ...],
        quoted: list[tuple[int, int]],
        parse: CompactParse | None = None,
        title: str = "",
    ):
        self.model = load_resolver()
        self.text, self._entities, self._quoted, self._parse = text, entities, quoted, parse
        self.title = title

    # Built on first use: an article without a speaker phrase to resolve needs no discourse model.
    @cached_property
    def discourse(self) -> Discourse:
        """The article's chains and mentions, pronouns resolved (services/quotes/discourse.py)."""
        return build_discourse(self.text, self._entities, self._parse, self._quoted, self.model, topic=self.title)

    @cached_property
    def article(self) -> ArticleMentions:
        """The article's name mentions by chain, as the name and pronoun helpers read them."""
        return ArticleMentions(self.text, self._entities, self._quoted, discourse=self.discourse)

    @property
    def mentions(self) -> list[EntityMention]:
        """The name mentions of the article, in text order."""
        return self.article.mentions

    @cached_property
    def pronouns(self) -> PronounResolver:
        """The text's salience, where the discourse model resolved no pronoun."""
        return PronounResolver(self.article)

    @cached_property
    def names(self) -> NameResolver:
        """Names inside a speaker phrase."""
        return NameResolver(self.article)

    def resolve(self, start: int, end: int, pos: int, prefer_last: bool = False) -> Resolution:
        """The speaker of the phrase text[start:end] for a quote at `pos`, its label and the resolution step."""
        toks = self.text[start:end].strip(" ,.;:").split()
        if not toks:
            return NONE
        while len(toks) > 1 and toks[0].lower().strip(",") in SENTENCE_OPENERS:
            toks = toks[1:]
        first = toks[0].lower()
        pos = min(pos, start)  # a pronoun refers back from where it stands ('He said: "..."')
        if first in PRONOUN_SPEAKERS and len(toks) <= 2:
            return self.pronoun(start, end, first, pos)
        if first in NO_SPEAKER_PRONOUNS:
            return NONE
        joint = self.names.coordinated(start, end, toks)
        if joint is not None:
            return Resolution(*joint, "joint")
        person = self.names.person_inside(start, end, prefer_last)
        if person is not None:
            return Resolution(person, "PERSON", "name")
        core = _without_time(list(toks))
        while core and core[0].lower() in DETERMINERS:
            core = core[1:]
        for i in range(len(core) - 1, -1, -1):
            if core[i].lower().rstrip(".") in COURTESY_TITLES:
                core = core[i:]
                break
        org = self.names.organisation_inside(start, end, " ".join(core))
        if org is not None:
            return Resolution(*org, "organisation")
        titled = self.names.titled(core)
        if titled is not None and titled[0] == " ".join(core) and toks[0].lower() == "the":
            # 'the Archbishop of Canterbury' names no surname: the person the article gave that title
            found = resolve_description(self.model, self.discourse, pos, [w.lower().strip(",.") for w in core])
            if found is not None:
                return Resolution(found[0].name, found[0].label, "role", found[1])
        if titled is not None:
            return Resolution(*titled, "titled")
        if not core:
            return NONE
        desc = description(core)
        if is_fragment(desc):
            return NONE
        return self.described(start, end, pos, toks[0].lower(), desc)

    def described(self, start: int, end: int, pos: int, determiner: str, desc: str) -> Resolution:
        """A speaker described, not named: a document's issuer ('the report said', 'a statement from the
        ministry'), the chain a definite description fits ('the mayor'), else the description itself."""
        words = [w.lower().strip(",.;:") for w in desc.split()]
        if words and words[-1] in DOCUMENT_NOUNS or any(w in DOCUMENT_NOUNS for w in words[:-1] if w):
            issuer = document_issuer(self.discourse, start, end, words)
            if issuer is not None:
                return Resolution(issuer.name, issuer.label, "document")
            return Resolution(desc, None, "document_phrase")
        if determiner != "the":
            return Resolution(desc, None, "description")
        found = resolve_description(self.model, self.discourse, pos, words)
        if found is not None:
            return Resolution(found[0].name, found[0].label, "role", found[1])
        office = sum(w[:1].isupper() for w in desc.split()) >= 2  # 'the Ukrainian Chief of Staff': an office, kept
        if not is_unnamed(desc) and not words[-1].endswith(ABSTRACT_ENDINGS) and not office:
            m = self.pronouns.salient(pos, ("PERSON",))  # no chain fits: the person the sentence before names
            if m is not None:
                return Resolution(m.name, "PERSON", "salient", GUESS)
        return Resolution(desc, None, "description")

    def pronoun(self, start: int, end: int, word: str, pos: int) -> Resolution:
        """A pronoun phrase: the chain the discourse model resolved it to; an unnamed speaker introduced
        since ('A council spokesman denied it. "...," he said'); else the text's salience."""
        m = self.discourse.mention_at(start, end)
        c = self.discourse.chain_of(m) if m is not None and m.kind == "pronoun" else None
        if m is None or c is None or not c.speaks:
            return Resolution(*self.pronouns.resolve(word, pos), "pronoun_salience", GUESS)
        if word in ("he", "she"):
            last = max(
                (self.discourse.mentions[k].start for k in c.mentions if self.discourse.mentions[k].start < start),
                default=0,
            )
            desc = self.pronouns.described_speaker(pos, last, "m" if word == "he" else "f")
            if desc is not None:
                return Resolution(desc, None, "pronoun_description")
        return Resolution(c.name, c.label, "pronoun", m.confidence)


def _without_time(toks: list[str]) -> list[str]:
    """A speaker phrase without the time phrase that ends it ('The Tories on Monday', 'Roe last week')."""
    for i in range(len(toks) - 1, 0, -1):
        lead, rest = toks[i].lower(), [t.lower().strip(",.") for t in toks[i + 1 :]]
        if lead in TIME_LEADS and rest and all(t in TIME_NOUNS or t in TIME_LEADS for t in rest):
            return toks[:i]
    return toks


class Resolution(NamedTuple):
    """A speaker phrase resolved: the speaker (None: no speaker), its label, and the step that named it."""

    speaker: str | None
    label: str | None
    step: str
    p: float = 1.0  # how likely the step named the right one (the trained resolver's probability; 1: a name)


NONE = Resolution(None, None, "none")
GUESS = 0.5  # the probability given to the text's salience, where no trained resolver answers
