"""French speakers right with and without the parse, on the French test sentences and article
(tests/unit/french_cases.py).

    PYTHONPATH=. python benchmarks/french_speakers.py

The French model (`load_pipeline(Settings(), "fr")`) parses each sentence's speech chunks as the
entities stage does (`parse_batch`, scope "speech"); the French quotes stage then runs without the
parse (before: no speakers, French has no text patterns) and with it (syntax rules: after). Entities
come two ways: the ones the test names, and the French model's own NER (its PER as PERSON).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "unit"))

from french_cases import ARTICLE, ARTICLE_ENTITIES, ARTICLE_SPEAKERS, CASES  # noqa: E402

from services.entities.app import load_pipeline  # noqa: E402
from services.entities.parse_pass import parse_batch  # noqa: E402
from services.quotes.french import extract_quotes_fr  # noqa: E402
from shared.core.events import Entity, Mention  # noqa: E402
from shared.core.settings import Settings  # noqa: E402

LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}


def given(text: str, names: tuple[tuple[str, str], ...]) -> tuple[Entity, ...]:
    """The entities the test case names."""
    out = []
    for name, label in names:
        s = text.index(name)
        out.append(Entity(name, label, 1, (Mention(name, s, s + len(name)),)))
    return tuple(out)


def from_model(nlp, text: str) -> tuple[Entity, ...]:
    """The French model's NER as entities (one mention each)."""
    doc = nlp(text)
    return tuple(
        Entity(e.text, LABELS.get(e.label_, e.label_), 1, (Mention(e.text, e.start_char, e.end_char),))
        for e in doc.ents
    )


def main() -> None:
    """Print right speakers before/after, per entity source."""
    nlp = load_pipeline(Settings(), "fr")
    texts = [c[0] for c in CASES]
    parses, _ = parse_batch(nlp, texts, "fr", "speech", 16)
    for source in ("given", "model"):
        right = {"before": 0, "after": 0}
        for (text, names, speaker, _), parse in zip(CASES, parses):
            ents = given(text, names) if source == "given" else from_model(nlp, text)
            for when, p in (("before", None), ("after", parse)):
                quotes = extract_quotes_fr(text, ents, p)
                right[when] += bool(quotes) and quotes[0].speaker == speaker
        ents = given(ARTICLE, ARTICLE_ENTITIES) if source == "given" else from_model(nlp, ARTICLE)
        (article_parse,), _ = parse_batch(nlp, [ARTICLE], "fr", "speech", 16)
        for when, p in (("before", None), ("after", article_parse)):
            quotes = extract_quotes_fr(ARTICLE, ents, p)
            right[when] += sum(q.speaker == g for q, g in zip(quotes, ARTICLE_SPEAKERS))
        n = len(CASES) + len(ARTICLE_SPEAKERS)
        print(f"entities {source}: right speaker before {right['before']}/{n}, after {right['after']}/{n}")


if __name__ == "__main__":
    main()
