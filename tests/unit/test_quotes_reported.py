"""Reported speech (quotes of kind "indirect"): the patterns, what is not speech, and its speakers.

Every text here is made up for the rule it tests.
"""

from quote_helpers import ent, parsed

from services.quotes.logic import extract_quotes
from services.quotes.reported import find_reported, sentences, subject_span
from shared.text.sentences import words


def reported(text, entities=(), parse=None):
    """(clause, speaker, cue) of the indirect quotes of `text` (read from `parse` where given)."""
    found = extract_quotes(text, tuple(entities), parse=parse)
    return [(q.text, q.speaker, q.cue) for q in found if q.kind == "indirect"]


def test_said_with_and_without_that():
    t = "Jane Roe said the bridge would reopen in May. John Doe said that the cost had doubled."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe"), ent(t, "John Doe", "PERSON", "John Doe")]
    assert reported(t, es) == [
        ("the bridge would reopen in May", "Jane Roe", "said"),
        ("the cost had doubled", "John Doe", "said"),
    ]


def test_trailing_attribution_after_the_clause_needs_the_parse():
    t = "The bridge will reopen in May, the mayor said. The cost has doubled, said Jane Roe, a city engineer."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert reported(t, es) == []  # no text pattern reads a trailing attribution
    assert reported(t, es, parsed(t)) == [
        ("The bridge will reopen in May", "mayor", "said"),
        ("The cost has doubled", "Jane Roe", "said"),
    ]


def test_trailing_attribution_with_an_apposition_and_a_time():
    t = "The talks have stalled, a union leader, Jane Roe, said on Monday."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert reported(t, es, parsed(t)) == [("The talks have stalled", "Jane Roe", "said")]


def test_according_to_before_and_after_the_clause():
    t = (
        "According to the fire service, the blaze started in a kitchen. "
        "Two people were hurt, according to Acme Hospital."
    )
    es = [ent(t, "Acme Hospital", "ORG", "Acme Hospital")]
    assert reported(t, es) == [
        ("the blaze started in a kitchen", "fire service", "according to"),
        ("Two people were hurt", "Acme Hospital", "according to"),
    ]


def test_told_reporters_skips_the_listener():
    t = "Jane Roe told reporters the vote would be close. She told the council that funds had run out."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert reported(t, es) == [
        ("the vote would be close", "Jane Roe", "told"),
        ("funds had run out", "Jane Roe", "told"),
    ]


def test_denied_warned_argued_insisted_that():
    t = (
        "Mr Doe denied that he had seen the letter. Mrs Roe warned that prices would rise. "
        "The union argued that the deal was unfair. The firm insisted that its figures were right."
    )
    got = reported(t)
    assert [(c, cue) for c, _, cue in got] == [
        ("he had seen the letter", "denied"),
        ("prices would rise", "warned"),
        ("the deal was unfair", "argued"),
        ("its figures were right", "insisted"),
    ]


def test_time_phrase_before_that():
    t = "Jane Roe said in a statement on Tuesday that the plant would close."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert reported(t, es) == [("the plant would close", "Jane Roe", "said")]


def test_questions_beliefs_and_intentions_are_not_speech():
    t = (
        "Jane Roe asked whether the plant would close. John Doe believes the plant will close. "
        "The mayor thinks the vote is lost. The firm promised to hire more staff. "
        "Jane Roe said she would try to help. Did the mayor say the plan had failed?"
    )
    got = reported(t)
    assert got == [("she would try to help", "Jane Roe", "said")]


def test_quoted_speech_is_left_to_the_direct_quote_rules():
    t = 'Jane Roe said: "The plant will close." "We tried," John Doe said.'
    assert reported(t) == []
    assert [q.kind for q in extract_quotes(t)] == ["direct", "direct"]


def test_pronoun_speaker_resolves_to_the_person():
    t = "Jane Roe, the mayor, spoke on Monday. She said the budget was balanced."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert reported(t, es) == [("the budget was balanced", "Jane Roe", "said")]


def test_apposition_subject_names_the_person():
    t = "The author of the report, Jane Roe, said in an interview that the data were sound."
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert reported(t, es) == [("the data were sound", "Jane Roe", "said")]


def test_participle_takes_the_sentence_subject():
    t = "The Greens and the Reds walked out, saying the vote was rigged."
    es = [ent(t, "Greens", "ORG", "Greens"), ent(t, "Reds", "ORG", "Reds")]
    assert reported(t, es) == [("the vote was rigged", "Greens and Reds", "saying")]


def test_clause_stops_at_a_second_speech_verb_and_a_quote():
    t = 'Jane Roe said the date was set and added: "I am thrilled."'
    got = reported(t)
    assert got == [("the date was set", "Jane Roe", "said")]


def test_plural_noun_forms_are_not_verbs():
    t = "The claims that the bridge was unsafe were dropped by the United States authorities today."
    assert reported(t) == []


def test_clause_offsets_index_the_text():
    t = "Officials said the road would stay shut until Friday."
    (q,) = [q for q in extract_quotes(t) if q.kind == "indirect"]
    assert t[q.start : q.end] == q.text == "the road would stay shut until Friday"
    assert q.speaker == "Officials"


def test_sentences_do_not_end_at_titles_or_initials():
    t = "Sen. Jane Roe met J. Doe in the U.S. capital. They talked."
    assert [t[a:b] for a, b in sentences(t)] == ["Sen. Jane Roe met J. Doe in the U.S. capital.", "They talked."]


def test_subject_span_skips_an_introductory_phrase():
    t = "In a statement on Monday, the regional council said the road was safe."
    ws = words(t, 0, len(t))
    k = next(i for i, w in enumerate(ws) if w[0] == "said")
    lo, hi = subject_span(t, ws, k, 0)
    assert t[lo:hi] == "the regional council"


def test_find_reported_ignores_text_inside_quoted_ranges():
    t = 'He wrote: "Jane said the plan would fail." Then he left.'
    open_mark = t.index('"')
    close_mark = t.index('"', open_mark + 1)
    assert find_reported(t, [(open_mark, close_mark + 1)]) == []
