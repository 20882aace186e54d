"""The bundled scorer tracks the project owners' score.py, and scores what it should.

With ../shared/eval/score.py beside the repo, the bundled copy must be the same program
(docstrings aside); without it, that comparison is not possible and the test says so in
its name, while the behaviour tests below run on bundled data either way.
"""

from __future__ import annotations

import ast

import pytest
from conftest import REPO, SHARED_DIR

from newsflow.evaluation import scoring

BUNDLED = REPO / "newsflow" / "evaluation" / "scoring.py"
ORIGINAL = SHARED_DIR / "eval" / "score.py"


def _program(path) -> str:
    """The module's code without its docstring, as an AST dump (comments and layout do not count)."""
    tree = ast.parse(path.read_text())
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


@pytest.mark.parametrize(
    "where",
    [
        "../shared/eval/score.py present"
        if ORIGINAL.exists()
        else "../shared/eval/score.py absent: copy not compared, only its own checks"
    ],
)
def test_bundled_scorer_is_the_owners_score_py(where):
    if not ORIGINAL.exists():
        # A clone without ../shared: the copy can only be checked to be a whole scorer.
        assert _program(BUNDLED) and callable(scoring.score) and callable(scoring.load)
        return
    assert _program(BUNDLED) == _program(ORIGINAL), (
        f"{BUNDLED.relative_to(REPO)} differs from {ORIGINAL}: copy it again (keep only its docstring note)"
    )


def _event(quotes, entities=(), duplicate_of=None, article_id="a1"):
    return {
        "id": article_id,
        "quotes": list(quotes),
        "entities": list(entities),
        "dedup": {"duplicate_of": duplicate_of},
    }


def test_reported_speech_is_scored_apart_from_direct_quotes():
    gold = {
        "a1": {
            "id": "a1",
            "quotes": [{"text": "We will win the vote", "speaker": "Ann Lee", "kind": "direct"}],
            "indirect": [{"text": "the party would cut taxes next year", "speaker": "Ann Lee"}],
            "entities": {"PERSON": ["Ann Lee"]},
        }
    }
    pred = {
        "a1": _event(
            [
                {"text": "We will win the vote", "speaker": "Ms Lee"},
                {"text": "the party would cut taxes next year", "speaker": "Lee", "kind": "indirect"},
            ],
            [{"name": "Ann Lee", "label": "PERSON"}],
        )
    }
    result = scoring.score(gold, pred)
    assert result["quotes"]["f1"] == 1.0, "an indirect prediction never counts against direct quotes"
    assert result["indirect"]["tp"] == 1 and result["indirect_with_speaker"]["tp"] == 1


def test_a_speaker_with_an_affiliation_matches_by_its_core_name():
    assert scoring.speaker_match("Chris Low", "Chris Low at FTN Financial")
    assert scoring.speaker_match("Kelly", "Kelly, a retired astronaut,")
    assert not scoring.speaker_match("Tony Blair", "Chris Low at FTN Financial")
