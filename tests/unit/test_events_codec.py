import orjson
import pytest

from shared.core.codec import decode_raw, encode
from shared.core.events import (
    SCHEMA_VERSION,
    ArticleCleaned,
    ArticleDeduplicated,
    ArticleEnriched,
    ArticlePublished,
    DedupVerdict,
    EntitiesExtracted,
    Entity,
    InvalidEvent,
    Mention,
    Quote,
    from_dict,
    promote,
    to_dict,
)


def test_raw_article_keeps_unknown_fields_and_accepts_int_id():
    raw = decode_raw(b'{"id": 7, "body": "x", "category": "tech"}')
    assert raw.id == "7" and raw.extra == {"category": "tech"}


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"title": "t"}', "no 'body'"),
        (b'{"body": 5}', "not a string"),
        (b'{"body": "x", "title": 3}', "'title' is a int"),
        (b"", "empty message"),
        (b'{"body": "\xff\xfe"}', "not JSON"),
    ],
)
def test_invalid_raw_events_say_why(data, reason):
    with pytest.raises(InvalidEvent, match=reason):
        decode_raw(data)


def test_size_limit_is_checked_before_parsing():
    with pytest.raises(InvalidEvent, match="exceeds the limit"):
        decode_raw(b'{"body": "' + b"x" * 100 + b'"}', max_bytes=50)


def test_enriched_event_round_trips_in_contract_order():
    cleaned = ArticleCleaned(
        id="a1",
        body="B",
        text="Mr X said it.",
        removed=("CMSD",),
        extra={"category": "c"},
        trace={"normalize": {"ms": 1.0}},
    )
    enriched = promote(
        cleaned,
        ArticleEnriched,
        dedup=DedupVerdict("unique", None, 0.0, "a1"),
        entities=(Entity("Mr X", "PERSON", 1, (Mention("X", 3, 4),)),),
        quotes=(Quote("it", 10, 12, "Mr X", "PERSON", "said", "direct"),),
    )
    d = to_dict(enriched)
    assert list(d)[:2] == ["schema_version", "id"] and d["schema_version"] == SCHEMA_VERSION
    assert d["category"] == "c"
    back = from_dict(ArticleEnriched, orjson.loads(encode(enriched)))
    assert back == enriched


def test_a_later_stage_reads_an_earlier_event_with_defaults():
    cleaned = ArticleCleaned(id="a1", body="B", text="T")
    ent = from_dict(EntitiesExtracted, to_dict(cleaned))
    assert ent.entities == () and ent.dedup is None


def test_newer_schema_version_is_rejected():
    d = to_dict(ArticleCleaned(id="a1", body="B", text="T"))
    d["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(InvalidEvent, match="newer"):
        from_dict(ArticleDeduplicated, d)


def test_cleaned_event_requires_text():
    with pytest.raises(InvalidEvent, match="'text'"):
        from_dict(ArticleCleaned, {"id": "x", "body": "y"})


def test_raw_from_dict_rejects_non_objects():
    with pytest.raises(InvalidEvent):
        ArticlePublished.from_dict("body")
