"""The entities stage's one model pass with the real small model: a parse for speech sentences, none for others,
entities unchanged by it, and the parse across the wire."""

import dataclasses

import orjson
import pytest
from data.news_corpus import articles

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from services.entities.app import build_stage, load_model, load_pipeline
from services.entities.parse_pass import parse_disabled
from shared.core.codec import encode, loads
from shared.core.events import ArticleDeduplicated, ArticleEnriched, EntitiesExtracted, from_dict, to_dict
from shared.core.settings import Settings
from shared.core.stage import StageDeps

QUOTE = "\u201cWe will win,\u201d said Jane Roe, the party leader."
REPORTED = "Mr Smith told reporters the plan had failed."
PLAIN = "The weather in Leeds was fine on Monday."


def _event(text, language="en", i="a"):
    return ArticleDeduplicated(id=i, body=text, text=text, language=language)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(Settings())


@pytest.fixture(scope="module")
def stage(nlp):
    return build_stage(Settings(), StageDeps(nlp=nlp, nlp_fr=lambda: load_pipeline(Settings(), "fr")))


def _tokens(event, i0=0, n=None):
    p = event.parse
    return [p.token_text(i, event.text) for i in range(i0, len(p) if n is None else i0 + n)]


def test_quote_and_speech_sentences_are_parsed_and_no_others(stage):
    text = f"{PLAIN} {QUOTE} {PLAIN}\n\n{REPORTED}"
    (out,) = stage.process([_event(text)])
    p = out.parse
    parsed = {(p.start[a], p.end[b - 1]) for a, b in p.sents}
    assert parsed == {
        (text.index(QUOTE), text.index(QUOTE) + len(QUOTE)),
        (text.index(REPORTED), len(text)),
    }
    assert not p.is_parsed(0, len(PLAIN))
    assert out.trace["entities"]["parse_scope"] == "speech" and out.trace["entities"]["parse_tokens"] == len(p)


def test_the_parse_has_heads_labels_tags_and_speech_lemmas(stage):
    (out,) = stage.process([_event(QUOTE)])
    p, text = out.parse, out.text
    said = p.token_at(text.index("said"))
    assert p.dep[said] == "ROOT" and p.tag[said] == "VBD" and p.lemma_of(said, text) == "say"
    assert [p.token_text(c, text) for c in p.children(said) if p.dep[c] == "nsubj"] == ["Roe"]
    win = p.token_at(text.index("win"))
    assert p.dep[win] == "ccomp" and p.head[win] == said


def test_an_article_without_speech_gets_no_parse(stage):
    (out,) = stage.process([_event(f"{PLAIN} Prices rose by 3% in May.")])
    assert out.parse is None and out.trace["entities"]["parse_tokens"] == 0


def test_entities_are_the_same_with_and_without_the_parse(stage, nlp):
    events = [_event(a["body"], i=str(k)) for k, a in enumerate(articles(6, "parse"))]
    ner_only = build_stage(Settings(parse_scope="none"), StageDeps(nlp=load_model(Settings().model)))
    with_parse, without = stage.process(events), ner_only.process(events)
    assert [e.entities for e in with_parse] == [e.entities for e in without]
    assert all(e.parse is not None for e in with_parse) and all(e.parse is None for e in without)
    assert without[0].trace["entities"]["parse_skipped"] == "parse scope is 'none'"


def test_scope_all_parses_every_sentence(nlp):
    (out,) = build_stage(Settings(parse_scope="all"), StageDeps(nlp=nlp)).process([_event(f"{PLAIN} {PLAIN}")])
    assert out.parse.is_parsed(0, 5) and len(out.parse.sents) == 2


def test_other_languages_and_models_without_a_parser_get_none_and_say_why(nlp):
    (de,) = build_stage(Settings(), StageDeps(nlp=nlp)).process([_event("Er sagte: \u201eJa.\u201c", "de")])
    assert de.parse is None and "no parser for language 'de'" in de.trace["entities"]["parse_skipped"]
    stage = build_stage(Settings(), StageDeps(nlp=load_model(Settings().model)))
    (en,) = stage.process([_event(QUOTE)])
    assert en.parse is None and en.trace["entities"]["parse_skipped"] == "the model has no parser"
    assert [e.name for e in en.entities] == ["Jane Roe"]


def test_french_quotes_are_parsed_by_the_french_model(stage):
    text = "Le temps était beau. \u00ab Nous partons \u00bb, a déclaré le général Dupont."
    (out,) = stage.process([_event(text, "fr")])
    assert out.trace["entities"]["model_language"] == "fr"
    assert not out.parse.is_parsed(0, 10)
    assert out.parse.token_text(0, text) == "\u00ab"
    assert "VERB" in out.parse.tag


def test_the_english_parse_pass_skips_the_model_lemmatizer(nlp):
    assert {"ner", "attribute_ruler", "lemmatizer"} <= set(parse_disabled(nlp, "en"))
    assert "tok2vec" not in parse_disabled(nlp, "en") and "parser" not in parse_disabled(nlp, "en")


def test_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="NEWSFLOW_PARSE_SCOPE"):
        build_stage(Settings(parse_scope="most"), StageDeps(nlp=object()))


def test_the_entities_event_with_its_parse_round_trips_the_wire(stage):
    (out,) = stage.process([_event(f"{PLAIN} {QUOTE}")])
    wire = loads(encode(out))
    assert wire["parse"]["v"] == 2 and 0 in wire["parse"]["head"]  # heads relative: a root is 0
    back = from_dict(EntitiesExtracted, wire)
    assert back == out
    assert from_dict(EntitiesExtracted, orjson.loads(encode(dataclasses.replace(out, parse=None)))).parse is None
    assert "parse" not in to_dict(from_dict(ArticleEnriched, wire))


def test_the_embedded_pipeline_carries_the_parse_between_stages_on_the_wire(nlp):
    settings = Settings(embedded_wire=True)
    raw = orjson.dumps({"id": "w1", "body": f"{PLAIN} {QUOTE}", "language": "en"})
    pipeline = build_pipeline(settings, "normalize,dedup,entities", nlp=nlp)
    (ent,) = list(pipeline.run([InputItem("t:1", raw)]))
    assert isinstance(ent, EntitiesExtracted) and ent.parse is not None
    (enriched,) = list(build_pipeline(settings, nlp=nlp).run([InputItem("t:1", raw)]))
    assert isinstance(enriched, ArticleEnriched) and "parse" not in to_dict(enriched)
