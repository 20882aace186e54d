"""The resolver's model: a linear part and boosted trees over the same named features, read from JSON."""

import math
import re

import pytest
from quote_helpers import ent, parsed

from services.quotes.coref import CorefModel, as_tree, compile_trees, load_resolver, walk_trees
from services.quotes.discourse import build_discourse

TREES = (
    ["agree=agree", -0.5, ["subj_same", 0.25, 1.0]],
    ["rank=0", ["cataphor", 0.0, -2.0], 0.75],
    0.125,
)


def test_compiled_trees_reach_the_leaves_a_walk_reaches():
    trees = tuple(as_tree(t) for t in TREES)
    boosted = compile_trees(trees)
    assert boosted({"agree=agree", "subj_same"}) == 1.0 + 0.0 + 0.125  # present, present; absent, absent
    for present in (set(), {"agree=agree"}, {"agree=agree", "subj_same"}, {"cataphor"}, {"rank=0", "cataphor"}):
        assert boosted(present) == walk_trees(trees, present)


def test_a_feature_name_with_quotes_or_backslashes_is_only_a_name_to_the_compiled_trees():
    name = "x' in present or 'y\\"
    assert compile_trees(([name, 0.0, 1.0],))({name}) == 1.0
    assert compile_trees(([name, 0.0, 1.0],))({"x", "y\\"}) == 0.0


@pytest.mark.parametrize(
    "tree",
    [float("nan"), float("inf"), True, ["x", 0.0], [1, 0.0, 1.0], "x", {"x": 1}],
    ids=["nan", "inf", "bool", "two_parts", "unnamed", "string", "dict"],
)
def test_a_malformed_tree_is_refused_when_the_model_is_read(tree):
    with pytest.raises(ValueError):
        CorefModel.from_json({"weights": {}, "intercept": 0.0, "threshold": 0.0, "trees": [tree]})


def test_a_tree_deeper_than_the_limit_is_refused():
    deep = 0.0
    for _ in range(40):
        deep = ["x", deep, 1.0]
    with pytest.raises(ValueError):
        as_tree(deep)


def test_a_model_adds_its_trees_to_its_linear_part_and_intercept():
    obj = {"weights": {"agree=agree": 0.5}, "intercept": -1.0, "threshold": 0.0, "trees": TREES}
    model = CorefModel.from_json(obj)
    f = {"agree=agree": 1.0, "subj_same": 1.0}
    z = -1.0 + 0.5 + 1.0 + 0.0 + 0.125
    assert math.isclose(model.score(f), 1.0 / (1.0 + math.exp(-z)))
    assert math.isclose(model.score_keys([("agree=agree",), ("subj_same",)]), model.score(f))
    assert model.score({"agree=agree": 1.0, "subj_same": 0.0}) < model.score(f)  # a zero is an absent feature


def _family(name: str) -> str:
    """A feature name without its values ('agree=agree|pron=m' -> 'agree|pron')."""
    return re.sub(r"=[^|]*", "", name)


def test_every_feature_the_shipped_trees_test_is_one_the_resolver_still_makes():
    texts = [
        "Jane Roe met Ann Poe in Paris. She said the plan would work, and Poe said she agreed with her.",
        "During his first term, John Doe said taxes would fall. Acme Corp said it would cut jobs. "
        "Doe told reporters he would stay.",
        "Mary Major praised Jane Roe. Roe said her rival was wrong, and Major said she was right.",
        "John Doe said taxes would fall. Bill Smith arrived late. He said the vote would pass.",
    ]
    made = set()
    for text in texts:
        es = tuple(
            ent(text, name, label, name)
            for name, label in (
                ("Jane Roe", "PERSON"),
                ("Ann Poe", "PERSON"),
                ("John Doe", "PERSON"),
                ("Acme Corp", "ORG"),
                ("Mary Major", "PERSON"),
                ("Paris", "GPE"),
                ("Bill Smith", "PERSON"),
            )
            if name in text
        )
        seen = []
        build_discourse(text, es, parsed(text), [], topic="Roe plan", observe=lambda m, c, seen=seen: seen.append(c))
        made |= {_family(k) for cands in seen for _c, f in cands for k in f}
    tested = set()

    def collect(node):
        if isinstance(node, tuple):
            tested.add(_family(node[0]))
            collect(node[1])
            collect(node[2])

    for tree in load_resolver().trees:
        collect(tree)
    assert tested and tested <= made, sorted(tested - made)
