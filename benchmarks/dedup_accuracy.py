"""Accuracy of the dedup stage: pairwise precision and recall of its clusters.

Two sets, both streamed through normalize then dedup (the in-process index, which the
contract tests hold to the same verdicts as the Redis one):

- bbc: the 2,225 BBC articles in corpus order; gold = bbc_duplicate_pairs.jsonl
  (169 real pairs: 136 exact, 33 re-edits);
- syndicated: the same originals, then seeded syndicated copies of them, shuffled:
  widget lines before the story, a wire signature after it, new headlines, curly quotes
  or HTML markup and entities, re-wrapped lines, a dropped last paragraph, small copy
  edits. Gold = the BBC pairs plus each copy linked to its original.

Prints a threshold sweep on both sets and the result at the threshold used.

    python benchmarks/dedup_accuracy.py [--threshold 0.55] [--copies 3] [--seed 7] [--corpora DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.dedup.fingerprint import fingerprint  # noqa: E402
from services.dedup.index import RECOMMENDED_THRESHOLD, IndexParams  # noqa: E402
from services.dedup.memory_index import MemoryDedupIndex  # noqa: E402
from services.normalize.logic import normalize_article  # noqa: E402
from shared.core.events import ArticlePublished  # noqa: E402

DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
SCORE_PY = REPO.parent / "shared" / "eval" / "score.py"

WIDGETS = [
    "CMSD",
    "0.0100",
    "+1.25%",
    "-0.37",
    "FTSE",
    "Share this article",
    "Share on Facebook",
    "Tweet",
    "Email",
    "Updated 10:42 GMT",
    "Published 26 March 2005",
    "Advertisement",
    "Read more:",
]
SIGNATURES = [
    "B.Chan--ThChM",
    "(Reporting by Jane Doe; Editing by John Smith)",
    "lon/bmc/jd",
    "© 2005 Newswire Ltd. All rights reserved.",
    "-- Staff reporter",
]
HEADLINE_PREFIXES = ["UPDATE 2-", "WRAPUP: ", "Analysis: ", "", "BREAKING: "]
SWEEP = [0.3, 0.35, 0.4, 0.45, 0.475, 0.5, 0.525, 0.55, 0.575, 0.6, 0.65, 0.7, 0.8, 0.9]
SUBSTITUTES = ["also", "now", "later", "reportedly", "officially", "still", "recently"]


# -- the syndicated copies ---------------------------------------------------------------


def curly_quotes(text: str) -> str:
    """Straight quotes made typographic, as a CMS does."""
    text = re.sub(r'(^|[\s(\[])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)
    text = re.sub(r"(^|\s)'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


def as_html(paragraphs: list[str]) -> str:
    """Paragraphs as an HTML fragment with entities, as a site's page source has them."""

    def esc(p: str) -> str:
        p = p.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#8217;").replace("\u00a3", "&pound;")
        return p

    return '<div class="story">' + "".join(f"<p>{esc(p)}</p>\n" for p in paragraphs) + "</div>"


def copy_edit(paragraph: str, rng: random.Random) -> str:
    """One small copy edit: a word inserted, dropped or replaced, or a number changed."""
    words = paragraph.split(" ")
    if len(words) < 8:
        return paragraph
    i = rng.randrange(1, len(words) - 1)
    kind = rng.choice(["insert", "drop", "replace", "number"])
    if kind == "insert":
        words.insert(i, rng.choice(SUBSTITUTES))
    elif kind == "drop":
        del words[i]
    elif kind == "replace":
        words[i] = rng.choice(SUBSTITUTES)
    else:
        nums = [j for j, w in enumerate(words) if re.fullmatch(r"\d+", w)]
        if nums:
            j = rng.choice(nums)
            words[j] = str(int(words[j]) + rng.randint(1, 9))
        else:
            words.insert(i, rng.choice(SUBSTITUTES))
    return " ".join(words)


def syndicate(article: dict, n: int, rng: random.Random) -> tuple[dict, list[str]]:
    """A raw syndicated copy of a BBC article, and the list of transformations applied."""
    paragraphs = [p.strip() for p in article["body"].split("\n\n") if p.strip()]
    applied = ["widgets", "headline"]
    if len(paragraphs) >= 4 and rng.random() < 0.3:
        paragraphs = paragraphs[:-1]
        applied.append("drop_last_paragraph")
    if rng.random() < 0.6:
        edits = rng.randint(1, 3)
        for _ in range(edits):
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = copy_edit(paragraphs[k], rng)
        applied.append(f"copy_edits={edits}")
    style = rng.random()
    if style < 0.3:
        body_core = as_html(paragraphs)
        applied.append("html")
    else:
        if style < 0.7:
            paragraphs = [curly_quotes(p) for p in paragraphs]
            applied.append("curly_quotes")
        if rng.random() < 0.4:
            width = rng.randint(60, 80)
            paragraphs = ["\n".join(textwrap.wrap(p, width)) for p in paragraphs]
            applied.append("rewrapped")
        body_core = "\n\n".join(paragraphs)
    widgets = rng.sample(WIDGETS, rng.randint(1, 4))
    parts = ["\n".join(widgets), body_core]
    if rng.random() < 0.7:
        parts.append(rng.choice(SIGNATURES))
        applied.append("signature")
    raw = {
        "id": f"syn-{article['id']}-{n}",
        "title": rng.choice(HEADLINE_PREFIXES) + article["title"] + rng.choice(["", " - live", " | Newswire"]),
        "source": f"site{rng.randint(1, 40)}.example",
        "body": "\n\n".join(parts),
    }
    return raw, applied


