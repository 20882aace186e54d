"""`newsflow run`, the embedded default, as a newcomer runs it: a subprocess, files in, JSON Lines out."""

import json
import os
import subprocess
import sys

import jsonschema
import orjson
import pytest
from conftest import REPO, SHARED_DIR
from data.news_corpus import articles

pytestmark = pytest.mark.e2e

SCHEMA = json.loads((REPO / "shared" / "schema" / "article_enriched.schema.json").read_text())
DEV_INPUT = SHARED_DIR / "eval" / "dev_input.jsonl"


def run_cli(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "run", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        timeout=600,
    )


def check_contract(event: dict) -> None:
    jsonschema.validate(event, SCHEMA)
    for q in event["quotes"]:
        assert event["text"][q["start"] : q["end"]] == q["text"], q
    for e in event["entities"]:
        assert e["count"] == len(e["mentions"])
        for m in e["mentions"]:
            assert event["text"][m["start"] : m["end"]] == m["text"], m


INPUT_SET = (
    "dev set ../shared/eval"
    if DEV_INPUT.exists()
    else "bundled generated articles (dev-set run NOT done: ../shared/eval absent)"
)


@pytest.mark.parametrize("input_set", [INPUT_SET])
def test_41_articles_give_41_events_that_follow_the_contract_in_input_order(input_set, tmp_path):
    path = DEV_INPUT
    if not DEV_INPUT.exists():
        path = tmp_path / "generated.jsonl"
        path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles(41, "cli")) + b"\n")
    proc = run_cli(str(path))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    inputs = [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]
    assert len(events) == 41 and [e["id"] for e in events] == inputs
    for event in events:
        check_contract(event)
    assert sum(len(e["quotes"]) for e in events) > 100
    assert all(e["entities"] for e in events)


def test_seeds_folder_and_stage_subset():
    proc = run_cli(str(REPO / "seeds"))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(events) == 9
    for event in events:
        check_contract(event)
    dup = next(e for e in events if e["id"] == "bbc-business-253")
    assert dup["dedup"]["status"] == "duplicate" and dup["dedup"]["duplicate_of"] == "bbc-business-007"
    near = next(e for e in events if e["id"] == "bbc-tech-379")
    assert near["dedup"]["status"] == "near_duplicate" and near["dedup"]["duplicate_of"] == "bbc-tech-009"

    subset = run_cli("--stages", "normalize,dedup", str(REPO / "seeds"))
    assert subset.returncode == 0, subset.stderr.decode()[-3000:]
    first = json.loads(subset.stdout.splitlines()[0])
    assert set(first["trace"]) == {"normalize", "dedup"} and "entities" not in first


def test_bad_input_is_reported_with_its_origin_and_good_input_still_flows():
    proc = run_cli("-", stdin=b'{"id": "ok", "body": "Fine."}\n{"id": "bad"}\n{"id": "ok2", "body": "Also fine."}\n')
    assert proc.returncode == 1
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["ok", "ok2"]
    failure = json.loads(proc.stderr.decode().splitlines()[0])
    assert failure["origin"] == "<stdin>:2" and "no 'body'" in failure["error"]


def test_more_articles_than_read_ahead_stream_through_with_an_unknown_total(tmp_path):
    """Past what `run` reads ahead (here 50 at a batch of 1) the total is unknown: the bar counts without one."""
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles(60, "ahead")) + b"\n")
    proc = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "run", "--jobs", "1", str(path)],
        cwd=REPO,
        capture_output=True,
        timeout=600,
        env={**os.environ, "NEWSFLOW_BATCH_SIZE": "1"},
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == [
        json.loads(line)["id"] for line in path.read_text().splitlines()
    ]
