"""The parallel runner of `newsflow run --jobs N`: same events, same order, same dedup verdicts as one job."""

import random

import orjson
import pytest
from conftest import REPO

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from newsflow.runners.parallel import ParallelPipeline, segments_of
from newsflow.runners.pipeline import dead_letter_dict
from shared.core.batch import DeadLetter
from shared.core.events import to_dict
from shared.core.settings import Settings

SEEDS = REPO / "seeds" / "bbc_sample.jsonl"


def stream() -> list[InputItem]:
    """Seed articles, exact and edited copies of them later on, and bad inputs among them."""
    rows = [orjson.loads(line) for line in SEEDS.read_bytes().splitlines() if line.strip()]
    rng = random.Random(5)
    items = [dict(r) for r in rows]
    for i, r in enumerate(rows):
        items.append({**r, "id": f"{r['id']}-copy"})
        words = r["body"].split(" ")
        words[rng.randrange(len(words))] = "edited"
        items.append({**r, "id": f"{r['id']}-edit{i}", "body": " ".join(words)})
    out = [InputItem(f"t:{i}", orjson.dumps(a)) for i, a in enumerate(items)]
    out.insert(3, InputItem("t:bad", b"{not json"))
    out.insert(10, InputItem("t:nobody", b'{"id": "x"}'))
    return out


def comparable(results) -> list:
    return [
        dead_letter_dict(r) if isinstance(r, DeadLetter) else {k: v for k, v in to_dict(r).items() if k != "trace"}
        for r in results
    ]


def test_segments_keep_dedup_alone_and_in_order():
    assert segments_of(["normalize", "dedup", "entities", "quotes"]) == [
        (True, ("normalize",)),
        (False, ("dedup",)),
        (True, ("entities", "quotes")),
    ]
    assert segments_of(["normalize", "entities"]) == [(True, ("normalize", "entities"))]


@pytest.mark.parametrize("batch_size", [1, 3])
def test_two_jobs_give_the_events_and_verdicts_of_one(tmp_path, batch_size):
    settings = Settings(batch_size=batch_size, state_dir=str(tmp_path))
    items = stream()
    one = build_pipeline(settings, ["normalize", "dedup"])
    expected = comparable(one.run(items))
    one.close()
    parallel = ParallelPipeline(settings, ["normalize", "dedup"], jobs=2)
    try:
        got = comparable(parallel.run(items))
    finally:
        parallel.close()
    assert got == expected
    statuses = [e["dedup"]["status"] for e in got if "dedup" in e]
    assert statuses.count("duplicate") >= 8 and statuses.count("near_duplicate") >= 4
    assert sum("error" in e for e in got) == 2
