"""Which NER model serves an article's language: English and French have one; the others get none.

An article in a language no model serves gets no entities (an English model on German
text finds garbage) and its trace says why. French spaCy models label people PER; the
event contract uses spaCy's English label names, so PER becomes PERSON (LOC, ORG, MISC stay).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

FRENCH_LABELS = {"PER": "PERSON"}
LABEL_MAPS = {"fr": FRENCH_LABELS}  # per model language: its labels in the contract's names
# French `ner` listens to the shared tok2vec (unlike English sm's own): keep it, drop what NER does not need.
FRENCH_NOT_NEEDED = ("morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "tagger")
SERVED = ("en", "fr")


def model_language(language: str | None, default: str = "en") -> str | None:
    """The language whose model runs for an article of `language` (None: no model serves it)."""
    lang = (language or default).lower()
    return lang if lang in SERVED else None


def skipped_reason(language: str | None) -> str:
    """The trace note of an article no model serves."""
    return f"no NER model for language {language!r} (models: {', '.join(SERVED)}): no entities"


def group_by_model(languages: Sequence[str | None], default: str = "en") -> dict[str | None, list[int]]:
    """Indices of the articles per model language (key None: no model), in input order."""
    groups: dict[str | None, list[int]] = {}
    for i, lang in enumerate(languages):
        groups.setdefault(model_language(lang, default), []).append(i)
    return groups


class LazyModel:
    """A spaCy model loaded on first use (a worker that never sees French never loads the French model)."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._nlp: Any = None

    def get(self) -> Any:
        """The loaded model."""
        if self._nlp is None:
            self._nlp = self._load()
        return self._nlp
