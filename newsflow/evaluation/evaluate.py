"""`newsflow eval GOLD INPUT`: the embedded pipeline on INPUT, scored against GOLD.

The figures are those of `newsflow run INPUT > PRED; python score.py GOLD PRED`: the
same pipeline, the same scorer (a copy in `newsflow/evaluation/scoring.py`, or `scorer_path`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import read_inputs
from shared.core.batch import DeadLetter
from shared.core.events import to_dict
from shared.core.settings import Settings


def load_scorer(path: str | Path | None = None) -> ModuleType:
    """The scorer module: `newsflow.evaluation.scoring`, or a score.py imported by path."""
    if path is None:
        from newsflow.evaluation import scoring

        return scoring
    spec = importlib.util.spec_from_file_location("newsflow_external_score", str(path))
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(input_path: str | Path, settings: Settings, nlp: Any = None) -> dict[str, dict]:
    """The enriched events of every article of INPUT, by id (what `newsflow run INPUT` prints)."""
    pipeline = build_pipeline(settings, nlp=nlp)
    try:
        return {e.id: to_dict(e) for e in pipeline.run(read_inputs([str(input_path)])) if not isinstance(e, DeadLetter)}
    finally:
        pipeline.close()


def evaluate(
    gold_path: str | Path,
    input_path: str | Path,
    settings: Settings | None = None,
    scorer_path: str | Path | None = None,
    nlp: Any = None,
) -> dict:
    """score.py's figures (quotes, speakers, entities, duplicates) of the pipeline on INPUT against GOLD."""
    scorer = load_scorer(scorer_path)
    gold = scorer.load(str(gold_path))
    return scorer.score(gold, predict(input_path, settings or Settings(), nlp=nlp))


def format_report(result: dict) -> str:
    """The figures printed the way score.py prints them."""
    return "".join(f"{k}: {v}\n" for k, v in result.items() if k != "errors_sample")
