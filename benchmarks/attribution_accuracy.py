"""Attribution accuracy on articles the rules were not tuned on, beside those they were.

    python benchmarks/attribution_accuracy.py [--sets tuning,heldout,bbc] [--sample N] [--model NAME]

Sets (read from ../shared when present, where the project owners keep them):
- tuning / heldout: PolNeAR's training split (corpora/polnear_train_*.jsonl), cut in two by
  a hash of each article's id (HELDOUT_SHARE of the articles go to the held-out part). The
  cut never changes, so a rule tuned on the tuning part is always measured on articles it
  never saw. Only the tuning part is for looking at errors (`--errors`).
- bbc: the BBC dev set (eval/dev_gold.jsonl, dev_input.jsonl).

Each set runs through the embedded pipeline (what `newsflow run` does) and is scored with
eval/score.py beside the repo when present, else the repo's bundled copy of it.
`--sample N` takes the first N articles of a part, in id-hash order (a fixed sample).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsflow.evaluation.evalsets import set_files  # noqa: E402
from newsflow.evaluation.evaluate import load_scorer, predict  # noqa: E402
from shared.core.settings import Settings  # noqa: E402

SHARED = REPO.parent / "shared"
FIGURES = (
    ("quotes F1", "quotes"),
    ("right speaker F1", "quotes_with_speaker"),
    ("attribution acc.", "attribution_accuracy"),
    ("reported F1", "indirect"),
    ("reported + speaker F1", "indirect_with_speaker"),
    ("entities strict F1", "entities_strict"),
)


def owners_scorer():
    """eval/score.py beside the repo when present, else the repo's bundled copy of it."""
    scorer_file = SHARED / "eval" / "score.py"
    return load_scorer(scorer_file if scorer_file.exists() else None)


def figure(result: dict, key: str) -> str:
    """One figure of score.py's result as printed in the table."""
    v = result.get(key)
    if v is None:
        return "-"
    if isinstance(v, dict):
        return f"{v['f1']:.3f}" if v["tp"] + v["fn"] else "-"  # no gold of this kind in the set
    return f"{v:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="tuning,heldout,bbc")
    ap.add_argument("--sample", type=int, default=None, help="first N articles of each PolNeAR part")
    ap.add_argument("--model", default=None, help="spaCy model (default: the Settings default)")
    ap.add_argument("--errors", type=int, default=0, help="print N errors of the tuning part (never held-out)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    scorer_file = SHARED / "eval" / "score.py"
    scorer = owners_scorer()
    settings = Settings() if args.model is None else Settings(model=args.model)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            files = set_files(name, args.sample, Path(tmp))
            if files is None:
                print(f"{name}: data not found beside the repo, skipped", file=sys.stderr)
                continue
            t0 = time.perf_counter()
            pred = predict(files[1], settings)
            secs = time.perf_counter() - t0
            result = scorer.score(scorer.load(str(files[0])), pred)
            result["seconds"] = round(secs, 1)
            rows[name] = result
            if args.errors and name == "tuning":
                for e in result.get("errors_sample", [])[: args.errors]:
                    print(json.dumps(e, ensure_ascii=False), file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                {k: {kk: vv for kk, vv in v.items() if kk != "errors_sample"} for k, v in rows.items()}, indent=2
            )
        )
        return 0
    print(
        f"scorer: {'eval/score.py beside the repo' if scorer_file.exists() else 'bundled copy'}; "
        f"model: {settings.model}; sample: {args.sample or 'all'}"
    )
    print("| set | articles | " + " | ".join(label for label, _ in FIGURES) + " | s |")
    print("|---" * (len(FIGURES) + 3) + "|")
    for name, result in rows.items():
        print(
            f"| {name} | {result['articles']} | "
            + " | ".join(figure(result, k) for _, k in FIGURES)
            + f" | {result['seconds']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
