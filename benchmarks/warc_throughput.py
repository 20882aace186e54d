"""Web archives in: WARC records/s (FastWARC, which newsflow uses, against warcio), and pages/s extracted
by newsflow from an archive against trafilatura alone on the same pages.

    python benchmarks/warc_throughput.py [--pages PAGES.jsonl] [--copies 20] [--repeat 3]

The archive is written here with FastWARC, as a crawler writes one: a request and a response record per
page, one gzip member each. Pages: ../shared/corpora/html_pages/dev_pages.jsonl (real news pages) when it
is there, else the repo's tests/data/pages. Reading: the whole archive `--copies` times the pages, every
record's payload read (the best of `--repeat`). Extraction: each page once, newsflow's path (archive ->
decoded page -> the normalize stage: trafilatura, the line rules, language) against `bare_extraction` with
the options newsflow gives it, on the same HTML. Memory: the peak RSS of a process that reads the archive
through newsflow's reader, for the archive and one four times its size (flat: streaming).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from warcs import request, response, write_warc  # noqa: E402

from newsflow.archives import Skipped, read_warc  # noqa: E402
from newsflow.inputs import read_inputs  # noqa: E402

DEFAULT_PAGES = REPO.parent / "shared" / "corpora" / "html_pages" / "dev_pages.jsonl"

_PEAK_RSS = """
import resource, sys
from newsflow.inputs import read_inputs
n = sum(1 for _ in read_inputs([sys.argv[1]]))
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def load_pages(path: Path | None) -> list[tuple[str, bytes]]:
    """(url, HTML bytes) of the benchmark's pages."""
    if path is not None and path.exists():
        rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
        return [(f"https://pages.example/{r['id']}", r["body"].encode("utf-8")) for r in rows]
    files = sorted((REPO / "tests" / "data" / "pages").glob("*.html"))
    return [(f"https://pages.example/{f.stem}", f.read_bytes()) for f in files]


def build_archive(path: Path, pages: list[tuple[str, bytes]], copies: int) -> int:
    """An archive of `copies` x the pages (request + response each); returns its record count."""
    records = (
        rec
        for copy in range(copies)
        for url, html in pages
        for rec in (request(f"{url}?copy={copy}"), response(f"{url}?copy={copy}", html))
    )
    return len(write_warc(path, records))


def best_of(repeat: int, fn) -> tuple[float, object]:
    """The shortest of `repeat` runs of `fn` (seconds) and its result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator

    n = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, parse_http=True):
            record.reader.read()
            n += 1
    return n


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            record.content_stream().read()
            n += 1
    return n


def read_newsflow(path: Path) -> int:
    return sum(1 for _ in read_warc(path, Skipped(), 10_485_760))


def extract_newsflow(pipeline, path: Path) -> int:
    return sum(1 for _ in pipeline.run(read_inputs([str(path)])))


def extract_trafilatura(pages: list[tuple[str, bytes]]) -> int:
    from trafilatura import bare_extraction

    for url, html in pages:
        bare_extraction(html.decode("utf-8"), url=url, favor_precision=True, with_metadata=True, include_comments=False)
    return len(pages)


def peak_rss_kb(path: Path) -> tuple[int, int]:
    """(pages read, peak RSS in KiB) of a fresh process that reads `path` through newsflow's reader."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, str(path)], cwd=REPO, capture_output=True, text=True, check=True
    )
    n, rss = out.stdout.split()
    return int(n), int(rss)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    pages = load_pages(args.pages)
    size = sum(len(h) for _, h in pages)
    print(f"{len(pages)} pages, {size / 1e6:.1f} MB of HTML ({'real pages' if args.pages.exists() else 'test pages'})")
    with tempfile.TemporaryDirectory() as tmp:
        archive, once, large = Path(tmp) / "a.warc.gz", Path(tmp) / "once.warc.gz", Path(tmp) / "large.warc.gz"
        records = build_archive(archive, pages, args.copies)
        print(f"archive: {records} records, {archive.stat().st_size / 1e6:.1f} MB gzipped")
        for name, fn in (("fastwarc", read_fastwarc), ("warcio", read_warcio), ("newsflow reader", read_newsflow)):
            try:
                seconds, n = best_of(args.repeat, lambda fn=fn: fn(archive))
            except ImportError:
                print(f"  {name}: not installed (pip install -e '.[bench]')")
                continue
            print(f"  {name:16s} {records / seconds:9,.0f} records/s  ({n} items, {seconds:.3f} s)")
        build_archive(once, pages, 1)
        from newsflow.bootstrap import build_pipeline
        from shared.core.settings import Settings

        pipeline = build_pipeline(Settings(), ["normalize"], wire=False)
        build_archive(Path(tmp) / "warm.warc.gz", pages[:1], 1)
        extract_newsflow(pipeline, Path(tmp) / "warm.warc.gz")  # imports and the language model, loaded once
        extract_trafilatura(pages[:1])
        t_news, n_news = best_of(1, lambda: extract_newsflow(pipeline, once))
        t_traf, n_traf = best_of(1, lambda: extract_trafilatura(pages))
        pipeline.close()
        print(f"extraction, each page once, after one warm-up page ({len(pages)} pages):")
        print(f"  newsflow (archive -> normalize) {n_news / t_news:7.1f} pages/s  ({t_news:.2f} s)")
        print(f"  trafilatura alone               {n_traf / t_traf:7.1f} pages/s  ({t_traf:.2f} s)")
        print(f"  newsflow / trafilatura: {t_traf / t_news:.2f}x the pages/s")
        build_archive(large, pages, args.copies * 4)
        for label, path in (("archive", archive), ("4x archive", large)):
            n, rss = peak_rss_kb(path)
            print(f"  peak RSS reading the {label:10s} ({n} pages): {rss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
