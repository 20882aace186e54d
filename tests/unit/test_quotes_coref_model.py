"""The resolver's model: a linear part and boosted trees over the same named features, read from JSON."""

import math

from services.quotes.coref import CorefModel, compile_trees, load_resolver

TREES = (
    ["agree=agree", -0.5, ["subj_same", 0.25, 1.0]],
    ["rank=0", ["cataphor", 0.0, -2.0], 0.75],
    0.125,
)


def walk(tree, present):
    """A tree read node by node: the reference the compiled function must match."""
    while isinstance(tree, list):
        tree = tree[2] if tree[0] in present else tree[1]
    return tree


def test_compiled_trees_reach_the_leaves_a_walk_reaches():
    model = CorefModel.from_json({"weights": {}, "intercept": 0.0, "threshold": 0.0, "trees": TREES})
    boosted = compile_trees(model.trees)
    for present in (set(), {"agree=agree"}, {"agree=agree", "subj_same"}, {"cataphor"}, {"rank=0", "cataphor"}):
        assert boosted(present) == sum(walk(t, present) for t in TREES)


def test_a_model_adds_its_trees_to_its_linear_part_and_intercept():
    obj = {"weights": {"agree=agree": 0.5}, "intercept": -1.0, "threshold": 0.0, "trees": TREES}
    model = CorefModel.from_json(obj)
    f = {"agree=agree": 1.0, "subj_same": 1.0}
    z = -1.0 + 0.5 + sum(walk(t, f) for t in TREES)
    assert math.isclose(model.score(f), 1.0 / (1.0 + math.exp(-z)))
    assert math.isclose(model.score_keys([("agree=agree",), ("subj_same",)]), model.score(f))


def test_the_shipped_resolver_is_boosted_trees_over_named_features():
    model = load_resolver()
    assert model.trees and all(isinstance(t, tuple) for t in model.trees)
    assert 0.0 < model.score({"agree=agree": 1.0, "rank=0": 1.0}) < 1.0
