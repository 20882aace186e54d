"""Turning a speaker phrase into the canonical speaker: pronoun, name, or description.

Works from `text` and the entities stage's output; with no entities it falls back to
capitalised-name rules on the text alone. Each kind of phrase has its resolver:
`pronouns` (he, she, they, it), `named` (an entity, a surname, a joint speaker) and
`descriptions` ('the minister', 'a spokesman'); `mentions` holds what they share.
"""

from __future__ import annotations

from services.quotes.coref import load_resolver
from services.quotes.description_coref import resolve_description
from services.quotes.descriptions import description, is_fragment, is_unnamed
from services.quotes.discourse import build_discourse
from services.quotes.mentions import ArticleMentions, EntityMention, names_from_text  # noqa: F401  (re-exported)
from services.quotes.named import NameResolver
from services.quotes.pronouns import PronounResolver
from shared.core.events import Entity
from shared.core.parse import CompactParse
from shared.lexicon.function_words import DETERMINERS, NO_SPEAKER_PRONOUNS, PRONOUN_SPEAKERS, SENTENCE_OPENERS
from shared.lexicon.titles import COURTESY_TITLES


class Resolver:
    """Speaker resolution for one article: its entities, quoted ranges and gender evidence."""

    def __init__(
        self,
        text: str,
        entities: tuple[Entity, ...],
        quoted: list[tuple[int, int]],
        parse: CompactParse | None = None,
    ):
        self.model = load_resolver()
        self.discourse = build_discourse(text, entities, parse, quoted, self.model)
        self.article = ArticleMentions(text, entities, quoted, discourse=self.discourse)
        self.text = text
        self.mentions = self.article.mentions
        self.pronouns = PronounResolver(self.article)
        self.names = NameResolver(self.article)

    def resolve(self, start: int, end: int, pos: int, prefer_last: bool = False) -> tuple[str | None, str | None]:
        """(speaker, label) for the phrase text[start:end], for a quote at `pos`."""
        phrase = self.text[start:end].strip(" ,.;:")
        if not phrase:
            return None, None
        toks = phrase.split()
        while len(toks) > 1 and toks[0].lower().strip(",") in SENTENCE_OPENERS:
            toks = toks[1:]
        first = toks[0].lower()
        pos = min(pos, start)  # a pronoun refers back from where it stands ('He said: "..."')
        if first in PRONOUN_SPEAKERS and len(toks) <= 2:
            return self.pronoun(start, end, first, pos)
        if first in NO_SPEAKER_PRONOUNS:
            return None, None
        joint = self.names.coordinated(start, end, toks)
        if joint is not None:
            return joint
        person = self.names.person_inside(start, end, prefer_last)
        if person is not None:
            return person, "PERSON"
        core = list(toks)
        while core and core[0].lower() in DETERMINERS:
            core = core[1:]
        for i in range(len(core) - 1, -1, -1):
            if core[i].lower().rstrip(".") in COURTESY_TITLES:
                core = core[i:]
                break
        org = self.names.organisation_inside(start, end, " ".join(core))
        if org is not None:
            return org
        titled = self.names.titled(core)
        if titled is not None:
            return titled
        if not core:
            return None, None
        desc = description(core)
        if is_fragment(desc):
            return None, None
        if toks[0].lower() == "the":
            # 'the minister': the chain whose role, age or name the description gives, by the trained resolver
            words = [w.lower().strip(",.;:") for w in desc.split()]
            found = resolve_description(self.model, self.discourse, min(pos, start), words)
            if found is not None:
                return found[0].name, found[0].label
            if not is_unnamed(desc):
                m = self.pronouns.salient(pos, ("PERSON",))  # no chain fits: the person the sentence before names
                if m is not None:
                    return m.name, "PERSON"
        return desc, None

    def pronoun(self, start: int, end: int, word: str, pos: int) -> tuple[str | None, str | None]:
        """(speaker, label) of a pronoun phrase: the chain the discourse model resolved it to; an unnamed
        speaker introduced since ('A council spokesman denied it. "...," he said'); else the text's salience."""
        m = self.discourse.mention_at(start, end)
        c = self.discourse.chain_of(m) if m is not None and m.kind == "pronoun" else None
        if c is None or not c.speaks:
            return self.pronouns.resolve(word, pos)
        if word in ("he", "she"):
            last = max(
                (self.discourse.mentions[k].start for k in c.mentions if self.discourse.mentions[k].start < start),
                default=0,
            )
            desc = self.pronouns.described_speaker(pos, last, "m" if word == "he" else "f")
            if desc is not None:
                return desc, None
        return c.name, c.label
