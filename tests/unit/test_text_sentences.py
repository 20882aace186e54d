"""Sentence bounds by rule (shared/text/sentences.py): abbreviations, initials, quotation marks, line breaks."""

import pytest

from shared.text.sentences import is_abbreviation_stop, more_words_than, sentences


def _texts(text):
    return [text[s:e] for s, e in sentences(text)]


def test_sentences_end_at_stops_and_line_breaks():
    text = 'He left. "We will win." She said so!\n\nIs it? Yes.'
    assert _texts(text) == ["He left.", '"We will win."', "She said so!", "Is it?", "Yes."]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith arrived.",
        "The U.S. Senate voted.",
        "J. K. Rowling wrote.",
        "It rose 3.5 per cent.",
        "Det. Supt. Ann Doe spoke.",
        "Cllr. Ann Doe voted.",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_end_a_sentence(text):
    assert _texts(text) == [text]


def test_a_stop_before_a_lowercase_word_does_not_end_one():
    assert _texts("He used e.g. the old one. Then left.") == ["He used e.g. the old one.", "Then left."]


def test_french_closing_guillemet_with_its_space_ends_the_sentence():
    assert _texts("« Nous partons. » Il a dit cela.") == ["« Nous partons. »", "Il a dit cela."]


def test_offsets_index_the_text_and_blank_text_has_none():
    text = "  One.  Two."
    assert [text[s:e] for s, e in sentences(text)] == ["One.", "Two."]
    assert sentences("   \n ") == []


def test_abbreviation_stop():
    text = "Sen. Roe spoke. Then."
    assert is_abbreviation_stop(text, text.index("."))
    assert not is_abbreviation_stop(text, text.index("e.") + 1)


def test_more_words_than_counts_words_across_ranges():
    text = "Roe said -- on Monday -- it would fail."
    assert not more_words_than(text, [(0, 8)], 2)  # 'Roe said': two words, dashes are none
    assert more_words_than(text, [(0, 8), (12, 21)], 3)  # and 'on Monday'
    assert not more_words_than(text, [(0, 8), (12, 21)], 4)
    assert not more_words_than(text, [(10, 5)], 0)  # an empty range holds none


def _windowed_sentence_start(text: str, pos: int, floor: int) -> int:
    """The scan sentence_start stands for: every break after the floor, as the text up to pos + 1 shows it."""
    from shared.text.sentences import _sentence_breaks

    lo = best = max(floor, pos - 400)
    for m in _sentence_breaks(text, lo, min(len(text), pos + 2)):
        if m.end() <= pos:
            best = m.end()
    return best


def test_sentence_start_from_the_article_s_breaks_equals_a_scan_back_at_every_position():
    from shared.text.sentences import sentence_start

    text = (
        'Sen. Jane Roe spoke.  "We won," she said. Mr. J. Doe left!\n"Fine."  It rained. '
        "U.S. officials met.   Then 4 more came? Yes.\u201cNo.\u201d  The end." + " word" * 120
    )
    for floor in (0, 7, 60):
        for pos in range(len(text)):
            assert sentence_start(text, pos, floor) == _windowed_sentence_start(text, pos, floor), (pos, floor)


def test_each_call_gets_its_own_list():
    text = "One. Two."
    first = sentences(text)
    first.clear()
    assert sentences(text) == [(0, 4), (5, 9)]


def test_a_stop_before_a_lowercase_word_after_other_space_does_not_end_one():
    assert _texts("He said no.\u00a0\u2003 and left. Then slept.") == [
        "He said no.\u00a0\u2003 and left.",
        "Then slept.",
    ]
