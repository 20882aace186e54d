"""`newsflow eval GOLD INPUT`: run normalize -> entities -> quotes on INPUT and score against GOLD with score.py."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from services.entities.app import build_stage as build_entities
from services.normalize.app import build_stage as build_normalize
from services.quotes.app import build_stage as build_quotes
from shared.events import ArticleDeduplicated, ArticlePublished, promote, to_dict
from shared.settings import Settings
from shared.stage import Rejected

DEFAULT_SCORER = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "score.py"


def load_scorer(path: str | Path = DEFAULT_SCORER):
    """Import score.py by path (it lives outside the package)."""
    spec = importlib.util.spec_from_file_location("newsflow_score", str(path))
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_pipeline(input_path: str | Path, settings: Settings | None = None, nlp=None) -> list[dict]:
    """Enriched events (as dicts) for every article of a raw-article JSONL file; dedup is bypassed."""
    settings = settings or Settings()
    raws = []
    with open(input_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                raws.append(ArticlePublished.from_dict(json.loads(line)))
    cleaned = [c for c in build_normalize(settings).process(raws) if not isinstance(c, Rejected)]
    deduped = [promote(c, ArticleDeduplicated) for c in cleaned]
    with_entities = [e for e in build_entities(settings, nlp=nlp).process(deduped) if not isinstance(e, Rejected)]
    enriched = [e for e in build_quotes(settings).process(with_entities) if not isinstance(e, Rejected)]
    return [to_dict(e) for e in enriched]


def evaluate(gold_path: str | Path, input_path: str | Path, settings: Settings | None = None,
             scorer_path: str | Path = DEFAULT_SCORER, nlp=None) -> dict:
    """score.py's figures (quotes, speakers, entities) for the pipeline's output on INPUT against GOLD."""
    scorer = load_scorer(scorer_path)
    gold = scorer.load(str(gold_path))
    pred = {str(d["id"]): d for d in run_pipeline(input_path, settings, nlp=nlp)}
    return scorer.score(gold, pred)


def format_result(result: dict) -> str:
    """The result printed the way score.py prints it."""
    return "\n".join(f"{k}: {v}" for k, v in result.items() if k != "errors_sample")
