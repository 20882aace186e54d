"""Speaker patterns and resolution, with and without entities."""

import time

from quote_helpers import ent, parsed

from services.quotes.logic import extract_quotes


def speakers(text, entities=()):
    """(text, speaker) of the quotes between quotation marks (reported speech has its own tests)."""
    return [(q.text, q.speaker) for q in extract_quotes(text, tuple(entities), parsed(text)) if q.kind != "indirect"]


def test_after_quote_with_pronoun_and_honorific():
    t = 'Tory leader Michael Howard spoke. "We will cut waste," he said. "It is fair," Mr Howard insisted.'
    es = [ent(t, "Michael Howard", "PERSON", "Michael Howard", "Howard")]
    assert speakers(t, es) == [("We will cut waste,", "Michael Howard"), ("It is fair,", "Michael Howard")]


def test_said_x_the_description_and_before_colon():
    t = '"It was good," said Andrew Pendleton, head of policy. Chancellor Gordon Brown told the BBC: "We disagree."'
    es = [ent(t, "Andrew Pendleton", "PERSON", "Andrew Pendleton"), ent(t, "Gordon Brown", "PERSON", "Gordon Brown")]
    assert speakers(t, es) == [("It was good,", "Andrew Pendleton"), ("We disagree.", "Gordon Brown")]


def test_whole_sentence_quote_inherits_and_paragraph_continues():
    t = '"One," Mary Smith said. "Two.\n\n"Three."'
    es = [ent(t, "Mary Smith", "PERSON", "Mary Smith")]
    assert [s for _, s in speakers(t, es)] == ["Mary Smith"] * 3


def test_she_goes_to_the_woman():
    t = 'John Major met Mrs Thatcher. Margaret Thatcher was angry. "No," she said.'
    es = [
        ent(t, "John Major", "PERSON", "John Major"),
        ent(t, "Margaret Thatcher", "PERSON", "Margaret Thatcher", "Thatcher"),
    ]
    assert speakers(t, es) == [("No,", "Margaret Thatcher")]


def test_unnamed_spokesman_and_organisation():
    t = 'A Defra spokesman said: "We welcome it." The Treasury said: "Fine."'
    es = [ent(t, "Defra", "ORG", "Defra"), ent(t, "Treasury", "ORG", "Treasury")]
    assert speakers(t, es) == [("We welcome it.", "Defra spokesman"), ("Fine.", "Treasury")]


def test_partial_quote_in_writers_sentence_and_titles_are_not_quotes():
    t = 'Mr Howard called it "a shambles". He starred in the film "Million Dollar Baby".'
    es = [ent(t, "Michael Howard", "PERSON", "Howard")]
    assert speakers(t, es) == [("a shambles", "Michael Howard")]


def test_without_entities_names_come_from_text():
    t = 'Michael Howard spoke. "Cut waste," Mr Howard said.'
    assert speakers(t) == [("Cut waste,", "Michael Howard")]


def test_dash_attribution():
    t = '"Never give up." - Winston Churchill'
    es = [ent(t, "Winston Churchill", "PERSON", "Winston Churchill")]
    assert speakers(t, es) == [("Never give up.", "Winston Churchill")]


def test_quote_offsets_index_text():
    t = 'He said "a" and "b c" then "d'
    for q in extract_quotes(t, ()):
        assert t[q.start : q.end] == q.text


def test_fuzz_unbalanced_quotes_linear():
    t = " ".join(['"he said', "Mr X said:", "\u201cyes", "it's"] * 2500)
    t0 = time.perf_counter()
    extract_quotes(t, ())
    assert time.perf_counter() - t0 < 5.0


def test_he_is_the_sentence_subject_not_a_name_in_an_aside():
    t = (
        "Opposition leader Peter Grant attacked the plan - which John Mills once backed - in a speech. "
        '"It will fail," he said.'
    )
    es = [ent(t, "Peter Grant", "PERSON", "Peter Grant"), ent(t, "John Mills", "PERSON", "John Mills")]
    assert speakers(t, es) == [("It will fail,", "Peter Grant")]


def test_he_after_an_unnamed_spokesman_stays_with_the_spokesman():
    t = 'Mr Ward criticised the scheme. A council spokesman denied it was unfair. "We consulted everyone," he said.'
    es = [ent(t, "Ward", "PERSON", "Ward")]
    assert speakers(t, es) == [("We consulted everyone,", "council spokesman")]


def test_they_prefers_an_organisation_named_in_the_plural():
    t = (
        "The Greens want a new tax, collected by the Revenue Office which would gain. "
        'They say the old tax puts a "ceiling" on fairness.'
    )
    es = [ent(t, "Greens", "ORG", "Greens"), ent(t, "Revenue Office", "ORG", "Revenue Office")]
    assert speakers(t, es) == [("ceiling", "Greens")]


def test_coordinated_speakers_are_one_joint_speaker():
    t = 'The Greens and Lib Dems tabled a motion, saying the plans are "excessive".'
    es = [ent(t, "Greens", "ORG", "Greens"), ent(t, "Lib Dems", "ORG", "Lib Dems")]
    assert speakers(t, es) == [("excessive", "Greens and Lib Dems")]


def test_second_verb_of_the_subject_and_unusual_speech_verb():
    t = 'Mrs Hale said the date was set and added: "I am thrilled." "You can call it luck," smiles one trader.'
    es = [ent(t, "Ann Hale", "PERSON", "Hale")]
    assert speakers(t, es)[0] == ("I am thrilled.", "Ann Hale")
    # 'smiles' is a cue of the text pattern; the chooser weighs its description against the earlier
    # named speaker (on this sentence it keeps Mrs Hale: a known miss, docs/quality.md)
    seen = {}
    extract_quotes(t, tuple(es), parsed(t), observe=lambda i, cands, ctx: seen.setdefault(i, cands))
    assert ("text:after_quote", "trader") in [(c.rule, c.speaker) for c in seen[1]]


