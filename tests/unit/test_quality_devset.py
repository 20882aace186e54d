"""Quality bars (issues 3 and 11): the embedded pipeline scored by score.py.

Always on the bundled generated articles of tests/data/news_corpus.py (their gold is what
the generator wrote), scored by the bundled copy of score.py. When the owners' data is
beside the repo (../shared), also on the BBC dev set and on the held-out part of PolNeAR's
training split (the part the rules were never tuned on; the cut is
`newsflow/evaluation/evalsets.py`'s, as the benchmarks'). Without ../shared the test ids say that those
dev-set checks were not run.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import SHARED_DIR
from data.news_corpus import articles, gold

from newsflow.evaluation import evalsets
from shared.core.settings import Settings

EVAL_DIR = SHARED_DIR / "eval"
CORPORA = SHARED_DIR / "corpora"
SCORER = EVAL_DIR / "score.py"
DEV = (EVAL_DIR / "dev_gold.jsonl", EVAL_DIR / "dev_input.jsonl")
HAVE_DEV = SCORER.exists() and all(p.exists() for p in DEV)
HAVE_POLNEAR = SCORER.exists() and (CORPORA / "polnear_train_gold.jsonl").exists()
BUNDLED = "bundled generated articles" + ("" if HAVE_DEV else " (dev-set checks NOT run: ../shared absent)")
BBC_DEV = "BBC dev set ../shared/eval"
HELDOUT = "PolNeAR held-out part ../shared/corpora"
BUNDLED_ARTICLES = 24

# Bars per set: (quotes F1, quotes with the right speaker F1, entities strict F1): issue 29's
# figures (docs/quality.md) less a margin of about 0.01 (BBC dev right speaker 0.935 with the resolver's
# boosted trees; 0.926 with its logistic regression, 0.943 after issue 18's last-subject rule).
BARS = {
    BUNDLED: (0.95, 0.90, 0.82),
    BBC_DEV: (0.97, 0.925, 0.82),
    HELDOUT: (0.97, 0.94, None),
}
HELDOUT_REPORTED_F1 = 0.78
HELDOUT_REPORTED_WITH_SPEAKER_F1 = 0.75
SETS = [BUNDLED] + ([BBC_DEV] if HAVE_DEV else []) + ([HELDOUT] if HAVE_POLNEAR else [])


def _bundled_files(tmp: Path) -> tuple[Path, Path]:
    gold_path, input_path = tmp / "gold.jsonl", tmp / "input.jsonl"
    gold_path.write_bytes(b"\n".join(orjson.dumps(g) for g in gold(BUNDLED_ARTICLES, "quality")) + b"\n")
    input_path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles(BUNDLED_ARTICLES, "quality")) + b"\n")
    return gold_path, input_path


_RESULTS: dict[str, dict] = {}


def _result(name: str, tmp_path_factory) -> dict:
    if name in _RESULTS:
        return _RESULTS[name]
    from newsflow.evaluation.evaluate import evaluate

    settings = Settings(embedded_wire=True)
    if name == BUNDLED:
        gold_path, input_path = _bundled_files(tmp_path_factory.mktemp("quality"))
        out = evaluate(gold_path, input_path, settings)  # the bundled copy of score.py
    elif name == BBC_DEV:
        out = evaluate(DEV[0], DEV[1], settings, scorer_path=SCORER)
    else:
        files = evalsets.set_files("heldout", None, tmp_path_factory.mktemp("heldout"))
        assert files is not None
        out = evaluate(files[0], files[1], settings, scorer_path=SCORER)
    _RESULTS[name] = out
    return out


@pytest.fixture(scope="module", params=SETS)
def result(request, tmp_path_factory):
    return request.param, _result(request.param, tmp_path_factory)


def test_quotes_f1(result):
    name, r = result
    assert r["quotes"]["f1"] >= BARS[name][0], r["quotes"]


def test_quotes_with_right_speaker_f1(result):
    name, r = result
    assert r["quotes_with_speaker"]["f1"] >= BARS[name][1], r["quotes_with_speaker"]


def test_entities_strict_f1(result):
    name, r = result
    if BARS[name][2] is None:
        assert "entities_strict" in r  # PolNeAR has no entity gold: scored, no bar
        return
    assert r["entities_strict"]["f1"] >= BARS[name][2], r["entities_strict"]


if HAVE_POLNEAR:  # defined only with PolNeAR beside the repo (no skip in a fresh clone)

    def test_heldout_reported_speech(tmp_path_factory):
        r = _result(HELDOUT, tmp_path_factory)
        assert r["indirect"]["f1"] >= HELDOUT_REPORTED_F1, r["indirect"]
        assert r["indirect_with_speaker"]["f1"] >= HELDOUT_REPORTED_WITH_SPEAKER_F1, r["indirect_with_speaker"]


def test_heldout_split_is_fixed_and_disjoint():
    ids = [f"article-{i}" for i in range(1000)]
    parts = [evalsets.part_of(i) for i in ids]
    assert parts == [evalsets.part_of(i) for i in ids]  # the same cut every time
    share = parts.count("heldout") / len(parts)
    assert 0.15 < share < 0.25  # one in HELDOUT_SHARE
