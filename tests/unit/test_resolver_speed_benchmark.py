"""benchmarks/resolver_speed.py: the candidates it times are the ones the resolver scores."""

from types import SimpleNamespace

from quote_helpers import ent, parsed

from benchmarks.resolver_speed import candidate_keys, trees_alone
from services.quotes.coref import CorefModel, load_resolver


def test_it_records_every_candidate_scored_and_leaves_the_model_as_it_was():
    text = "Jane Roe met Ann Poe. She said the plan would work. Later she said it again."
    es = (ent(text, "Jane Roe", "PERSON", "Jane Roe"), ent(text, "Ann Poe", "PERSON", "Ann Poe"))
    event = SimpleNamespace(text=text, entities=es, parse=parsed(text))
    before = CorefModel.score_keys
    keys = candidate_keys([event], [[]], load_resolver())
    assert CorefModel.score_keys is before
    assert len(keys) == 4  # two pronouns, two candidate chains each
    assert all(("bias",) in k for k in keys)
    compiled, walked = trees_alone(load_resolver(), keys, 1)
    assert compiled >= 0.0 and walked >= 0.0
