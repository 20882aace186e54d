"""Every entry of the quotes stage's source registry proposes its speaker on an example of its own, by name."""

import pytest
from quote_helpers import ent, parsed

from services.quotes.logic import TEXT_RULES, extract_quotes
from services.quotes.sources import SOURCES

ROE = ("Jane Roe", "PERSON", "Jane Roe", "Roe")
POE = ("Mary Poe", "PERSON", "Mary Poe", "Poe")
# (source, text, index of the quote, the speaker it proposes, whether the example needs a parse)
CASES = [
    ("text:after_quote", '"We will win," Roe said.', 0, "Jane Roe"),
    ("text:before_quote", 'Roe said: "We will win."', 0, "Jane Roe"),
    ("text:colon_paragraph", 'Jane Roe said:\n"We will win."', 0, "Jane Roe"),
    ("text:same_sentence", '"We will win," said Roe, urging voters to "turn out".', 1, "Jane Roe"),
    ("text:writer_subject", 'Jane Roe hailed the "courage" of the voters.', 0, "Jane Roe"),
    ("text:reported_before", 'Jane Roe said the plan would fail.\n"It cannot work."', 0, "Jane Roe"),
    ("syntax:speech_verb_subject", '"We will win," Jane Roe said.', 0, "Jane Roe"),
    ("syntax:according_to", 'The vote was "a disaster for the party", according to Jane Roe.', 0, "Jane Roe"),
    ("syntax:colon_subject", 'Jane Roe hit back at her critics: "We will win."', 0, "Jane Roe"),
    ("syntax:next_sentence_verb", '"We will win." Jane Roe said the party was ready.', 0, "Jane Roe"),
    ("syntax:previous_sentence_verb", 'Jane Roe said she was confident. "We will win."', 0, "Jane Roe"),
    ("run:previous_speaker", '"We will win," Roe said.\n"We have the votes."', 1, "Jane Roe"),
    (
        "run:paragraph_person",
        '"We will win," Roe said.\nMary Poe, her rival, was unmoved on Monday. "It is a fantasy."',
        1,
        "Mary Poe",
    ),
]


def candidates_of(text, n):
    seen = {}
    entities = tuple(ent(text, *p) for p in (ROE, POE) if p[-1] in text)
    extract_quotes(text, entities, parsed(text), observe=lambda i, cands, ctx: seen.setdefault(i, cands))
    return [(c.rule, c.speaker) for c in seen.get(n, [])]


@pytest.mark.parametrize("source,text,n,speaker", CASES, ids=[c[0] for c in CASES])
def test_each_source_proposes_its_speaker_under_its_name(source, text, n, speaker):
    assert (source, speaker) in candidates_of(text, n)


def test_every_source_has_an_example_and_the_text_patterns_are_the_registry_s():
    assert [c[0] for c in CASES] == list(SOURCES)
    assert ["text:" + r for r in TEXT_RULES] == [s for s in SOURCES if s.startswith("text:")]


def test_the_rule_of_a_quote_names_its_source_and_resolution_step():
    text = 'Jane Roe spoke on Monday. "We will win," she said.'
    (q,) = extract_quotes(text, (ent(text, *ROE),), parsed(text))
    assert q.speaker == "Jane Roe"
    source, step = q.rule.split("+")
    assert source in SOURCES and step == "pronoun"


def test_without_a_parse_only_the_text_patterns_and_the_run_propose():
    text = '"We will win," Roe said.\n"We have the votes."'
    seen = {}
    extract_quotes(text, (ent(text, *ROE),), None, observe=lambda i, cands, ctx: seen.setdefault(i, cands))
    rules = {c.rule for cands in seen.values() for c in cands}
    assert rules and not any(r.startswith("syntax:") for r in rules)
