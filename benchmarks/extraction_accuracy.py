"""Article extraction from whole web pages: newsflow's normalize against the alternatives, split in two.

    python benchmarks/extraction_accuracy.py [--pages PAGES.jsonl --gold GOLD.jsonl] [--tools a,b] [--json]

Default data: ../shared/corpora/html_pages/dev_pages.jsonl and dev_gold.jsonl beside the
repository (60 real news pages of the public article-extraction benchmark), scored with that
benchmark's measure (../shared/eval/score_extraction.py: word 4-grams per page, precision and
recall averaged over pages).

The split was fixed before any tuning and is never tuned: a page is held out when
int(sha256("extraction:" + id)[:8], 16) % 3 == 0 (20 of the 60 dev pages). Figures are printed
for all pages, the tuning part and the held-out part, per tool and mode, with the share of
pages where a title and a date were found and the mean milliseconds per page (a shared machine:
compare times within one run only).

Tools: "newsflow" is the normalize stage itself (trafilatura favor_precision with fallbacks,
then the project's line rules); trafilatura's other modes; readability-lxml, goose3 and jusText
when installed (`pip install -e .[bench]`); "page-text" is the page's plain text (the old
behaviour).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import time
from pathlib import Path
from typing import Callable

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
DEFAULT_PAGES = SHARED / "corpora" / "html_pages" / "dev_pages.jsonl"
DEFAULT_GOLD = SHARED / "corpora" / "html_pages" / "dev_gold.jsonl"
SCORER = SHARED / "eval" / "score_extraction.py"


def held_out(page_id: str) -> bool:
    """The split rule, fixed before tuning: one page in three by a hash of its id."""
    return int(hashlib.sha256(("extraction:" + page_id).encode()).hexdigest()[:8], 16) % 3 == 0


def _scorer():
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Result = tuple[str, str | None, str | None]  # text, title, date


def _newsflow() -> Callable[[str, str | None], Result]:
    from services.normalize.logic import normalize_article
    from shared.core.events import ArticlePublished

    def run(html: str, url: str | None) -> Result:
        e = normalize_article(ArticlePublished(body=html, url=url))
        return e.text, e.title, e.published_at

    return run


def _trafilatura(**options) -> Callable[[str, str | None], Result]:
    from trafilatura import bare_extraction

    def run(html: str, url: str | None) -> Result:
        d = bare_extraction(html, url=url, with_metadata=True, include_comments=False, **options)
        return (d.text or "", d.title, d.date) if d else ("", None, None)

    return run


def _readability() -> Callable[[str, str | None], Result]:
    import lxml.html
    from readability import Document

    def run(html: str, url: str | None) -> Result:
        doc = Document(html)
        summary = doc.summary(html_partial=True)
        text = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
        return text, doc.short_title() or None, None

    return run


def _goose3() -> Callable[[str, str | None], Result]:
    from goose3 import Goose

    goose = Goose({"enable_image_fetching": False})

    def run(html: str, url: str | None) -> Result:
        a = goose.extract(raw_html=html)
        return a.cleaned_text or "", a.title or None, (str(a.publish_date) if a.publish_date else None)

    return run


def _justext() -> Callable[[str, str | None], Result]:
    import justext

    def run(html: str, url: str | None) -> Result:
        paragraphs = justext.justext(html.encode("utf-8", "replace"), justext.get_stoplist("English"))
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate), None, None

    return run


def _page_text() -> Callable[[str, str | None], Result]:
    from services.normalize.cleaning import clean_body

    return lambda html, url: (clean_body(html).text, None, None)


TOOLS: dict[str, Callable[[], Callable[[str, str | None], Result]]] = {
    "newsflow": _newsflow,
    "trafilatura-precision": lambda: _trafilatura(favor_precision=True),
    "trafilatura-default": lambda: _trafilatura(),
    "trafilatura-recall": lambda: _trafilatura(favor_recall=True),
    "trafilatura-fast": lambda: _trafilatura(fast=True),
    "trafilatura-precision-fast": lambda: _trafilatura(favor_precision=True, fast=True),
    "readability-lxml": _readability,
    "goose3": _goose3,
    "justext": _justext,
    "page-text": _page_text,
}


def evaluate(name: str, pages: list[dict], gold: dict[str, str], scorer) -> dict | None:
    """Score one tool on every page; None when its package is not installed."""
    try:
        run = TOOLS[name]()
    except ImportError as err:
        print(f"{name}: skipped ({err})", file=sys.stderr)
        return None
    pred: dict[str, str] = {}
    titles = dates = 0
    t0 = time.perf_counter()
    for p in pages:
        try:
            text, title, date = run(p["body"], p.get("url"))
        except Exception as err:  # a tool that fails on a page scores it as empty, as the benchmark does
            print(f"{name}: page {p['id'][:12]}: {type(err).__name__}: {err}", file=sys.stderr)
            text, title, date = "", None, None
        pred[str(p["id"])] = text
        titles += bool(title)
        dates += bool(date)
    ms = (time.perf_counter() - t0) * 1000 / len(pages)
    parts = {
        "all": gold,
        "tuning": {i: g for i, g in gold.items() if not held_out(i)},
        "held_out": {i: g for i, g in gold.items() if held_out(i)},
    }
    out = {part: scorer.score(g, pred) for part, g in parts.items()}
    out.update(
        title_found=round(titles / len(pages), 4), date_found=round(dates / len(pages), 4), ms_per_page=round(ms, 1)
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.pages.exists() or not SCORER.exists():
        raise SystemExit(f"needs {args.pages} and {SCORER} (the shared folder beside the repository)")
    pages = [orjson.loads(line) for line in args.pages.read_bytes().splitlines() if line.strip()]
    gold = {str(g["id"]): g["text"] for g in map(orjson.loads, args.gold.read_bytes().splitlines()) if g}
    scorer = _scorer()
    n_held = sum(held_out(i) for i in gold)
    print(f"{len(pages)} pages: {len(gold) - n_held} tuning, {n_held} held out", file=sys.stderr)
    results = {}
    header = f"{'tool':28s} {'F1 all':>7s} {'P all':>7s} {'R all':>7s} {'F1 tune':>8s} {'F1 held':>8s} {'title%':>7s} {'date%':>6s} {'ms/page':>8s}"
    if not args.json:
        print(header)
    for name in [t.strip() for t in args.tools.split(",") if t.strip()]:
        r = evaluate(name, pages, gold, scorer)
        if r is None:
            continue
        results[name] = r
        if not args.json:
            print(
                f"{name:28s} {r['all']['f1']:7.4f} {r['all']['precision']:7.4f} {r['all']['recall']:7.4f} "
                f"{r['tuning']['f1']:8.4f} {r['held_out']['f1']:8.4f} {100 * r['title_found']:6.1f}% "
                f"{100 * r['date_found']:5.1f}% {r['ms_per_page']:8.1f}",
                flush=True,
            )
    if args.json:
        print(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