# -- measuring ---------------------------------------------------------------------------


def load_score_module():
    """The shared scorer, so clusters are counted exactly as `score.py` counts them."""
    spec = importlib.util.spec_from_file_location("nf_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pairwise(score, gold_links: dict, pred_links: dict, ids: list[str]) -> tuple[float, float, int, int, int]:
    """Pairwise precision, recall, true positives, false positives, false negatives of the clusters."""
    gp = score.clusters(gold_links, ids)
    pp = score.clusters(pred_links, ids)
    tp, fp, fn = len(gp & pp), len(pp - gp), len(gp - pp)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0), tp, fp, fn


def run_index(stream: list[tuple[str, object]], threshold: float) -> dict:
    """Each article's verdict from a fresh in-process index, streamed in order."""
    index = MemoryDedupIndex(IndexParams(threshold=threshold))
    verdicts = index.assign(stream)
    return {aid: v for (aid, _), v in zip(stream, verdicts)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument(
        "--threshold",
        type=float,
        default=RECOMMENDED_THRESHOLD,
        help=f"the threshold to report (default {RECOMMENDED_THRESHOLD})",
    )
    ap.add_argument("--copies", type=int, default=3, help="maximum syndicated copies per article (1..N each)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    score = load_score_module()
    articles = [json.loads(line) for line in open(args.corpora / "bbc.jsonl", encoding="utf-8")]
    pairs = [json.loads(line) for line in open(args.corpora / "bbc_duplicate_pairs.jsonl", encoding="utf-8")]
    bbc_gold = {a["id"]: None for a in articles}
    for p in pairs:  # union-find in score.clusters makes the direction irrelevant
        bbc_gold[p["b"]] = p["a"]

    rng = random.Random(args.seed)
    copies, kinds = [], Counter()
    for a in articles:
        for n in range(rng.randint(1, args.copies)):
            raw, applied = syndicate(a, n, rng)
            copies.append((raw, a["id"]))
            kinds.update(k.split("=")[0] for k in applied)
    rng.shuffle(copies)

    t0 = time.perf_counter()
    cleaned = [
        normalize_article(ArticlePublished.from_dict({"id": a["id"], "title": a["title"], "body": a["body"]}))
        for a in articles
    ]
    cleaned_copies = [normalize_article(ArticlePublished.from_dict(raw)) for raw, _ in copies]
    t_norm = time.perf_counter() - t0
    t0 = time.perf_counter()
    bbc_stream = [(c.id, fingerprint(c.text)) for c in cleaned]
    copy_stream = [(c.id, fingerprint(c.text)) for c in cleaned_copies]
    t_fp = time.perf_counter() - t0
    n_fp = len(bbc_stream) + len(copy_stream)

    syn_gold = dict(bbc_gold)
    syn_gold.update({raw["id"]: orig for raw, orig in copies})
    sets = {
        "bbc": (bbc_stream, bbc_gold),
        "syndicated": (bbc_stream + copy_stream, syn_gold),
    }
    print(
        f"articles: bbc {len(articles)}, syndicated copies {len(copies)} "
        f"(max {args.copies} per article, seed {args.seed}); transformations: {dict(sorted(kinds.items()))}"
    )
    print(f"normalize {t_norm / n_fp * 1000:.3f} ms/article, fingerprint {t_fp / n_fp * 1000:.3f} ms/article")

    def measure(name: str, threshold: float):
        stream, gold = sets[name]
        verdicts = run_index(stream, threshold)
        ids = list(gold)
        pred = {aid: v.duplicate_of for aid, v in verdicts.items()}
        return pairwise(score, gold, pred, ids), verdicts

    print("\nthreshold sweep (pairwise precision / recall of clusters):")
    print(f"{'threshold':>9}  {'bbc P':>7} {'bbc R':>7}  {'syn P':>7} {'syn R':>7}")
    for t in SWEEP:
        (bp, br, *_), _ = measure("bbc", t)
        (sp_, sr, *_), _ = measure("syndicated", t)
        mark = "  <- used" if abs(t - args.threshold) < 1e-9 else ""
        print(f"{t:>9.3f}  {bp:7.4f} {br:7.4f}  {sp_:7.4f} {sr:7.4f}{mark}")

    print(f"\nat threshold {args.threshold}:")
    ok = True
    for name in sets:
        (p, r, tp, fp, fn), verdicts = measure(name, args.threshold)
        statuses = Counter(v.status for v in verdicts.values())
        passed = p >= 0.99 and r >= 0.95
        ok &= passed
        print(
            f"  {name:<11} precision {p:.4f}  recall {r:.4f}  (tp {tp}, fp {fp}, fn {fn}; "
            f"{dict(statuses)})  bars P>=0.99 R>=0.95: {'pass' if passed else 'FAIL'}"
        )
    (_, _, *_), verdicts = measure("bbc", args.threshold)
    sims = sorted(verdicts[p["b"]].similarity for p in pairs if p["kind"] == "near")
    print(f"  bbc re-edit pairs: estimated similarity of the later copy, lowest five {sims[:5]}")
    misses = sorted(((v.similarity, aid) for aid, v in verdicts.items() if v.status == "unique"), reverse=True)
    print(f"  bbc articles judged unique: highest similarity to an earlier article {misses[:3]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
