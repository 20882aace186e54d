"""Speaker rules added for attribution on unseen news (issue 11). Every text is made up for its rule."""

from quote_helpers import ent, parsed

from services.quotes.logic import extract_quotes
from services.quotes.reported import find_reported, subject_span
from shared.text.sentences import words


def speakers(text, entities=()):
    """(text, speaker) of the quotes between quotation marks."""
    return [(q.text, q.speaker) for q in extract_quotes(text, tuple(entities), parsed(text)) if q.kind != "indirect"]


def people(text, *names):
    """PERSON entities for full names, each also mentioned by its surname."""
    return [ent(text, n, "PERSON", n, n.split()[-1]) for n in names]


def test_attribution_ending_the_sentence_names_a_partial_quote():
    t = 'Her backing will carry "a great deal of weight" in the primaries, party spokesman Tom Reyes said.'
    assert speakers(t, people(t, "Tom Reyes")) == [("a great deal of weight", "Tom Reyes")]


def test_quote_paragraph_after_reported_speech_takes_its_speaker():
    t = "Clara Voss said the plant would close by spring.\n\n\u201cThere is no buyer left for it.\u201d"
    assert speakers(t, people(t, "Clara Voss")) == [("There is no buyer left for it.", "Clara Voss")]


def test_time_phrase_between_subject_and_verb():
    t = 'Mayor Ines Lutz on Friday declared the park "a place for everyone."'
    assert speakers(t, people(t, "Ines Lutz")) == [("a place for everyone.", "Ines Lutz")]


def test_apposition_between_name_and_verb_after_a_quoted_sentence():
    t = '"We are still counting." Ada Brenner, a volunteer from the county, said quietly.'
    assert speakers(t, people(t, "Ada Brenner")) == [("We are still counting.", "Ada Brenner")]


def test_told_names_its_subject_not_its_listener():
    t = "\u201cThe vote is close,\u201d Paul Orme, a former candidate, told Channel Nine on Sunday."
    es = people(t, "Paul Orme") + [ent(t, "Channel Nine", "ORG", "Channel Nine")]
    assert speakers(t, es) == [("The vote is close,", "Paul Orme")]


def test_told_reporters_with_a_time_phrase_after_a_quoted_sentence():
    t = '"We will help." Dana Whit told reporters during a call on Tuesday.'
    assert speakers(t, people(t, "Dana Whit")) == [("We will help.", "Dana Whit")]


def test_inverted_verb_before_the_quote():
    t = 'Because of the schedule, explained Rob Tanner, "the race will be over by March."'
    assert speakers(t, people(t, "Rob Tanner")) == [("the race will be over by March.", "Rob Tanner")]
    t = "Said Lena Moor, who grew up on the street, \u201cWe were all proud of him.\u201d"
    assert speakers(t, people(t, "Lena Moor")) == [("We were all proud of him.", "Lena Moor")]


def test_a_name_label_before_a_colon():
    t = "TURNOUT IS UP IN THE NORTH - Ivo Strand and Mara Hale: \u201cWe found more first-time voters than ever.\u201d"
    es = people(t, "Ivo Strand", "Mara Hale")
    assert speakers(t, es)[0][1] in ("Ivo Strand and Mara Hale", "Ivo Strand & Mara Hale")


def test_no_speaker_phrase_opens_with_a_relative_word():
    t = 'Gus Penn said he had begun "to show the true record" of Kell, whom he called a "fraud."'
    got = dict(speakers(t, people(t, "Gus Penn", "Ada Kell")))
    assert got["to show the true record"] == "Gus Penn"
    assert got["fraud."] == "Gus Penn"


def test_a_second_verb_after_and_is_no_speaker():
    t = 'Ron Vega called the plan "terrible," rejected the budget and said it should be withdrawn.'
    assert speakers(t, people(t, "Ron Vega")) == [("terrible,", "Ron Vega")]


def test_adding_takes_the_subject_after_the_last_quote():
    t = 'The Acme Board met on Monday. "It was a mess. It cannot go on," Nell Ford said, adding, "Nobody is happy."'
    es = people(t, "Nell Ford") + [ent(t, "Acme Board", "ORG", "Acme Board")]
    assert [s for _, s in speakers(t, es)] == ["Nell Ford", "Nell Ford"]


def test_a_speech_word_used_as_a_noun_is_no_cue():
    t = 'Omar Quist, who is a farmer, also decried the minister\u2019s repeated calls to sell the land, noting he had "given nothing."'
    assert speakers(t, people(t, "Omar Quist")) == [("given nothing.", "Omar Quist")]


def test_nested_closing_quote_keeps_the_speaker_after_an_apposition():
    t = "\u201cYou want me to say, \u2018I am for it,\u2019\u201d Lou Park, who opposes the tax, said at the time."
    assert speakers(t, people(t, "Lou Park"))[0][1] == "Lou Park"


def test_relative_clause_between_subject_and_verb_in_reported_speech():
    t = "Ben Aldo, meanwhile, who has no endorsements, said the count speaks for itself."
    ws = words(t, 0, len(t))
    k = next(i for i, w in enumerate(ws) if w[0] == "said")
    s, e = subject_span(t, ws, k, 0)
    assert t[s:e] == "Ben Aldo"
    assert len(find_reported(t, [])) == 1


def test_participle_takes_the_main_subject_after_introductory_phrases():
    t = 'Hours later, Tess Orr returned the favour, telling the paper, "We have been friends for years."'
    assert speakers(t, people(t, "Tess Orr")) == [("We have been friends for years.", "Tess Orr")]
    t = 'On Monday, after weeks of silence, Vic Hale appeared on radio, saying, "I am staying."'
    assert speakers(t, people(t, "Vic Hale")) == [("I am staying.", "Vic Hale")]


def test_participle_after_a_titled_name_with_lower_case_words():
    t = 'Party nominee Ida Sol took to the radio, writing: "Another terrible day."'
    assert speakers(t, people(t, "Ida Sol")) == [("Another terrible day.", "Ida Sol")]


def test_participle_after_by_or_upon_takes_the_sentence_subject():
    t = 'Kim Rowe, a singer, drew a wave of boos upon saying, "We will win this time."'
    assert speakers(t, people(t, "Kim Rowe")) == [("We will win this time.", "Kim Rowe")]


def test_subject_after_two_introductory_phrases():
    t = 'Later in the day, after the board meeting concluded, Lia Grant stated that the plan was "not good."'
    assert speakers(t, people(t, "Lia Grant")) == [("not good.", "Lia Grant")]


def test_a_name_set_off_after_a_description_is_the_speaker():
    t = 'Another delegate on the Vance slate, Jim Poole, said he was only "leaning Vance."'
    es = people(t, "Jim Poole") + [ent(t, "Ted Vance", "PERSON", "Vance")]
    assert speakers(t, es) == [("leaning Vance.", "Jim Poole")]
