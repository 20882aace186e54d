"""Mojibake repair and file decoding: ftfy and charset-normalizer against the hand-written code they replaced.

    python benchmarks/encoding_repair.py

Cases are built from benchmarks/multilingual_texts.py (written for newsflow): each text with
typographic quotes, encoded to UTF-8 and decoded as Windows-1252 the way a browser does (its five
undefined bytes become C1 controls), twice (double mojibake), as latin-1, and half-broken;
clean texts must come back unchanged. Pages: the texts as HTML in UTF-8, cp1252, ISO-8859-1/-15
and UTF-16.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from multilingual_texts import S  # noqa: E402

from newsflow.inputs import decode_text  # noqa: E402
from services.normalize.cleaning import repair_mojibake  # noqa: E402

_OLD_HINT = re.compile(
    "[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
)


def old_repair(text: str) -> str:
    """The hand-written repair normalize had before ftfy: one whole-text re-decode."""
    if not _OLD_HINT.search(text):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def as_browser_cp1252(text: str) -> str:
    return "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in text.encode("utf-8")
    )


def text_cases() -> list[tuple[str, str, str]]:
    out = []
    for sentences in S.values():
        for s in sentences:
            for good in (s, f"\u201c{s}\u201d, l\u2019homme a dit \u2014 c\u2019est \u00e7a."):
                out.append(("clean", good, good))
                once = as_browser_cp1252(good)
                if once != good:
                    out += [
                        ("cp1252 mojibake", once, good),
                        ("double mojibake", as_browser_cp1252(once), good),
                        ("half mojibake", good + " " + once, good + " " + good),
                    ]
                l1 = good.encode("utf-8").decode("latin-1")
                if l1 != good:
                    out.append(("latin-1 mojibake", l1, good))
    return out


def page_cases() -> list[tuple[str, bytes, str]]:
    out = []
    for sentences in S.values():
        html = "<html><body>" + "".join(f"<p>{s}</p>" for s in sentences) + "</body></html>"
        for codec in ("utf-8", "cp1252", "iso-8859-1", "iso-8859-15", "utf-16"):
            try:
                out.append((codec, html.encode(codec), html))
            except UnicodeEncodeError:
                pass
    return out


def table(name: str, fn, cases) -> str:
    by: dict[str, list[int]] = {}
    t0 = time.perf_counter()
    for kind, bad, good in cases:
        acc = by.setdefault(kind, [0, 0])
        acc[0] += fn(bad) == good
        acc[1] += 1
    ms = (time.perf_counter() - t0) * 1000 / len(cases)
    return f"{name:34s} " + " | ".join(f"{k} {a}/{n}" for k, (a, n) in by.items()) + f" | {ms:.3f} ms/case"


if __name__ == "__main__":
    texts = text_cases()
    print(table("hand-written re-decode (before)", old_repair, texts))
    print(table("ftfy behind the hint (now)", repair_mojibake, texts))
    pages = page_cases()
    print(table("UTF-8 with replacement (before)", lambda b: b.decode("utf-8", "replace"), pages))
    print(table("UTF-8, else charset-normalizer (now)", decode_text, pages))
