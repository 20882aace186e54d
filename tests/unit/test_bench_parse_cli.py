"""`newsflow bench --parts parse` runs benchmarks/parse_speed.py and prints its ratios (no timing asserted)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

from newsflow.cli import main as cli
from newsflow.cli.measure import cmd_bench
from newsflow.evaluation import benchmark

SPEED = {"articles": 7, "words": 70, "ratio_vs_same_work": 0.912, "ratio_vs_ner": 0.634}


def test_bench_parse_part_runs_the_parse_speed_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "body": "Text."}\n')
    calls = []

    def fake_run(cmd, env, stdout, stderr, cwd):
        calls.append((cmd, env))
        out = {"model": "m", "scope": "speech", "speed": SPEED}
        return subprocess.CompletedProcess(cmd, 0, orjson.dumps(out), b"")

    monkeypatch.setattr(benchmark.subprocess, "run", fake_run)
    code = cli.main(["bench", "--parts", "parse", "--articles", "7", "--repeat", "2", "--corpus", str(corpus)])
    assert code == 0
    [(cmd, env)] = calls
    assert cmd[1] == str(benchmark.PARSE_SPEED) and benchmark.PARSE_SPEED.exists()
    assert cmd[2:] == ["--articles", "7", "--repeat", "2", "--corpus", str(corpus), "--json"]
    assert env["OMP_NUM_THREADS"] == "1"
    out = capsys.readouterr().out
    assert "bare same model work" in out and "0.912" in out and "0.634" in out


def test_bench_default_parts_leave_the_parse_out() -> None:
    args = cli.build_parser().parse_args(["bench"])
    assert "parse" not in args.parts.split(",")
    args = cli.build_parser().parse_args(["bench", "--parts", "parse"])
    assert args.func is cmd_bench and args.parts == "parse"
