"""Quality bars of issue 3: normalize -> entities -> quotes, scored by score.py.

On the dev set beside the repo (../shared/eval) when it is there; always on the bundled
generated articles of tests/data/news_corpus.py (their gold is what the generator wrote).
Without ../shared the test ids say that the dev-set check was not run.
"""
from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from conftest import SHARED_DIR
from data.news_corpus import articles, gold
from shared.core.settings import Settings

EVAL_DIR = SHARED_DIR / "eval"
DEV = (EVAL_DIR / "dev_gold.jsonl", EVAL_DIR / "dev_input.jsonl", EVAL_DIR / "score.py")
HAVE_DEV = all(p.exists() for p in DEV)
BUNDLED = "bundled generated articles" + ("" if HAVE_DEV else " (dev-set check NOT run: ../shared/eval absent)")
SETS = [BUNDLED] + (["dev set ../shared/eval"] if HAVE_DEV else [])
BUNDLED_ARTICLES = 24


def _bundled_files(tmp: Path) -> tuple[Path, Path]:
    gold_path, input_path = tmp / "gold.jsonl", tmp / "input.jsonl"
    gold_path.write_bytes(b"\n".join(orjson.dumps(g) for g in gold(BUNDLED_ARTICLES, "quality")) + b"\n")
    input_path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles(BUNDLED_ARTICLES, "quality")) + b"\n")
    return gold_path, input_path


@pytest.fixture(scope="module", params=SETS)
def result(request, tmp_path_factory):
    from shared.entrypoints.evaluate import evaluate

    settings = Settings(embedded_wire=True)
    if request.param == BUNDLED:
        gold_path, input_path = _bundled_files(tmp_path_factory.mktemp("quality"))
        return evaluate(gold_path, input_path, settings)  # the bundled copy of score.py
    gold_path, input_path, scorer = DEV
    return evaluate(gold_path, input_path, settings, scorer_path=scorer)


def test_quotes_f1(result):
    assert result["quotes"]["f1"] >= 0.95, result["quotes"]


def test_quotes_with_right_speaker_f1(result):
    assert result["quotes_with_speaker"]["f1"] >= 0.90, result["quotes_with_speaker"]


def test_entities_strict_f1(result):
    assert result["entities_strict"]["f1"] >= 0.82, result["entities_strict"]
