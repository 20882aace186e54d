"""French quotation marks and speech verbs; appositive speakers in English (pure rules, entities given)."""

from quote_helpers import parsed

from services.quotes.french import extract_quotes_fr, pair_french
from services.quotes.logic import extract_quotes
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


def test_french_speech_verbs_after_and_before_the_quote_and_selon():
    text = (
        "Le président Emmanuel Macron était à Berlin mardi. « Nous devons agir vite », a déclaré Emmanuel Macron.\n"
        "« C'est une étape importante », a-t-il ajouté.\n"
        "La maire de Paris, Anne Hidalgo, a affirmé : « Cette décision est une erreur. »\n"
        "« La situation reste tendue », selon Jean Dupont.\n"
        "« Nous restons vigilants », déclare le préfet Pierre Martin.\n"
        "« Personne ne sait », estime-t-elle."
    )
    e = ents(
        text,
        ("Emmanuel Macron", "PERSON"),
        ("Berlin", "LOC"),
        ("Anne Hidalgo", "PERSON"),
        ("Jean Dupont", "PERSON"),
        ("Pierre Martin", "PERSON"),
    )
    got = extract_quotes_fr(text, e)
    assert speakers(got) == [
        ("Nous devons agir vite", "Emmanuel Macron"),
        ("C'est une étape importante", "Emmanuel Macron"),
        ("Cette décision est une erreur.", "Anne Hidalgo"),
        ("La situation reste tendue", "Jean Dupont"),
        ("Nous restons vigilants", "Pierre Martin"),
        ("Personne ne sait", "Pierre Martin"),
    ]
    assert [q.cue for q in got] == ["déclaré", "ajouté", "affirmé", "selon", "déclare", "estime"]
    for q in got:
        assert text[q.start : q.end] == q.text


def test_a_french_quote_without_a_speech_verb_has_no_speaker():
    text = "Le film « La Haine » ressort en salles."
    assert speakers(extract_quotes_fr(text, ())) == [("La Haine", None)]


def test_an_unnamed_description_is_kept_as_the_speaker():
    text = "« Les travaux commenceront en mai », a précisé le ministère."
    assert speakers(extract_quotes_fr(text, ())) == [("Les travaux commenceront en mai", "le ministère")]


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
