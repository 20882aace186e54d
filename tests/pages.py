"""The small HTML pages of tests/data/pages (written for newsflow by make_pages.py there)."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parent / "data" / "pages"


def page(name: str) -> str:
    """The HTML of one test page."""
    return (PAGES / name).read_text(encoding="utf-8")


def big_page(story_page: str, target_bytes: int) -> str:
    """`story_page` padded to about `target_bytes` with page furniture (a long "related" list and scripts)."""
    filler_item = '<li><a href="/more/{i}">More news from around the world, number {i}</a></li>'
    script = "<script>var tracking = '" + "x" * 4000 + "';</script>"
    parts, size, i = [], len(story_page), 0
    while size < target_bytes:
        chunk = filler_item.format(i=i) if i % 2 else script
        parts.append(chunk)
        size += len(chunk)
        i += 1
    return story_page.replace("</footer>", "<ul class='more'>" + "".join(parts) + "</ul></footer>")
