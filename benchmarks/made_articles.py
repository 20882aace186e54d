"""News articles made into pronoun and description cases, run through the whole quotes path.

    python -m benchmarks.made_articles [--cache DIR]

`benchmarks/train_coref.py` makes cases from named attributions: a quote whose attribution names a
person the article named before. Here each case becomes a real article: the name is replaced in the
text by the pronoun the article uses for the person ('she') or by 'the <role>' the article gave
them ('the mayor'), the entities stage's model pass runs on the new text (NER and the parse, as in
the pipeline), then the quotes stage. A case is right when the quote's speaker is the named person
(eval/score.py's speaker match). The made articles are cached beside the entities events.

This measures what a user meets, end to end: pronoun-cued and description-cued quotes whose right
speaker is known, on articles split as the cases are (one in five held out by article id).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.attribution_accuracy import owners_scorer  # noqa: E402
from benchmarks.attribution_data import DEFAULT_CACHE  # noqa: E402
from shared.core.events import ArticleDeduplicated, EntitiesExtracted, Quote, from_dict, to_dict  # noqa: E402
from shared.core.settings import Settings  # noqa: E402


def made_text(text: str, case: dict) -> tuple[str, int, int]:
    """The article's text with the case's name replaced by its pronoun or description; where the quote now is."""
    word = case["word"]
    start, end = case["start"], case["end"]
    before = text[:start].rstrip(" \t\"\u201c\u201d'")
    if not before or before.endswith((".", "!", "?", "\n", ":")):
        word = word[:1].upper() + word[1:]
    new = text[:start] + word + text[end:]
    shift = len(word) - (end - start)
    q0, q1 = case["quote"]
    return new, q0 + (shift if q0 >= end else 0), q1 + (shift if q1 >= end else 0)


def case_key(case: dict) -> str:
    """A stable id of a made article."""
    return f"{case['id']}@{case['start']}:{case['word']}"


def model_pass(events_by_id: dict, cases: list[dict], cache: Path, settings: Settings | None = None) -> dict:
    """The entities events of the made articles (NER and parse of the new text), cached: key -> event."""
    path = cache / "made_articles_entities.jsonl"
    done: dict[str, EntitiesExtracted] = {}
    if path.exists():
        with path.open("rb") as f:
            for line in f:
                e = from_dict(EntitiesExtracted, orjson.loads(line))
                done[e.id] = e
    todo = [c for c in cases if case_key(c) not in done]
    if todo:
        from services.entities.app import load_pipeline
        from services.entities.logic import extract_entities

        settings = settings or Settings()
        nlp = load_pipeline(settings)
        events = []
        for c in todo:
            text = made_text(events_by_id[c["id"]].text, c)[0]
            events.append(ArticleDeduplicated(id=case_key(c), body=text, text=text, language="en"))
        out = extract_entities(lambda _lang: nlp, events, (), 32, "en", settings.parse_scope)
        with path.open("ab") as f:
            for e in out:
                f.write(orjson.dumps(to_dict(e)) + b"\n")
                done[e.id] = e
    return done


def quote_of(quotes, q0: int, q1: int) -> Quote | None:
    """The made article's quote at the case's quote (overlapping it most)."""
    best, overlap = None, 0
    for q in quotes:
        o = min(q.end, q1) - max(q.start, q0)
        if q.kind != "indirect" and o > overlap:
            best, overlap = q, o
    return best


def outcomes(events_by_id: dict, cases: list[dict], made: dict, chooser=None) -> list[tuple[dict, Quote | None, bool]]:
    """Each case with the quote the quotes stage made of it and whether its speaker is right."""
    from services.quotes.logic import extract_quotes

    scorer = owners_scorer()
    out = []
    for c in cases:
        e = made.get(case_key(c))
        if e is None:
            continue
        _text, q0, q1 = made_text(events_by_id[c["id"]].text, c)
        q = quote_of(extract_quotes(e.text, e.entities, e.parse, chooser, title=e.title or ""), q0, q1)
        out.append((c, q, bool(q is not None and scorer.speaker_match(q.speaker, c["target"]))))
    return out


def summary(rows: list[tuple[dict, Quote | None, bool]]) -> str:
    """Right share by kind of case ('he'/'she'/... pronouns, descriptions)."""
    by: dict[str, list[bool]] = defaultdict(list)
    for c, _q, ok in rows:
        kind = "description" if c.get("description") else "pronoun"
        by[kind].append(ok)
        if kind == "pronoun" and c["natural"]:
            by["pronoun (natural)"].append(ok)
    return ", ".join(f"{k} {sum(v) / len(v):.3f} of {len(v)}" for k, v in sorted(by.items()))


def main(argv: list[str] | None = None) -> int:
    from benchmarks.train_coref import build_cases

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args(argv)
    events_by_id, parts = build_cases(args.cache)
    for name, cases in parts.items():
        made = model_pass(events_by_id, cases, args.cache)
        print(f"made articles, {name}: {summary(outcomes(events_by_id, cases, made))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