def test_quote_after_a_sentence_naming_the_speaker():
    t = 'Mr Ward spoke first. One senior trader said the cause was political. "Money will leave."'
    es = [ent(t, "Ward", "PERSON", "Ward")]
    assert speakers(t, es) == [("Money will leave.", "senior trader")]


def test_described_speaker_falls_back_to_the_sentence_subject():
    t = (
        "Tom Hale also said he understood why the league side wanted Sam Cole. "
        '"It would be a loss," said the Rovers boss.'
    )
    es = [ent(t, "Tom Hale", "PERSON", "Tom Hale"), ent(t, "Sam Cole", "PERSON", "Sam Cole")]
    assert speakers(t, es) == [("It would be a loss,", "Tom Hale")]


def test_a_function_word_is_never_a_speaker():
    from services.quotes.resolve import Resolver

    t = 'and described it as "fine".'
    assert Resolver(t, (), []).resolve(0, 3, 20)[:2] == (None, None)


# --- issue 11: rules that generalise (made-up examples) ---


def test_titles_with_a_full_stop_do_not_end_the_sentence():
    t = '"The budget is late," Sen. Jane Roe (D-Ore.) said on Monday.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("The budget is late,", "Jane Roe")]


def test_long_titled_name_after_a_quoted_sentence():
    t = 'The vote was close.\n"We won the day." Former Deputy Party Chair Jane Roe said as the count ended.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("We won the day.", "Jane Roe")]


def test_head_of_the_speaker_phrase_is_its_last_name():
    t = '"We are ready," Roe campaign chairman John Doe said.'
    es = [ent(t, "Jane Roe", "PERSON", "Roe"), ent(t, "John Doe", "PERSON", "John Doe")]
    assert speakers(t, es) == [("We are ready,", "John Doe")]


def test_a_spokesman_for_someone_is_not_that_person():
    t = 'A spokesman for the Roe campaign said: "No comment."'
    es = [ent(t, "Jane Roe", "PERSON", "Roe")]
    ((quote, speaker),) = speakers(t, es)
    assert quote == "No comment." and speaker != "Jane Roe" and speaker.endswith("the Roe campaign")


def test_second_quote_in_an_attributed_sentence_keeps_the_speaker():
    t = '"Let them decide," said Mayor Jane Roe, urging critics to "give it time".'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("Let them decide,", "Jane Roe"), ("give it time", "Jane Roe")]


def test_speaker_after_the_verb_when_a_phrase_follows_the_quote():
    t = '"We are delighted" with the result, said Jane Roe, the club captain.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("We are delighted", "Jane Roe")]


def test_subject_with_an_apposition_before_a_partial_quote():
    t = 'The city\'s chief engineer, Jane Roe, vowed to fix "every single pothole" by May.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("every single pothole", "Jane Roe")]


def test_he_prefers_the_nearer_person_of_unknown_gender():
    t = 'Sam Doe opened the scoring. Later Kai Roe equalised in a busy second half. "It was a great game," he said.'
    es = [ent(t, "Sam Doe", "PERSON", "Sam Doe"), ent(t, "Kai Roe", "PERSON", "Kai Roe")]
    assert speakers(t, es)[0][1] == "Kai Roe"


def test_tweeted_is_a_speech_verb():
    t = '"See you all tomorrow," tweeted Jane Roe.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("See you all tomorrow,", "Jane Roe")]


def test_short_sentence_ending_in_a_colon_introduces_the_quote():
    t = 'The council wanted a delay. Jane Roe resisted: "We cannot wait another year."'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("We cannot wait another year.", "Jane Roe")]


def test_verb_with_a_long_object_before_the_colon():
    t = 'Jane Roe told the paper in a written statement on Friday: "I will stay."'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("I will stay.", "Jane Roe")]


def test_shouted_and_proclaimed_are_speech_verbs():
    t = '"Stop the vote!" shouted John Doe. "We have won," Jane Roe proclaimed.'
    es = [ent(t, "John Doe", "PERSON", "John Doe"), ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("Stop the vote!", "John Doe"), ("We have won,", "Jane Roe")]


def test_party_tag_after_the_name_before_the_verb():
    t = 'Asked about the budget, Sen. Jane Roe (D-Ore.) said the cuts were "simply cruel".'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("simply cruel", "Jane Roe")]


def test_introductory_phrase_is_not_the_subject_of_a_partial_quote():
    t = 'If the bill passes, Jane Roe has promised to fight "every single clause" in court.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("every single clause", "Jane Roe")]


def test_speaker_named_only_in_the_next_sentence():
    t = 'The count ended at midnight.\n"We will win." Jane Roe said the party was ready for the runoff.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("We will win.", "Jane Roe")]


def test_what_she_calls_makes_her_the_speaker():
    t = 'Jane Roe spoke at length. The city is hungry for what she calls "real change" now.'
    es = [ent(t, "Jane Roe", "PERSON", "Jane Roe")]
    assert speakers(t, es) == [("real change", "Jane Roe")]


def test_a_quote_is_direct_as_a_whole_sentence_and_partial_as_a_phrase_inside_the_writers():
    t = 'Roe said "We will win the vote on Monday." Doe called it "a farce". Lee said: "No."'
    es = [ent(t, n, "PERSON", n) for n in ("Roe", "Doe", "Lee")]
    got = [(q.kind, q.speaker) for q in extract_quotes(t, tuple(es), parsed(t)) if q.kind != "indirect"]
    assert got == [("direct", "Roe"), ("partial", "Doe"), ("direct", "Lee")]
