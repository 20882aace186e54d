"""Pairing quotation marks."""

from hypothesis import given, settings
from hypothesis import strategies as st

from services.quotes.marks import pair_quotes


def texts(t):
    return [t[s.start : s.end] for s in pair_quotes(t)]


def test_straight_and_curly():
    assert texts('He said "yes" and \u201cno\u201d.') == ["yes", "no"]


def test_apostrophes_and_single_quotes_do_not_break_pairing():
    t = "It said \"the 'defeat' of Kyiv's troops is a trick\". Fine."
    assert texts(t) == ["the 'defeat' of Kyiv's troops is a trick"]


def test_quote_over_paragraphs_is_one_piece_per_paragraph():
    t = '"First part.\n\n"Second part," he said.'
    spans = pair_quotes(t)
    assert [t[s.start : s.end] for s in spans] == ["First part.", "Second part,"]
    assert spans[1].continues


def test_unclosed_quote_ends_before_next_opening_mark():
    t = '"Because it rose. "So we cut it. "The rest goes."'
    assert texts(t) == ["Because it rose.", "So we cut it.", "The rest goes."]


def test_unbalanced_marks_never_raise():
    assert isinstance(pair_quotes('" " "" "a'), list)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .,\"\u201c\u201d'\n:", max_size=300))
def test_spans_index_the_text(t):
    for s in pair_quotes(t):
        assert 0 <= s.start < s.end <= len(t)
        assert t[s.start : s.end].strip() == t[s.start : s.end]


def test_ten_thousand_unbalanced_quotes_is_fast():
    import time

    t = ('"x ' * 10000) + ("\u201c" * 10000)
    t0 = time.perf_counter()
    pair_quotes(t)
    assert time.perf_counter() - t0 < 2.0
