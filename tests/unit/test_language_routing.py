"""Each language gets its own pipeline: English and French models and rules, nothing English for the others.

The embedded pipeline over the pages of tests/data/pages (real spaCy models, no servers).
"""

import orjson
import pytest
from pages import page

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from shared.core.settings import Settings


@pytest.fixture(scope="module")
def enriched() -> dict:
    pipeline = build_pipeline(Settings())
    names = ("en_minister.html", "fr_koursk.html", "de_energie.html", "es_lluvias.html")
    out = {e.id: e for e in pipeline.run(InputItem(n, orjson.dumps({"id": n[:2], "body": page(n)})) for n in names)}
    pipeline.close()
    return out


def test_every_event_has_its_language(enriched):
    assert {i: e.language for i, e in enriched.items()} == {"en": "en", "fr": "fr", "de": "de", "es": "es"}


def test_an_english_page_gets_english_entities_and_appositive_speakers(enriched):
    e = enriched["en"]
    assert {"John Smith", "Jane Doe"} <= {x.name for x in e.entities if x.label == "PERSON"}
    assert [(q.text, q.speaker) for q in e.quotes if q.kind != "indirect"] == [
        ("I have done nothing wrong.", "John Smith"),
        ("We will fight on,", "Jane Doe"),
    ]
    assert e.trace["entities"]["model_language"] == "en"


def test_a_french_page_gets_french_entities_and_speakers(enriched):
    e = enriched["fr"]
    persons = {x.name for x in e.entities if x.label == "PERSON"}
    assert {"Volodymyr Zelensky", "Irina Petrova"} <= persons
    assert not any(n.lower().startswith("l'arm") or "Koursk" in n for n in persons)
    assert any("Koursk" in x.name and x.label == "LOC" for x in e.entities)
    by_text = {q.text[:20]: q.speaker for q in e.quotes}
    assert by_text["Nos unités ont libér"] and "Guerassimov" in by_text["Nos unités ont libér"]
    assert by_text["La situation sur le "] == "Volodymyr Zelensky"  # a-t-il affirmé
    assert by_text["Personne ne sait qua"] == "Irina Petrova"
    assert e.trace["entities"]["model_language"] == "fr"


@pytest.mark.parametrize("lang", ["de", "es"])
def test_german_and_spanish_get_no_english_output_and_the_trace_says_why(enriched, lang):
    e = enriched[lang]
    assert e.entities == () and e.quotes == ()
    assert f"language '{lang}'" in e.trace["entities"]["skipped"]
    assert f"language '{lang}'" in e.trace["quotes"]["skipped"]
    assert e.dedup is not None and e.dedup.status == "unique"
    assert len(e.text) > 200
