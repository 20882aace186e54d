"""Speaker patterns and resolution, with and without entities."""
import time

from services.quotes.extract import extract_quotes
from shared.events import Entity, Mention


def ent(text, name, label, *surfaces):
    ms = []
    for s in surfaces:
        i = -1
        while True:
            i = text.find(s, i + 1)
            if i == -1:
                break
            ms.append(Mention(s, i, i + len(s)))
    return Entity(name=name, label=label, count=len(ms), mentions=tuple(ms))


def speakers(text, entities=()):
    return [(q.text, q.speaker) for q in extract_quotes(text, tuple(entities))]


def test_after_quote_with_pronoun_and_honorific():
    t = ('Tory leader Michael Howard spoke. "We will cut waste," he said. '
         '"It is fair," Mr Howard insisted.')
    es = [ent(t, "Michael Howard", "PERSON", "Michael Howard", "Howard")]
    assert speakers(t, es) == [("We will cut waste,", "Michael Howard"), ("It is fair,", "Michael Howard")]


def test_said_x_the_description_and_before_colon():
    t = ('"It was good," said Andrew Pendleton, head of policy. '
         'Chancellor Gordon Brown told the BBC: "We disagree."')
    es = [ent(t, "Andrew Pendleton", "PERSON", "Andrew Pendleton"),
          ent(t, "Gordon Brown", "PERSON", "Gordon Brown")]
    assert speakers(t, es) == [("It was good,", "Andrew Pendleton"), ("We disagree.", "Gordon Brown")]


def test_whole_sentence_quote_inherits_and_paragraph_continues():
    t = '"One," Mary Smith said. "Two.\n\n"Three."'
    es = [ent(t, "Mary Smith", "PERSON", "Mary Smith")]
    assert [s for _, s in speakers(t, es)] == ["Mary Smith"] * 3


def test_she_goes_to_the_woman():
    t = 'John Major met Mrs Thatcher. Margaret Thatcher was angry. "No," she said.'
    es = [ent(t, "John Major", "PERSON", "John Major"),
          ent(t, "Margaret Thatcher", "PERSON", "Margaret Thatcher", "Thatcher")]
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
        assert t[q.start:q.end] == q.text


def test_fuzz_unbalanced_quotes_linear():
    t = " ".join(['"he said', "Mr X said:", '\u201cyes', "it's"] * 2500)
    t0 = time.perf_counter()
    extract_quotes(t, ())
    assert time.perf_counter() - t0 < 5.0
