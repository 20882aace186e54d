"""Language detection: fastText's identifier behind the publisher's word (sentences written for newsflow)."""

import pytest

from services.normalize.language import decide_language, identify, language_code

TEXTS = {
    "en": [
        "The government announced new measures to curb rising energy prices on Tuesday.",
        "Heavy rain caused flooding across the north of the country.",
    ],
    "fr": [
        "Le gouvernement a annoncé mardi de nouvelles mesures contre la hausse des prix de l'énergie.",
        "De fortes pluies ont provoqué des inondations dans le nord du pays.",
    ],
    "de": [
        "Die Regierung hat am Dienstag neue Maßnahmen gegen steigende Energiepreise angekündigt.",
        "Starker Regen führte im Norden des Landes zu Überschwemmungen.",
    ],
    "es": [
        "El gobierno anunció el martes nuevas medidas para frenar la subida de los precios de la energía.",
        "Las fuertes lluvias provocaron inundaciones en el norte del país.",
    ],
}
HEADLINES = {
    "en": "Storm hits the coast",
    "fr": "La tempête frappe la côte",
    "de": "Sturm trifft die Küste",
    "es": "La tormenta azota la costa",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_sentences_long_texts_and_headlines_are_identified(lang):
    for sentence in TEXTS[lang]:
        assert decide_language(sentence).language == lang, sentence
    assert decide_language(" ".join(TEXTS[lang] * 3)).language == lang
    assert identify(HEADLINES[lang])[0] == lang


def test_language_tags_are_reduced_to_their_primary_subtag():
    assert [language_code(v) for v in ("en-GB", "fr_FR", "DE", "es-419", "French", "", None)] == [
        "en",
        "fr",
        "de",
        "es",
        None,
        None,
        None,
    ]


def test_the_publishers_language_is_trusted_unless_the_text_plainly_says_otherwise():
    short_en = "Storm hits the coast"
    assert decide_language(short_en, publisher="fr").language == "fr"  # too little text to overrule
    long_fr = " ".join(TEXTS["fr"] * 3)
    v = decide_language(long_fr, publisher="en")
    assert (v.language, v.source) == ("fr", "detected")
    v = decide_language(" ".join(TEXTS["en"] * 3), publisher="en-US")
    assert (v.language, v.source) == ("en", "publisher")


def test_the_pages_own_lang_comes_after_the_publisher_and_before_detection():
    assert decide_language("Storm hits the coast", page="de").language == "de"
    assert decide_language("Storm hits the coast", publisher="en", page="de").language == "en"


def test_text_with_nothing_to_tell_gets_the_default_language():
    for text in ("", "12:30 0.0100 +2%", "\u200b\u200b"):
        v = decide_language(text, default="en")
        assert (v.language, v.source) == ("en", "default"), text
