"""Lines normalize moves out of the story, counted by the rule that moved them, per corpus.

    python benchmarks/furniture_lines.py [FILE.jsonl|FILE.tsv ...] [--field body] [--lines] [--rule NAME]

Default files (beside the repository): ../shared/corpora/bbc.jsonl (2,225 BBC articles),
polnear_train_input.jsonl (840 US political articles) and html_pages/dev_pages.jsonl (60 whole
web pages, extracted by trafilatura first). Each article's `body` goes through the normalize
stage itself; `trace.normalize.removed_by` names the rule of each line of `removed`. `--field`
reads another field as the body (`text` of an extraction gold file: story text, where every
removal is a loss); a .tsv file is read by its `Text` column (GAP's Wikipedia paragraphs).

Prints, per file, how many lines each rule removed and in how many articles. `--lines` also
prints every removed line with its rule and article id (to read them: is any of them story?);
`--rule` keeps the lines of one rule (or of one kind, e.g. `photo`).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.normalize.logic import normalize_article  # noqa: E402
from shared.core.events import ArticlePublished  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_FILES = (
    CORPORA / "bbc.jsonl",
    CORPORA / "polnear_train_input.jsonl",
    CORPORA / "html_pages" / "dev_pages.jsonl",
)


def _articles(path: Path, field: str):
    if path.suffix == ".tsv":
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                yield {"id": row.get("ID"), "body": row["Text"]}
        return
    for raw in path.read_bytes().splitlines():
        if raw.strip():
            a = orjson.loads(raw)
            yield {"id": a.get("id"), "url": a.get("url"), "body": a[field]}


def removed_lines(path: Path, field: str = "body") -> tuple[int, list[tuple[str, str, str]]]:
    """The number of articles in `path` and every (rule, line, article id) normalize removed from them."""
    n = 0
    out: list[tuple[str, str, str]] = []
    for a in _articles(path, field):
        n += 1
        e = normalize_article(ArticlePublished(body=a["body"], url=a.get("url"), id=str(a.get("id") or n)))
        rules = e.trace["normalize"].get("removed_by", [])
        out.extend((rule, line, e.id) for rule, line in zip(rules, e.removed))
    return n, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    ap.add_argument("--field", default="body", help="the JSON field read as the body (default body)")
    ap.add_argument("--lines", action="store_true", help="print every removed line")
    ap.add_argument("--rule", default=None, help="only this rule (kind:rule) or kind")
    args = ap.parse_args(argv)
    for path in args.files:
        if not path.exists():
            raise SystemExit(f"needs {path} (the shared folder beside the repository)")
        n, found = removed_lines(path, args.field)
        if args.rule:
            found = [f for f in found if f[0] == args.rule or f[0].split(":")[0] == args.rule]
        lines = Counter(rule for rule, _, _ in found)
        articles = Counter(rule for rule, _ in {(rule, aid) for rule, _, aid in found})
        with_any = len({aid for _, _, aid in found})
        print(f"\n{path.name}: {n} articles, {len(found)} lines removed from {with_any} of them")
        print(f"{'rule':34s} {'lines':>6s} {'articles':>9s}")
        for rule in sorted(lines):
            print(f"{rule:34s} {lines[rule]:6d} {articles[rule]:9d}")
        if args.lines:
            for rule, line, aid in sorted(found):
                print(f"  {rule:32s} {aid[:40]:40s} {line[:200]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
