"""GAP (Google's gendered ambiguous pronouns) through the project's own model pass and resolver.

    python -m benchmarks.gap INPUT.tsv OUTPUT.tsv [--model NAME] [--scope all|speech]
    python ../shared/eval/score_gap.py INPUT.tsv OUTPUT.tsv

Reads a GAP file (ID, Text, Pronoun, Pronoun-offset, A, A-offset, B, B-offset; the A-coref and
B-coref columns are never read), runs the entities stage's model pass on each text (NER, and
the parser on every sentence: `--scope all`, the default, since a Wikipedia paragraph has few
speech verbs to choose sentences by), builds the article's discourse model
(services/quotes/discourse.py) with the trained resolver, and writes `ID<TAB>A-coref<TAB>B-coref`:
TRUE for the likelier of the two names as the resolver scores the pronoun's candidate chains (the
chain holding a mention over the name's offset, else a chain named by it), when its probability
reaches the model's `gap_threshold`: at most one TRUE per pronoun.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.quotes.discourse import Chain, Discourse, Mention, build_discourse  # noqa: E402
from shared.core.events import ArticleDeduplicated, EntitiesExtracted  # noqa: E402
from shared.core.settings import Settings  # noqa: E402


def read_gap(path: Path) -> list[dict]:
    """The rows of a GAP file, as dicts by column name."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def model_pass(rows: list[dict], settings: Settings, batch_size: int = 64) -> list[EntitiesExtracted]:
    """The entities stage's model pass (NER, and the parse of the sentences its scope chooses) over GAP texts."""
    from services.entities.app import load_pipeline
    from services.entities.logic import extract_entities

    nlp = load_pipeline(settings)
    events = [ArticleDeduplicated(id=r["ID"], body=r["Text"], text=r["Text"], language="en") for r in rows]
    return extract_entities(lambda _lang: nlp, events, (), batch_size, "en", settings.parse_scope)


def page_subject(row: dict) -> str:
    """The subject of the row's Wikipedia page, from its URL ('.../wiki/Jane_Roe_(singer)' -> 'Jane Roe'): the
    page's title, read as the article's title is (services/quotes/discourse.py topic)."""
    name = unquote(row.get("URL", "").rstrip("/").rsplit("/", 1)[-1]).replace("_", " ")
    return name.split(" (", 1)[0].strip()


def pronoun_at(d: Discourse, offset: int) -> Mention | None:
    """The pronoun mention starting at `offset`."""
    m = d.mention_at(offset, offset + 1)
    return m if m is not None and m.kind == "pronoun" and m.start == offset else None


def holds(d: Discourse, c: Chain, name: str, offset: int) -> bool:
    """Whether chain `c` holds the GAP name at `offset` (a mention over it), or is named by it."""
    end = offset + len(name)
    for i in c.mentions:
        m = d.mentions[i]
        if m.kind == "name" and m.start < end and offset < m.end:
            return True
    covered = any(m.kind == "name" and m.start < end and offset < m.end for m in d.mentions)
    words = name.split()
    return not covered and bool(words) and c.name.split()[-1:] == words[-1:]


def pronoun_candidates(event: EntitiesExtracted, row: dict, model) -> tuple[Discourse, list]:
    """The row's text as a discourse model (its page subject as the title), and the candidate chains of its
    pronoun with their features (empty: the pronoun has none)."""
    seen: list = []
    d = build_discourse(
        event.text,
        event.entities,
        event.parse,
        (),
        model,
        observe=lambda m, c: seen.append((m, c)),
        topic=page_subject(row),
    )
    offset = int(row["Pronoun-offset"])
    return d, next((c for m, c in seen if m.start == offset), [])


def scores(event: EntitiesExtracted, row: dict, resolver=None) -> tuple[float | None, float | None]:
    """The resolver's probability that the row's pronoun refers to name A and to name B (None: the name is
    no candidate of the pronoun: not found, or named only after it in a later sentence)."""
    from services.quotes.coref import load_resolver

    model = resolver or load_resolver()
    d, cands = pronoun_candidates(event, row, model)
    out = []
    for k in "AB":
        name, at = row[k], int(row[f"{k}-offset"])
        s = [model.score(f) for c, f in cands if holds(d, c, name, at)]
        out.append(max(s) if s else None)
    return out[0], out[1]


def answer(event: EntitiesExtracted, row: dict, resolver=None, threshold: float | None = None) -> tuple[bool, bool]:
    """(A-coref, B-coref) for one GAP row: the likelier of the two names, if its probability reaches
    `threshold` (default: the model's `gap_threshold`); at most one TRUE."""
    from services.quotes.coref import load_resolver

    model = resolver or load_resolver()
    a, b = scores(event, row, model)
    return choose(a, b, model.gap_threshold if threshold is None else threshold)


def choose(a: float | None, b: float | None, threshold: float) -> tuple[bool, bool]:
    """(A-coref, B-coref) from the two names' probabilities (None: no candidate): the likelier name if it
    reaches `threshold`, A on a tie; else neither."""
    best = max((x for x in (a, b) if x is not None), default=None)
    if best is None or best < threshold:
        return False, False
    return (True, False) if a == best else (False, True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--model", default=None, help="spaCy model (default: the Settings default)")
    ap.add_argument("--scope", default="all", choices=("all", "speech"), help="sentences the parser runs on")
    args = ap.parse_args(argv)
    settings = (
        Settings(parse_scope=args.scope) if args.model is None else Settings(model=args.model, parse_scope=args.scope)
    )
    rows = read_gap(args.input)
    events = model_pass(rows, settings)
    with args.output.open("w", encoding="utf-8") as f:
        f.write("ID\tA-coref\tB-coref\n")
        for row, event in zip(rows, events):
            a, b = answer(event, row)
            f.write(f"{row['ID']}\t{'TRUE' if a else 'FALSE'}\t{'TRUE' if b else 'FALSE'}\n")
    print(f"{len(rows)} examples written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
