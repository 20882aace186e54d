"""What `newsflow crawl` reads feeds, sitemaps, links and robots.txt with, against the alternatives, on the same
documents (written here; no network).

    python benchmarks/crawl_parsers.py [--items 200] [--repeat 5]

- feeds: feedparser (chosen) against trafilatura.feeds.extract_links on one RSS and one Atom feed of
  `--items` entries: entries/s, links found, and whether title, date and authors come with them;
- sitemaps: lxml iterparse (chosen, newsflow.crawl.sources) against trafilatura.sitemaps on a news sitemap:
  links/s and links found, on a public host and on a loopback one;
- link keys: courlan.normalize_url (chosen, with the fragment dropped) against urllib's urlsplit/urlunsplit:
  how many of a set of spellings of the same articles collapse to one key, and keys/s;
- robots.txt: Protego (chosen) against urllib.robotparser on rules with wildcards and `$`: answers that
  follow the rules (Google's specification).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from crawl_site import atom, rss, urlset  # noqa: E402

from newsflow.crawl.crawler import link_key  # noqa: E402
from newsflow.crawl.sources import read_listing  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from warc_throughput import best_of  # noqa: E402


def feeds(n: int, repeat: int) -> None:
    from trafilatura.feeds import FeedParameters, extract_links

    base = "https://news.example"
    date = "Tue, 12 Mar 2024 09:30:00 GMT"
    docs = {
        "RSS": rss(base, [(f"/story/{i}", f"Story {i}", date, "Desk") for i in range(n)]),
        "Atom": atom(base, [(f"/story/{i}", f"Story {i}", "2024-03-12T09:30:00Z", "Desk") for i in range(n)]),
    }
    print(f"feeds of {n} entries:")
    for kind, doc in docs.items():
        body = doc.encode()
        t_fp, listing = best_of(repeat, lambda body=body: read_listing(body, "application/xml", base + "/feed"))
        params = FeedParameters(base, "news.example", base + "/feed")
        t_tr, links = best_of(repeat, lambda doc=doc, params=params: extract_links(doc, params))
        first = listing.links[0]  # type: ignore[union-attr]
        fields = [f for f in ("title", "published_at", "authors") if getattr(first, f)]
        print(
            f"  {kind:4s} feedparser   {n / t_fp:9,.0f} entries/s  {len(listing.links):4d} links  with {', '.join(fields)}"
        )  # type: ignore[union-attr]
        print(f"  {kind:4s} trafilatura  {n / t_tr:9,.0f} entries/s  {len(links):4d} links  with nothing but the URL")  # type: ignore[arg-type]


def sitemaps(n: int, repeat: int) -> None:
    from trafilatura.sitemaps import SitemapObject

    print(f"news sitemap of {n} URLs:")
    for base, domain in (("https://news.example", "news.example"), ("http://127.0.0.1:8080", "127.0.0.1")):
        doc = urlset(base, [f"/story/{i}" for i in range(n)], {f"/story/{i}": f"Story {i}" for i in range(n)})
        t_lx, listing = best_of(repeat, lambda doc=doc, base=base: read_listing(doc.encode(), "application/xml", base))

        def trafilatura_links(doc=doc, base=base, domain=domain) -> list:
            s = SitemapObject(base, domain, [])
            s.current_url, s.content = base + "/sitemap.xml", doc
            s.process()
            return s.urls

        t_tr, links = best_of(repeat, trafilatura_links)
        titled = sum(1 for x in listing.links if x.title)  # type: ignore[union-attr]
        print(
            f"  {domain:12s} lxml        {n / t_lx:9,.0f} URLs/s  {len(listing.links):4d} links, {titled} with their news title"
        )  # type: ignore[union-attr]
        print(f"  {domain:12s} trafilatura {n / t_tr:9,.0f} URLs/s  {len(links):4d} links, none with a title")  # type: ignore[arg-type]


def _urllib_key(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path, p.query, ""))


def link_keys(repeat: int) -> None:
    spellings = [
        ["https://news.example/a/story?id=7", "https://News.Example/a/story?id=7", "https://news.example:443/a/story?id=7",
         "https://news.example/a/story?id=7#comments", "https://news.example/a/story?utm_source=rss&id=7",
         "https://news.example/a/story?id=7&utm_medium=social&utm_campaign=x"],
        ["https://news.example/b?x=1&y=2", "https://news.example/b?y=2&x=1", "https://news.example/b?x=1&y=2&fbclid=abc"],
    ]  # fmt: skip
    flat = [u for group in spellings for u in group] * 200
    print(f"link keys: {sum(map(len, spellings))} spellings of {len(spellings)} articles")
    for name, fn in (("courlan", link_key), ("urllib", _urllib_key)):
        keys = {fn(u) for group in spellings for u in group}
        seconds, _ = best_of(repeat, lambda fn=fn: [fn(u) for u in flat])
        print(f"  {name:8s} {len(keys)} distinct keys (right: {len(spellings)})  {len(flat) / seconds:9,.0f} keys/s")


ROBOTS = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*\nAllow: /search/about\nDisallow: /private/\n"
CASES = [  # (path, allowed by Google's rules)
    ("/files/report.pdf", False),
    ("/files/report.pdf?x=1", True),
    ("/searching", False),
    ("/search/about", True),
    ("/private/x", False),
    ("/news/story", True),
]


def robots() -> None:
    import urllib.robotparser

    from protego import Protego

    protego = Protego.parse(ROBOTS)
    stdlib = urllib.robotparser.RobotFileParser()
    stdlib.parse(ROBOTS.splitlines())
    print(f"robots.txt with wildcards: answers that follow the rules, of {len(CASES)}")
    for name, ask in (
        ("protego", lambda path: protego.can_fetch("https://news.example" + path, "newsflow")),
        ("urllib", lambda path: stdlib.can_fetch("newsflow", "https://news.example" + path)),
    ):
        right = sum(ask(path) == allowed for path, allowed in CASES)
        print(f"  {name:8s} {right}/{len(CASES)}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    feeds(args.items, args.repeat)
    sitemaps(args.items, args.repeat)
    link_keys(args.repeat)
    robots()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
