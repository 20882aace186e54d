"""`newsflow bench --parts jobs` compares the events of every run with the first, trace aside."""

import orjson

from newsflow.evaluation.benchmark import without_trace


def write(path, events):
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))


def test_runs_that_differ_only_in_their_timings_print_the_same_events(tmp_path):
    event = {"id": "a", "entities": [{"name": "Jane Roe"}], "trace": {"normalize": {"ms": 0.31}}}
    write(tmp_path / "one.jsonl", [event])
    write(tmp_path / "two.jsonl", [{**event, "trace": {"normalize": {"ms": 0.52}}}])
    write(tmp_path / "other.jsonl", [{**event, "entities": []}])
    one = without_trace(tmp_path / "one.jsonl")
    assert (
        one == without_trace(tmp_path / "two.jsonl") == [orjson.dumps({"id": "a", "entities": [{"name": "Jane Roe"}]})]
    )
    assert one != without_trace(tmp_path / "other.jsonl")
