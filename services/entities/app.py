"""Builder of the entities stage: one spaCy model per served language, run once per article over the batch.

The builder takes its models from the composition root (`newsflow.bootstrap`), which loads them with
`load_pipeline` below; it never loads one itself. spaCy is imported when a model is
loaded, not with this module: the registry of stages imports every builder, and a worker of another
stage must not pay for spaCy.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from services.entities.languages import FRENCH_NOT_NEEDED, LazyModel
from services.entities.logic import extract_entities
from services.entities.noise import DEFAULT_PUBLISHERS
from services.entities.parse_scope import SCOPES
from shared.core.events import ArticleDeduplicated, EntitiesExtracted
from shared.core.settings import Settings
from shared.core.stage import Rejected, Stage, StageDeps, isolate_failures

# `ner` in the small English model carries its own tok2vec; these feed only tagger/parser.
NOT_NEEDED_FOR_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# Nobody reads the statistical sentence splitter (the parser splits the sentences it parses).
NOT_NEEDED_FOR_PARSE = ("senter",)


def load_model(model: str, exclude: Sequence[str] = NOT_NEEDED_FOR_NER) -> Any:
    """A spaCy pipeline for entities: only `ner` and what it listens to (plus our fixes for English)."""
    import spacy

    nlp = spacy.load(model, exclude=list(exclude))
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"model {model!r} has no 'ner' component")
    return nlp


def load_french(model: str) -> Any:
    """The French spaCy pipeline for entities: tok2vec and ner only (French `ner` listens to the shared tok2vec)."""
    return load_model(model, FRENCH_NOT_NEEDED)


def load_pipeline(settings: Settings, language: str = "en") -> Any:
    """The model of `language` ("en": `settings.model`, "fr": `settings.model_fr`) with every component the
    entities stage runs: NER, and the parser with what it needs unless `settings.parse_scope` is "none".

    For a composition root: load it once per process and pass it in `StageDeps.nlp`.
    """
    _check_scope(settings.parse_scope)
    model = settings.model_fr if language == "fr" else settings.model
    if settings.parse_scope == "none":
        return load_french(model) if language == "fr" else load_model(model)
    return load_model(model, NOT_NEEDED_FOR_PARSE)


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise ValueError(f"NEWSFLOW_PARSE_SCOPE={scope!r} is not one of {', '.join(SCOPES)}")


def _ensure_fixes(nlp: Any) -> None:
    from services.entities.component import COMPONENT_NAME  # registers newsflow_entity_fixes with spaCy

    if COMPONENT_NAME not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT_NAME, last=True)


def _not_given(language: str, model: str) -> Callable[[], Any]:
    def fail() -> Any:
        raise ValueError(f"no {language} model ({model!r}) was given to the entities stage")

    return fail


def build_stage(settings: Settings, deps: StageDeps, publishers: tuple[str, ...] = DEFAULT_PUBLISHERS) -> Stage:
    """The entities stage: English articles over `deps.nlp`, French ones over the model `deps.nlp_fr` returns
    (called on the first French article); other languages get no entities, and their trace says why. Both come
    from the composition root (`load_pipeline`). Where the model has a parser, the sentences
    `settings.parse_scope` chooses are parsed and the event carries their `parse`."""
    _check_scope(settings.parse_scope)
    if deps.nlp is None:
        raise ValueError("the entities stage needs a spaCy model in deps.nlp (newsflow.bootstrap loads it)")
    nlp = deps.nlp
    _ensure_fixes(nlp)
    models = {"en": LazyModel(lambda: nlp), "fr": LazyModel(deps.nlp_fr or _not_given("French", settings.model_fr))}
    batch_size = max(1, settings.batch_size)

    def process(events: Sequence[ArticleDeduplicated]) -> list[EntitiesExtracted | Rejected]:
        return list(
            extract_entities(
                lambda lang: models[lang].get(),
                events,
                publishers,
                batch_size,
                settings.default_language,
                settings.parse_scope,
            )
        )

    return Stage(name="entities", reads=ArticleDeduplicated, process=isolate_failures(process))
