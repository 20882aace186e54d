"""`newsflow eval` (quality against a gold file) and `newsflow bench` (speed, as ratios within one run)."""

from __future__ import annotations

import argparse
import sys

import orjson

from newsflow.cli.common import settings_from


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the pipeline on INPUT and print score.py's figures against GOLD."""
    from newsflow.evaluation.evaluate import evaluate, format_report

    result = evaluate(args.gold, args.input, settings_from(args), scorer_path=args.scorer)
    if args.json:
        sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(format_report(result))
    return 0


def _to_stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure the pipeline against bare spaCy NER (ratios within one run) and print the figures."""
    from pathlib import Path

    from newsflow.evaluation.benchmark import DEFAULT_CORPUS, format_table, run_bench

    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    corpus = Path(args.corpus) if args.corpus else DEFAULT_CORPUS
    if not corpus.exists():
        sys.stderr.write(f"newsflow bench: corpus {corpus} not found (pass --corpus)\n")
        return 2
    results = run_bench(
        parts,
        args.articles,
        args.repeat,
        settings_from(args),
        corpus=corpus,
        latency_articles=args.latency_articles,
        report=_to_stderr,
        scaling_trials=args.scaling_trials,
    )
    if args.json:
        sys.stdout.write(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(format_table(results))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eval` and `bench` to the `newsflow` parser."""
    e = sub.add_parser("eval", help="score the pipeline on a gold file (../shared/eval)")
    e.add_argument("gold")
    e.add_argument("input")
    e.add_argument("--model", default=None)
    e.add_argument("--json", action="store_true", help="the whole result, with a sample of errors")
    e.add_argument("--scorer", default=None, help="a score.py to use instead of the bundled copy")
    e.set_defaults(func=cmd_eval)

    b = sub.add_parser("bench", help="speed of the pipeline against bare spaCy NER, as ratios in one run")
    b.add_argument(
        "--parts",
        default="stages,extraction,embedded,jobs,kafka,scaling",
        help="comma-separated: stages, extraction (HTML pages), embedded, jobs (--jobs 1 vs 2), kafka (with latency), "
        "scaling; also parse (not by default: the pipeline with its parse against bare spaCy's same model work)",
    )
    b.add_argument("--articles", type=int, default=600)
    b.add_argument("--repeat", type=int, default=3, help="alternated runs of the embedded comparison")
    b.add_argument("--latency-articles", type=int, default=300)
    b.add_argument("--scaling-trials", type=int, default=2, help="alternated 1-worker/2-worker trials of scaling")
    b.add_argument("--corpus", default=None, help="JSON Lines articles (default ../shared/corpora/bbc.jsonl)")
    b.add_argument("--model", default=None)
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_bench)


__all__ = ["cmd_bench", "cmd_eval", "register"]
