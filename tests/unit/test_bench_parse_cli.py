"""`newsflow bench --parts parse` dispatches to the parse-speed measure and prints its ratios (no timing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsflow import cli, parse_bench

FAKE = {
    "model": "m",
    "scope": "speech",
    "articles": 7,
    "ratio_vs_same_work": 0.912,
    "ratio_vs_ner": 0.634,
}


def test_bench_parse_part_runs_the_parse_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "4")  # restored after the test
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "body": "Text."}\n')
    calls = []

    def fake_measure(path, n, repeat, settings):
        calls.append((path, n, repeat, settings.model))
        return dict(FAKE)

    monkeypatch.setattr(parse_bench, "measure", fake_measure)
    code = cli.main(["bench", "--parts", "parse", "--articles", "7", "--repeat", "2", "--corpus", str(corpus)])
    assert code == 0
    assert calls == [(corpus, 7, 2, calls[0][3])]
    out = capsys.readouterr().out
    assert "bare same model work" in out and "0.912" in out and "0.634" in out
    assert os.environ["OMP_NUM_THREADS"] == "1"  # one math thread for the parse part


def test_bench_default_parts_leave_the_parse_out() -> None:
    args = cli.build_parser().parse_args(["bench"])
    assert "parse" not in args.parts.split(",")
    args = cli.build_parser().parse_args(["bench", "--parts", "parse"])
    assert args.func is cli.cmd_bench and args.parts == "parse"
