"""The whole flow on the real stack: publish seeds/, one worker per stage, tail articles.enriched."""

import pytest
from conftest import REPO, collect, decode_values, isolated_settings

from newsflow.inputs import read_inputs
from shared.adapters.kafka import Publisher, ensure_topics
from shared.core.events import SCHEMA_VERSION
from shared.core.settings import STAGES

pytestmark = pytest.mark.e2e


def test_seeds_flow_through_every_stage_once_each_enriched(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    running = [workers(stage, settings) for stage in STAGES]
    items = list(read_inputs([str(REPO / "seeds")]))
    with Publisher(settings) as pub:
        pub.publish_many(item.data for item in items)
    out = decode_values(collect(settings, settings.topics.enriched, len(items), timeout_s=180, watch=running))

    assert len(out) == len(items), "every article arrives exactly once"
    assert len({o["id"] for o in out}) == len(items)
    for event in out:
        assert event["schema_version"] == SCHEMA_VERSION
        assert set(event["trace"]) == set(STAGES)
        assert event["dedup"]["status"] in ("unique", "duplicate", "near_duplicate")
        for q in event["quotes"]:
            assert event["text"][q["start"] : q["end"]] == q["text"]
        for e in event["entities"]:
            for m in e["mentions"]:
                assert event["text"][m["start"] : m["end"]] == m["text"]
    by_id = {o["id"]: o for o in out}
    seed = next(o for o in out if o["body"].lstrip().startswith("CMSD"))
    assert not seed["text"].startswith("CMSD") and "0.0100" not in seed["text"].split("\n\n")[0]
    assert seed["signature"] == "B.Chan--ThChM" and "ThChM" not in seed["text"]
    assert {"CMSD", "0.0100"} <= set(seed["removed"])
    assert any(e["name"] == "Valery Gerasimov" and e["label"] == "PERSON" for e in seed["entities"])
    assert seed["quotes"], "the seed has quotes"
    # the duplicate pair in seeds/ is linked to its first-seen copy through Redis
    assert (
        by_id["bbc-business-253"]["dedup"]["duplicate_of"] == "bbc-business-007"
        or by_id["bbc-business-007"]["dedup"]["duplicate_of"] == "bbc-business-253"
    )
