"""`newsflow run --jobs 2` against `--jobs 1`: the same JSON Lines, in input order, with the same dedup verdicts."""

import json
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.e2e

SEEDS = REPO / "seeds" / "bbc_sample.jsonl"


def test_jobs_1_and_2_print_the_same_events_in_the_same_order(tmp_path):
    rows = [json.loads(line) for line in SEEDS.read_text().splitlines() if line.strip()]
    articles = (
        rows
        + [{**r, "id": r["id"] + "-copy"} for r in rows]
        + [{**r, "id": r["id"] + "-edit", "body": r["body"].replace(" the ", " a ", 3)} for r in rows]
    )
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in articles))
    outputs = {}
    for jobs in (1, 2):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "newsflow.cli",
                "run",
                "--jobs",
                str(jobs),
                "--batch-size",
                "2",
                str(source),
            ],
            cwd=REPO,
            capture_output=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr.decode()[-3000:]
        outputs[jobs] = [
            {k: v for k, v in json.loads(line).items() if k != "trace"} for line in proc.stdout.splitlines()
        ]
    assert [e["id"] for e in outputs[1]] == [a["id"] for a in articles]
    assert outputs[2] == outputs[1]
    status = {e["id"]: e["dedup"]["status"] for e in outputs[2]}
    assert all(status[r["id"] + "-copy"] == "duplicate" for r in rows)
    assert all(status[r["id"] + "-edit"] in ("duplicate", "near_duplicate") for r in rows)
    assert list(status.values()).count("near_duplicate") >= len(rows) // 2
    assert all(e["entities"] for e in outputs[2])
