"""The newsflow_entity_fixes component on spacy.blank('en') with hand-set entities."""
import spacy
from spacy.tokens import Span

import services.entities.component  # noqa: F401
from services.entities.component import COMPONENT_NAME


def _doc(nlp, text, ents):
    doc = nlp.make_doc(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = spans
    return nlp.get_pipe(COMPONENT_NAME)(doc)


def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe(COMPONENT_NAME)
    return nlp


def test_region_makes_a_product_a_place():
    doc = _doc(_nlp(), "Troops left the Kursk region and Kursk was quiet.", [("Kursk", "PRODUCT")])
    assert doc.ents[0].label_ == "GPE"


def test_leading_article_and_possessive_are_trimmed():
    doc = _doc(_nlp(), "He joined the World Trade Organisation's talks.", [("the World Trade Organisation's", "ORG")])
    assert doc.ents[0].text == "World Trade Organisation"


def test_numbers_are_not_names():
    doc = _doc(_nlp(), "It could shrink to 200bn by 2009.", [("200bn", "PERSON")])
    assert list(doc.ents) == []


def test_pope_title_joins_the_name_and_parties_are_orgs():
    doc = _doc(_nlp(), "Pope Francis met the Lib Dems.", [("Francis", "PERSON"), ("Lib Dems", "PERSON")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Pope Francis", "PERSON"), ("Lib Dems", "ORG")]


def test_missing_plural_party_is_added():
    doc = _doc(_nlp(), "The Tories said no.", [])
    assert [(e.text, e.label_) for e in doc.ents] == [("Tories", "ORG")]


def test_place_after_in_is_split_off():
    doc = _doc(_nlp(), "Pupils at Peel Common Infants School in Gosport",
               [("Peel Common Infants School in Gosport", "ORG")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Peel Common Infants School", "ORG"), ("Gosport", "GPE")]
