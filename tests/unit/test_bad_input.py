"""Hostile and malformed input, through the runner's batch logic of every stage and through `newsflow run`.

Each input is either processed (an enriched event comes out) or dead-lettered with its
original bytes and a reason; nothing raises, and the good article in the same batch is
processed. `BAD_INPUTS` (tests/bad_inputs.py) is shared with
tests/integration/test_faults_bad_input.py, which sends the same bytes through the real
broker and workers.
"""

from __future__ import annotations

import subprocess
import sys
import time

import orjson
import pytest
from bad_inputs import BAD_INPUTS, GOOD, MAX, STORY, j  # noqa: E402,F401

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from newsflow.runners.faust_worker import DLQ_HEADERS, dlq_headers, run_messages
from shared.core.batch import InMessage
from shared.core.events import to_dict
from shared.core.settings import STAGES, Settings

SETTINGS = Settings(embedded_wire=True)


def _msg(value, offset, topic="articles.raw") -> InMessage:
    return InMessage(topic, 0, offset, b"k", value)


@pytest.fixture(scope="module")
def stages():
    pipeline = build_pipeline(SETTINGS)  # normalize, memory dedup, entities (spaCy), quotes
    yield {s.name: s for s in pipeline.stages}
    pipeline.close()


def run_through_workers(stages, value: bytes | None):
    """The bytes through every stage's runner batch (with a good article after them), as the workers would."""
    messages = [_msg(value, 0), _msg(GOOD, 1)]
    for name in STAGES:
        result = run_messages(stages[name], messages, MAX)
        if result.dead:
            return name, result
        assert len(result.outputs) == len(messages)
        messages = [_msg(o.value, i, f"articles.{name}") for i, o in enumerate(result.outputs)]
    return None, messages


def test_there_are_at_least_thirty_kinds_of_bad_input():
    assert len(BAD_INPUTS) >= 30


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_each_bad_input_is_processed_or_dead_lettered_and_the_next_article_flows(stages, name):
    value, expected = BAD_INPUTS[name]
    t0 = time.perf_counter()
    dead_at, result = run_through_workers(stages, value)
    elapsed = time.perf_counter() - t0
    if expected == "ok":
        assert dead_at is None, f"{name}: dead-lettered at {dead_at}: {result.dead[0].reason}"
        enriched, good = (orjson.loads(m.value) for m in result)
        assert good["id"] == "good-after" and good["quotes"], "the good article after it is enriched"
        assert set(enriched["trace"]) == set(STAGES)
        for q in enriched["quotes"]:
            assert enriched["text"][q["start"] : q["end"]] == q["text"], f"{name}: quote offsets"
        for e in enriched["entities"]:
            for m in e["mentions"]:
                assert enriched["text"][m["start"] : m["end"]] == m["text"], f"{name}: mention offsets"
    else:
        assert dead_at == "normalize", f"{name}: expected a dead letter at normalize, got {dead_at}"
        (letter,) = result.dead
        assert letter.source.value == value, f"{name}: the dead letter keeps the original bytes"
        assert expected[4:] in letter.reason, f"{name}: reason {letter.reason!r} lacks {expected[4:]!r}"
        headers = dict(dlq_headers(letter))
        assert set(headers) == set(DLQ_HEADERS)
        assert headers["newsflow.source.topic"] == b"articles.raw" and headers["newsflow.source.offset"] == b"0"
        assert [o.key for o in result.outputs] == [b"good-after"], "the good article in the same batch flows"
    assert elapsed < 60, f"{name}: took {elapsed:.1f}s"  # a generous ceiling against pathological stalls


MALFORMED_INTERMEDIATE = {
    "no text": {"id": "x", "body": "b"},
    "text is a number": {"id": "x", "body": "b", "text": 5},
    "entities: not a list": {"id": "x", "body": "b", "text": "t", "entities": "nope"},
    "entities: one without a name": {"id": "x", "body": "b", "text": "t", "entities": [{"label": "ORG"}]},
    "entities: mention offset not a number": {
        "id": "x",
        "body": "b",
        "text": "t",
        "entities": [{"name": "A", "label": "ORG", "mentions": [{"text": "A", "start": "zero", "end": 1}]}],
    },
    "dedup: verdict without status": {"id": "x", "body": "b", "text": "t", "dedup": {"similarity": 1}},
    "quotes: not a list": {"id": "x", "body": "b", "text": "t", "quotes": 3},
    "newer schema_version": {"id": "x", "body": "b", "text": "t", "schema_version": 99},
    "schema_version not a number": {"id": "x", "body": "b", "text": "t", "schema_version": "one"},
}


@pytest.mark.parametrize("stage_name", ["dedup", "entities", "quotes"])
def test_malformed_events_on_intermediate_topics_are_dead_lettered_by_later_stages(stages, stage_name):
    messages = [_msg(j(v), i, "articles.mid") for i, v in enumerate(MALFORMED_INTERMEDIATE.values())]
    good = to_dict(build_pipeline(SETTINGS, ["normalize"]).run_batch([InputItem("g", GOOD)])[0])
    messages.append(_msg(j(good), len(messages), "articles.mid"))
    result = run_messages(stages[stage_name], messages, MAX)
    dead = {d.source.offset for d in result.dead}
    names = list(MALFORMED_INTERMEDIATE)
    # a field of a later stage than the one reading it is not its input (the stage computes it)
    later = {"dedup": ("dedup", "entities", "quotes"), "entities": ("entities", "quotes"), "quotes": ("quotes",)}
    applicable = {i for i, n in enumerate(names) if not n.startswith(later[stage_name])}
    assert applicable <= dead, f"{stage_name}: not dead-lettered: {[names[i] for i in applicable - dead]}"
    assert [o.key for o in result.outputs][-1] == b"good-after"


def test_newsflow_run_reports_bad_lines_and_prints_the_good_ones(tmp_path):
    """The embedded CLI path on the same inputs (those a JSON Lines file can carry)."""
    lines = [v for n, (v, _) in BAD_INPUTS.items() if v and b"\n" not in v and len(v) < 2_000_000 and v.strip()] + [
        GOOD
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    proc = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "run", str(path)],
        capture_output=True,
        timeout=600,
        cwd=str(__import__("conftest").REPO),
    )
    assert proc.returncode in (0, 1), f"crashed with {proc.returncode}:\n{proc.stderr.decode()[-3000:]}"
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()[-3000:]
    out = [orjson.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert out and out[-1]["id"] == "good-after", "the good article after the bad ones is printed"
    errors = [orjson.loads(line) for line in proc.stderr.splitlines() if line.startswith(b"{")]
    assert len(out) + len(errors) == len(lines), f"{len(out)} printed + {len(errors)} errors != {len(lines)} lines"
