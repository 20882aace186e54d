"""Each named text pattern of the quotes stage proposes its speaker (a 'text:<name>' candidate)."""

import pytest
from quote_helpers import ent

from services.quotes.logic import TEXT_RULES, extract_quotes

ROE = ("Jane Roe", "PERSON", "Jane Roe", "Roe")
CASES = [
    ("after_quote", '"We will win," Roe said.', 0, "Jane Roe"),
    ("before_quote", 'Roe said: "We will win."', 0, "Jane Roe"),
    ("colon_paragraph", 'Jane Roe said:\n"We will win."', 0, "Jane Roe"),
    ("same_sentence", '"We will win," said Roe, urging voters to "turn out".', 1, "Jane Roe"),
    ("writer_subject", 'Jane Roe hailed the "courage" of the voters.', 0, "Jane Roe"),
    ("reported_before", 'Jane Roe said the plan would fail.\n"It cannot work."', 0, "Jane Roe"),
    ("previous_speaker", '"We will win," Roe said.\n"We have the votes."', 1, "Jane Roe"),
]


def candidates_of(text, n):
    seen = {}
    extract_quotes(text, (ent(text, *ROE),), observe=lambda i, cands, ctx: seen.setdefault(i, cands))
    return [(c.rule, c.speaker) for c in seen.get(n, [])]


@pytest.mark.parametrize("rule,text,n,speaker", CASES, ids=[c[0] for c in CASES])
def test_each_text_pattern_fires_with_its_name(rule, text, n, speaker):
    assert ("text:" + rule, speaker) in candidates_of(text, n)


def test_every_pattern_has_a_case():
    assert [c[0] for c in CASES] == list(TEXT_RULES)
