"""French quote sentences with their speaker and the syntax rule that should name it (written for the tests,
from general French news style; no evaluation data). Shared by the tests and benchmarks/french_speakers.py."""

from __future__ import annotations

# (text, entities named in it as (name, label), the quote's speaker, the syntax rule)
CASES: list[tuple[str, tuple[tuple[str, str], ...], str, str]] = [
    (
        "« Nous devons agir vite », a déclaré Emmanuel Macron.",
        (("Emmanuel Macron", "PERSON"),),
        "Emmanuel Macron",
        "syntax:fr_speech_verb_subject",
    ),
    (
        "« Nous restons vigilants », dit le préfet Pierre Martin.",
        (("Pierre Martin", "PERSON"),),
        "Pierre Martin",
        "syntax:fr_speech_verb_subject",
    ),
    (
        "La maire de Paris, Anne Hidalgo, a affirmé : « Cette décision est une erreur. »",
        (("Paris", "GPE"), ("Anne Hidalgo", "PERSON")),
        "Anne Hidalgo",
        "syntax:fr_speech_verb_subject",
    ),
    (
        "« Il faut du temps », a indiqué mardi le porte-parole du gouvernement, Olivier Véran.",
        (("Olivier Véran", "PERSON"),),
        "Olivier Véran",
        "syntax:fr_speech_verb_subject",
    ),
    (
        "« Rien n'est décidé », a répondu Jean Castex aux journalistes.",
        (("Jean Castex", "PERSON"),),
        "Jean Castex",
        "syntax:fr_speech_verb_subject",
    ),
    (
        "Le ministre Bruno Le Maire a expliqué que « la croissance reviendra ».",
        (("Bruno Le Maire", "PERSON"),),
        "Bruno Le Maire",
        "syntax:fr_speech_verb_subject",
    ),
    (
        "Le président Emmanuel Macron était à Berlin. « C'est une étape importante », a-t-il ajouté.",
        (("Emmanuel Macron", "PERSON"), ("Berlin", "GPE")),
        "Emmanuel Macron",
        "syntax:fr_speech_verb_pronoun",
    ),
    (
        "Anne Hidalgo était à Lyon. « Personne ne sait », estime-t-elle.",
        (("Anne Hidalgo", "PERSON"), ("Lyon", "GPE")),
        "Anne Hidalgo",
        "syntax:fr_speech_verb_pronoun",
    ),
    (
        "Le juge Paul Durand a lu le texte. « Nous restons vigilants », dit-il.",
        (("Paul Durand", "PERSON"),),
        "Paul Durand",
        "syntax:fr_speech_verb_pronoun",
    ),
    (
        "« La situation reste tendue », selon Jean Dupont.",
        (("Jean Dupont", "PERSON"),),
        "Jean Dupont",
        "syntax:fr_selon",
    ),
]

# One article of six paragraphs, a quote each: (text, entities, the speakers in quote order).
ARTICLE = (
    "Le président Emmanuel Macron était à Berlin mardi. « Nous devons agir vite », a déclaré Emmanuel Macron.\n"
    "« C'est une étape importante », a-t-il ajouté.\n"
    "La maire de Paris, Anne Hidalgo, a affirmé : « Cette décision est une erreur. »\n"
    "« La situation reste tendue », selon Jean Dupont.\n"
    "« Nous restons vigilants », déclare le préfet Pierre Martin.\n"
    "« Personne ne sait », estime-t-elle."
)
ARTICLE_ENTITIES = (
    ("Emmanuel Macron", "PERSON"),
    ("Berlin", "LOC"),
    ("Anne Hidalgo", "PERSON"),
    ("Jean Dupont", "PERSON"),
    ("Pierre Martin", "PERSON"),
)
ARTICLE_SPEAKERS = [
    "Emmanuel Macron",
    "Emmanuel Macron",
    "Anne Hidalgo",
    "Jean Dupont",
    "Pierre Martin",
    "Pierre Martin",
]
