"""French quotation marks; appositive speakers in English (pure rules, entities given)."""

from quote_helpers import parsed

from services.quotes.french import extract_quotes_fr, pair_french
from services.quotes.logic import extract_quotes
from services.quotes.mentions import ArticleMentions
from shared.core.events import Entity, Mention


def ents(text: str, *names: tuple[str, str]) -> tuple[Entity, ...]:
    out = []
    for name, label in names:
        start = text.index(name)
        out.append(Entity(name, label, 1, (Mention(name, start, start + len(name)),)))
    return tuple(out)


def speakers(quotes) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in quotes]


def test_french_marks_pair_with_their_inner_spaces_trimmed_and_inner_marks_kept():
    text = "Il a dit : « Le mot ‹ crise › est exagéré. » Puis “Rien de plus”, a-t-il ajouté."
    spans = [text[s:e] for _, s, e, _ in pair_french(text)]
    assert spans == ["Le mot ‹ crise › est exagéré.", "Rien de plus"]


def test_a_french_quote_opening_its_sentence_is_direct_and_one_inside_it_partial():
    text = "Le ministre est arrivé lundi. « Rien n'est décidé », a-t-il dit. Il parle d'une « étape »."
    assert [(q.text, q.kind) for q in extract_quotes_fr(text)] == [
        ("Rien n'est décidé", "direct"),
        ("étape", "partial"),
    ]


def test_french_articles_without_entities_get_no_names_guessed_by_english_rules():
    text = "Selon Jean Dupont, le plan échoue. Le Président Emmanuel Macron a parlé."
    assert ArticleMentions(text, (), [], guess_names=False).mentions == []
    assert ArticleMentions(text, (), []).mentions  # English articles do get capitalised-name guesses


def test_without_a_parse_a_french_quote_has_no_speaker():
    """French speakers come from the parse only (tests/unit/test_quotes_french_syntax.py)."""
    text = "« Nous devons agir vite », a déclaré Emmanuel Macron."
    assert speakers(extract_quotes_fr(text, ents(text, ("Emmanuel Macron", "PERSON")))) == [
        ("Nous devons agir vite", None)
    ]


def test_appositive_speakers_are_the_named_person():
    text = (
        'The minister, John Smith, said: "I have done nothing wrong." '
        'Opposition MPs were not convinced. "We will fight on," added his spokeswoman, Jane Doe.'
    )
    e = ents(text, ("John Smith", "PERSON"), ("Jane Doe", "PERSON"))
    assert speakers(extract_quotes(text, e, parsed(text))) == [
        ("I have done nothing wrong.", "John Smith"),
        ("We will fight on,", "Jane Doe"),
    ]


def test_a_description_not_followed_by_a_name_stays_a_description():
    text = 'Talks went on. "We will fight on," added his spokeswoman, adding that talks would go on.'
    assert speakers(extract_quotes(text, ())) == [("We will fight on,", "spokeswoman")]
