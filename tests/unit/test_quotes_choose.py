"""The learned chooser: the packaged model loads, its features name no words, its choice is explained."""

import json

import pytest
from quote_helpers import ent

from services.quotes.choose import MODEL_PATH, Choice, Chooser, QuoteContext, features, load_chooser
from services.quotes.logic import extract_quotes
from services.quotes.sources import SOURCES
from shared.core.events import ArticleEnriched, Quote, from_dict, to_dict

TEXT = '"We will win," Jane Roe said.'
CTX = QuoteContext("direct", False, frozenset({"Jane Roe"}), TEXT)


def test_the_packaged_model_is_small_and_loads():
    assert MODEL_PATH.stat().st_size < 5_000_000
    model = json.loads(MODEL_PATH.read_text())
    assert model["seed"] is not None and model["trained_on"]["set"] == "polnear tuning part"
    ch = load_chooser()
    assert ch.weights and 0.0 <= ch.threshold < 1.0


def test_feature_names_come_from_rules_and_forms_never_from_words():
    c = Choice("syntax:speech_verb_subject", "Jane Roe", "PERSON", 15, 23, "said", "nsubj", True, 1)
    names = set(features(c, [c], CTX))
    assert not any("roe" in n.lower() or "jane" in n.lower() or "win" in n.lower() for n in names)
    known = {f"rule={r}" for r in SOURCES}
    assert {n for n in load_chooser().weights if n.startswith("rule=") and "|" not in n} <= known


def test_the_verb_relation_and_a_possessive_phrase_are_features():
    text = 'Roe\u2019s letter makes a case: "We will win."'
    ctx = QuoteContext("direct", False, frozenset(), text)
    c = Choice("syntax:colon_subject", "Roe\u2019s", None, 0, 5, "make", "poss", False, 25, 0, "ROOT")
    f = features(c, [c], ctx)
    assert f["possessive"] == 1.0 and f["verb_dep=ROOT"] == 1.0
    plain = features(Choice("syntax:colon_subject", "Roe\u2019s letter", None, 0, 12), [c], ctx)
    assert plain["possessive"] == 0.0 and plain["verb_dep=none"] == 1.0


def test_agreeing_candidates_win_over_a_lone_rival():
    a = Choice("text:after_quote", "Jane Roe", "PERSON", 15, 23, "said", "", True, 1)
    b = Choice("syntax:speech_verb_subject", "Jane Roe", "PERSON", 15, 23, "said", "nsubj", True, 1)
    rival = Choice("run:previous_speaker", "John Doe", "PERSON", 0, 3, None, "", False, 300)
    picked = load_chooser().choose([rival, a, b], CTX)
    assert picked is not None and picked[0].speaker == "Jane Roe" and 0.5 < picked[1] <= 1.0


def test_below_the_threshold_there_is_no_speaker():
    c = Choice("text:after_quote", "Jane Roe", "PERSON", 15, 23)
    assert Chooser({}, -5.0, 0.5).choose([c], CTX) is None
    assert Chooser({}, 5.0, 0.5).choose([], CTX) is None


def test_each_quote_says_where_its_speaker_is_named_which_rule_and_how_sure():
    (q,) = extract_quotes(TEXT, (ent(TEXT, "Jane Roe", "PERSON", "Jane Roe"),))
    assert q.speaker == "Jane Roe" and TEXT[q.speaker_start : q.speaker_end] == "Jane Roe"
    assert q.rule in ("text:after_quote+name", "syntax:speech_verb_subject+name") and 0.0 < q.confidence <= 1.0


def test_a_pronoun_candidate_carries_the_resolvers_probability_into_confidence():
    text = 'Jane Roe met Mary Poe. "We will win," she said.'
    es = (ent(text, "Jane Roe", "PERSON", "Jane Roe"), ent(text, "Mary Poe", "PERSON", "Mary Poe"))
    seen = []
    extract_quotes(text, es, observe=lambda i, cands, ctx: seen.extend(cands))
    pronoun = [c for c in seen if c.step == "pronoun"]
    named = [c for c in seen if c.step == "name"]
    assert pronoun and all(0.0 < c.certainty < 1.0 for c in pronoun)  # two women: the resolver is unsure
    assert all(c.certainty == 1.0 for c in named)
    uncalibrated = Chooser({}, 0.0, 0.0)
    assert uncalibrated.confidence(pronoun[0], 0.9) == pytest.approx(0.9 * pronoun[0].certainty)


@pytest.mark.parametrize("version", [2, 3])
def test_quotes_of_schema_2_and_3_read(version):
    q = Quote("x", 1, 2, "Jane Roe", "PERSON", "said", "direct", 5, 13, "syntax:speech_verb_subject", 0.9)
    d = to_dict(ArticleEnriched(id="a", body="b", text="t", quotes=(q,)))
    d["schema_version"] = version
    if version == 2:
        for k in ("speaker_start", "speaker_end", "rule", "confidence"):
            del d["quotes"][0][k]
    back = from_dict(ArticleEnriched, d).quotes[0]
    assert back == (q if version == 3 else Quote("x", 1, 2, "Jane Roe", "PERSON", "said", "direct"))
