"""benchmarks/gap.py: a GAP row's page subject, and its answers through the project's resolver."""

import sys
from pathlib import Path

from quote_helpers import ent, parsed

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.gap import answer, page_subject  # noqa: E402
from shared.core.events import EntitiesExtracted  # noqa: E402


def test_the_page_subject_is_the_wikipedia_title_without_its_qualifier():
    assert page_subject({"URL": "http://en.wikipedia.org/wiki/Jane_Roe_(singer)"}) == "Jane Roe"
    assert page_subject({"URL": "http://en.wikipedia.org/wiki/Ren%C3%A9e_Doe"}) == "Renée Doe"
    assert page_subject({}) == ""


def test_an_answer_names_at_most_one_of_the_two_names():
    text = "Jane Roe hired Mary Poe in 1990. Later she founded a school of her own."
    row = {
        "ID": "t-1",
        "Text": text,
        "Pronoun": "she",
        "Pronoun-offset": str(text.index("she")),
        "A": "Jane Roe",
        "A-offset": "0",
        "B": "Mary Poe",
        "B-offset": str(text.index("Mary Poe")),
        "URL": "http://en.wikipedia.org/wiki/Jane_Roe",
    }
    es = (ent(text, "Jane Roe", "PERSON", "Jane Roe"), ent(text, "Mary Poe", "PERSON", "Mary Poe"))
    event = EntitiesExtracted(id="t-1", body=text, text=text, entities=es, parse=parsed(text))
    a, b = answer(event, row)
    assert (a, b) == (True, False)  # the subject of the sentence before, and the page's subject
    assert answer(event, row, threshold=1.01) == (False, False)
