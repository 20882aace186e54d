"""French speakers from the parse of the real French model (fr_core_news_sm), one case per syntax rule form."""

from __future__ import annotations

import pytest
from french_cases import ARTICLE, ARTICLE_ENTITIES, ARTICLE_SPEAKERS, CASES

from services.entities.app import load_pipeline
from services.entities.parse_pass import parse_batch
from services.quotes.french import extract_quotes_fr
from shared.core.events import Entity, Mention
from shared.core.settings import Settings


def ents(text: str, names: tuple[tuple[str, str], ...]) -> tuple[Entity, ...]:
    out = []
    for name, label in names:
        start = text.index(name)
        out.append(Entity(name, label, 1, (Mention(name, start, start + len(name)),)))
    return tuple(out)


@pytest.fixture(scope="module")
def nlp_fr():
    return load_pipeline(Settings(), "fr")


def parse_fr(nlp, text: str):
    parses, _ = parse_batch(nlp, [text], "fr", "speech", 8)
    return parses[0]


@pytest.mark.parametrize(("text", "names", "speaker", "rule"), CASES, ids=[c[3] + ":" + c[2] for c in CASES])
def test_a_french_syntax_rule_names_the_speaker(nlp_fr, text, names, speaker, rule):
    parse = parse_fr(nlp_fr, text)
    assert parse is not None  # the speech sentence is parsed
    (quote,) = extract_quotes_fr(text, ents(text, names), parse)
    assert (quote.rule, quote.speaker) == (rule, speaker)
    assert quote.speaker_start is not None and quote.speaker_end is not None


def test_a_phrase_naming_no_entity_is_kept_as_a_description(nlp_fr):
    text = "« Les travaux commenceront en mai », a précisé le ministère."
    (quote,) = extract_quotes_fr(text, (), parse_fr(nlp_fr, text))
    assert (quote.rule, quote.speaker, quote.speaker_label) == ("syntax:fr_speech_verb_subject", "le ministère", None)
    assert text[quote.speaker_start : quote.speaker_end] == "le ministère"


def test_a_quote_without_a_speech_verb_has_no_speaker(nlp_fr):
    text = "Le film « La Haine » ressort en salles."
    (quote,) = extract_quotes_fr(text, (), parse_fr(nlp_fr, text))
    assert quote.speaker is None and quote.rule is None


def test_a_rule_reads_no_attribution_of_the_paragraph_before(nlp_fr):
    """'..., selon Jean Dupont.' ends a paragraph: the next paragraph's quote is Pierre Martin's."""
    quotes = extract_quotes_fr(ARTICLE, ents(ARTICLE, ARTICLE_ENTITIES), parse_fr(nlp_fr, ARTICLE))
    assert [q.speaker for q in quotes] == ARTICLE_SPEAKERS
    assert quotes[4].rule == "syntax:fr_speech_verb_subject"
    assert [q.cue for q in quotes] == ["déclaré", "ajouté", "affirmé", "selon", "déclare", "estime"]
    for q in quotes:
        assert ARTICLE[q.start : q.end] == q.text
