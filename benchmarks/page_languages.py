"""Language of the dev pages: fastText's answer on the extracted text against each page's own <html lang>.

    python benchmarks/page_languages.py [PAGES.jsonl]     (default ../shared/corpora/html_pages/dev_pages.jsonl)

No gold language exists for these pages; a page's lang attribute is the publisher's own
claim (sometimes a template default), so agreement is a lower bound of accuracy.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.normalize.extraction import declared_language, extract_page  # noqa: E402
from services.normalize.language import identify  # noqa: E402


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else REPO.parent / "shared" / "corpora" / "html_pages" / "dev_pages.jsonl"
    pages = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    detected, agree, declared = Counter(), 0, 0
    for p in pages:
        lang, _ = identify(extract_page(p["body"], p.get("url")).text)
        detected[lang] += 1
        page_lang = declared_language(p["body"])
        if page_lang:
            declared += 1
            agree += page_lang == lang
            if page_lang != lang:
                print(f"  {p['id'][:12]}: page says {page_lang}, text reads {lang}", file=sys.stderr)
    print(f"{len(pages)} pages; detected: {dict(detected.most_common())}")
    print(f"pages declaring <html lang>: {declared}; detection agrees on {agree} ({agree / max(1, declared):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
