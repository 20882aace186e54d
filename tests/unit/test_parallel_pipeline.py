"""The parallel runner of `newsflow run --jobs N`: same events, same order, same dedup verdicts as one job."""

import multiprocessing
import random
import re

import orjson
import pytest
from conftest import REPO

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from newsflow.runners.parallel import MIN_CHUNK, ParallelPipeline, chunk_size, segments_of
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
    """Events without their trace, dead letters without the size of an event (its trace's timings count)."""
    return [
        {**dead_letter_dict(r), "error": re.sub(r"output of \d+ bytes", "output of N bytes", r.reason)}
        if isinstance(r, DeadLetter)
        else {k: v for k, v in to_dict(r).items() if k != "trace"}
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
        while parallel._pool.workers_ready < 2:  # so that every chunk is normalized by a worker
            parallel._pool.wait()
        got = comparable(parallel.run(items))
    finally:
        parallel.close()
    assert got == expected
    assert parallel.started_here == 0
    statuses = [e["dedup"]["status"] for e in got if "dedup" in e]
    assert statuses.count("duplicate") >= 8 and statuses.count("near_duplicate") >= 4
    assert sum("error" in e for e in got) == 2


def run_both(settings, stages, items, jobs=2):
    """What one job and `jobs` jobs make of `items`, comparable (trace aside); and the parallel pipeline."""
    one = build_pipeline(settings, stages)
    expected = comparable(one.run(items))
    one.close()
    parallel = ParallelPipeline(settings, stages, jobs=jobs)
    try:
        got = comparable(parallel.run(items))
    finally:
        parallel.close()
    return expected, got, parallel


@pytest.mark.parametrize("wire", [False, True])
def test_every_stage_in_two_jobs_gives_the_output_of_one(tmp_path, wire):
    settings = Settings(batch_size=8, state_dir=str(tmp_path), embedded_wire=wire)
    expected, got, parallel = run_both(settings, None, stream())
    assert got == expected
    assert parallel.segments == [(True, ("normalize",)), (False, ("dedup",)), (True, ("entities", "quotes"))]
    assert len(parallel._pool.worker_pids) == 2  # both workers took part
    # The template loads the model for a second or so: this process normalizes the first chunks meanwhile.
    assert parallel.started_here >= 1
    enriched = [e for e in got if "quotes" in e]
    assert len(enriched) == len(got) - 2 and all(e["entities"] for e in enriched)
    assert sum(bool(e["quotes"]) for e in enriched) >= 8


def test_events_over_the_size_limit_die_at_the_same_stage_as_in_one_job(tmp_path):
    # On the wire every stage's output is size-checked: a limit between the sizes of the events
    # kills the longest articles at normalize, some with many entities at entities (in a worker).
    settings = Settings(batch_size=4, state_dir=str(tmp_path), embedded_wire=True, max_message_bytes=9_000)
    expected, got, _ = run_both(settings, None, stream())
    assert got == expected
    stages = {e["stage"] for e in got if "error" in e and "exceeds the limit" in e["error"]}
    assert "normalize" in stages and ("entities" in stages or "quotes" in stages)
    assert sum("quotes" in e for e in got) >= 4


def test_chunks_shrink_at_the_end_of_a_known_input():
    assert chunk_size(16, None, 2) == 16  # a stream of unknown length
    assert chunk_size(16, 440, 2) == 16
    sizes, left = [], 440
    while left:
        sizes.append(min(left, chunk_size(16, left, 2)))
        left -= sizes[-1]
    assert sum(sizes) == 440
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-1] <= MIN_CHUNK and max(sizes[-5:]) <= 3  # the workers finish within a few articles


def test_an_unknown_stage_is_refused_and_the_template_stopped(tmp_path):
    with pytest.raises(ValueError, match="unknown stage"):
        ParallelPipeline(Settings(state_dir=str(tmp_path)), "normalize,nope", jobs=2)
    assert not [p for p in multiprocessing.active_children() if p.name == "newsflow-jobs-template"]
