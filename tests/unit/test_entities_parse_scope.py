"""Which sentences the entities stage parses (services/entities/parse_scope.py): one test per named rule."""

import pytest

from services.entities.parse_scope import NEIGHBOURS, SCOPES, parsed_share, sentences_to_parse

PLAIN = "The weather was fine on Monday."


def _chosen(text, language="en", scope="speech"):
    return [(text[r.start : r.end], r.rules) for r in sentences_to_parse(text, language, scope)]


@pytest.mark.parametrize(
    "sentence",
    [
        'He called it "a disgrace" at the time.',
        "He called it \u201ca disgrace\u201d at the time.",
        "Il l'a qualifié de \u00ab honte \u00bb hier.",
        "It was \u201ebad\u201c for all.",
    ],
)
def test_quote_marks_rule(sentence):
    assert _chosen(f"{PLAIN} {sentence} {PLAIN}") == [(sentence, ("quote_marks",))]


@pytest.mark.parametrize(
    "sentence",
    [
        "Jane Roe said the plan had failed.",
        "The minister denied that he knew.",
        "Prices rose, according to the bank.",
        "Officials, however, CONFIRMED it later.",
    ],
)
def test_speech_verb_rule(sentence):
    assert _chosen(f"{PLAIN} {sentence} {PLAIN}") == [(sentence, ("speech_verb",))]


@pytest.mark.parametrize("sentence", ["The report was late.", "He read the claims of the firm.", "She saw his notes."])
def test_a_noun_like_form_after_a_determiner_is_a_noun(sentence):
    assert _chosen(f"{PLAIN} {sentence}") == []


def test_a_noun_like_form_without_a_determiner_is_a_verb():
    assert _chosen("Jane Roe claims the vote was rigged.") == [
        ("Jane Roe claims the vote was rigged.", ("speech_verb",))
    ]


def test_after_quote_only_rule_chooses_the_next_sentence_and_merges():
    text = f"{PLAIN}\n\n\u201cWe will win.\u201d\n\nHe smiled at the crowd. {PLAIN}"
    assert _chosen(text) == [
        ("\u201cWe will win.\u201d\n\nHe smiled at the crowd.", ("quote_marks", "after_quote_only"))
    ]
    assert set(NEIGHBOURS) == {"after_quote_only"}


def test_a_quote_with_its_verb_takes_no_neighbour():
    text = f"\u201cWe will win,\u201d she said. {PLAIN}"
    assert _chosen(text) == [("\u201cWe will win,\u201d she said.", ("quote_marks", "speech_verb"))]


def test_a_quote_that_does_not_end_its_sentence_takes_no_neighbour():
    text = f"He called it \u201ca disgrace\u201d at the time. {PLAIN}"
    assert [r for _, r in _chosen(text)] == [("quote_marks",)]


def test_contiguous_sentences_are_one_range_and_others_are_apart():
    text = f"Roe said it failed. Smith told reporters so. {PLAIN} Lee added more."
    assert [t for t, _ in _chosen(text)] == ["Roe said it failed. Smith told reporters so.", "Lee added more."]


def test_french_speech_is_chosen_by_its_marks():
    text = "Le temps était beau. \u00ab Nous partons \u00bb, a déclaré le général. Il pleuvait."
    assert [t for t, _ in _chosen(text, "fr")] == ["\u00ab Nous partons \u00bb, a déclaré le général."]


def test_scopes_all_and_none_and_unparsed_languages():
    text = f"{PLAIN} Roe said so."
    assert _chosen(text, scope="all") == [(text, ("all",))]
    assert _chosen(text, scope="none") == []
    assert _chosen(text, "de") == [] and _chosen(text, None) == []
    assert SCOPES == ("speech", "all", "none")
    with pytest.raises(ValueError, match="unknown parse scope"):
        sentences_to_parse(text, "en", "most")


def test_parsed_share_counts_words():
    text = f"{PLAIN} Roe said so."
    assert parsed_share(sentences_to_parse(text, "en"), text) == pytest.approx(3 / 9)
    assert parsed_share([], "") == 0.0


@pytest.mark.parametrize("opening", ["Rain fell.", "\u0130stanbul was quiet."])
def test_speech_verbs_are_found_whether_or_not_lowercasing_keeps_the_text_s_length(opening):
    # 'İ' lowercases to two characters: offsets of the lowered text would not index the text
    text = f"{opening} Jane Roe SAID the plan failed. The report was late. Roe claims otherwise."
    assert _chosen(text) == [
        ("Jane Roe SAID the plan failed.", ("speech_verb",)),
        ("Roe claims otherwise.", ("speech_verb",)),
    ]


def test_a_form_inside_a_longer_word_is_no_cue():
    assert _chosen("The unsaid rule held. Saidly nothing moved.") == []


@pytest.mark.parametrize(
    "sentence, language",
    [
        ("Prices rose, ACCORDING  to the bank.", "en"),
        ("Prices rose, accord\u0131ng to the bank.", "en"),  # dotless i: matched case-blind, lowercases to itself
        ("Les prix montent, \u017felon la banque.", "fr"),  # long s: the same
    ],
)
def test_a_phrase_cue_is_found_case_blind_as_the_pattern_matches_it(sentence, language):
    """The phrase search is skipped only where the lowercase text cannot hold a case-blind match."""
    assert _chosen(f"{PLAIN} {sentence} {PLAIN}", language) == [(sentence, ("speech_verb",))]


def test_no_phrase_cue_where_the_text_holds_none():
    assert _chosen(f"{PLAIN} Prices rose, accordingly. {PLAIN}") == []
