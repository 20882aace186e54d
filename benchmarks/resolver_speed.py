"""What the pronoun resolver costs: per candidate and per article, for one or more model files.

    python -m benchmarks.resolver_speed [MODEL.json ...] [--articles 600] [--repeat 3] [--cache DIR]

On the cached entities events of the BBC corpus (benchmarks/attribution_data.py, built first when
missing), in one process, CPU time, medians of the repeats:
- the discourse model with its pronouns resolved (`build_discourse`), ms per article, per model file;
- the scoring of the candidates alone (`CorefModel.score_keys` over every candidate the shipped model
  met on those articles), us per candidate, per model file;
- for a model with trees, its compiled function against walking the same trees node by node
  (`walk_trees`), us per candidate.
With no model file, the shipped one. A logistic-regression resolver to compare with comes from
`python -m benchmarks.train_coref --tree-share 0 --out OTHER.json`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.attribution_data import DEFAULT_CACHE, build, load_events  # noqa: E402
from services.quotes import coref  # noqa: E402
from services.quotes.coref import MODEL_PATH, CorefModel, load_resolver, walk_trees  # noqa: E402
from services.quotes.discourse import build_discourse  # noqa: E402
from services.quotes.marks import pair_quotes  # noqa: E402
from shared.core.settings import Settings  # noqa: E402


def _median_cpu(run, repeat: int) -> float:
    """The median CPU seconds of `repeat` calls of `run` (after one warm-up call)."""
    run()
    spent = []
    for _ in range(repeat):
        t = time.process_time()
        run()
        spent.append(time.process_time() - t)
    return statistics.median(spent)


def candidate_keys(events, quoted, model: CorefModel) -> list[list]:
    """The feature keys of every candidate `model` scores while resolving the events' pronouns."""
    met: list[list] = []
    score_keys = CorefModel.score_keys

    def recording(self, keys):
        met.append(keys)
        return score_keys(self, keys)

    coref.CorefModel.score_keys = recording  # type: ignore[method-assign]
    try:
        for e, q in zip(events, quoted):
            build_discourse(e.text, e.entities, e.parse, q, model)
    finally:
        coref.CorefModel.score_keys = score_keys  # type: ignore[method-assign]
    return met


def trees_alone(model: CorefModel, keys: list[list], repeat: int) -> tuple[float, float]:
    """Us per candidate of `model`'s trees alone over the candidates' feature names: compiled, and walked."""
    names = [{coref.key_name(k) for k in ks} for ks in keys]
    boosted = coref.compile_trees(model.trees)
    compiled = _median_cpu(lambda: [boosted(n) for n in names], repeat)
    walked = _median_cpu(lambda: [walk_trees(model.trees, n) for n in names], repeat)
    return compiled / len(keys) * 1e6, walked / len(keys) * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", type=Path, help="resolver model files (default: the shipped one)")
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args(argv)
    if not (args.cache / "bbc_corpus_entities.jsonl").exists():
        build(["bbc_corpus"], args.cache, Settings())
    events = load_events(args.cache, "bbc_corpus")[: args.articles]
    quoted = [[s.marked for s in pair_quotes(e.text)] for e in events]
    keys = candidate_keys(events, quoted, load_resolver())
    print(f"{len(events)} BBC articles, {len(keys)} candidates scored ({len(keys) / len(events):.1f} per article)")
    for path in args.models or [MODEL_PATH]:
        model = load_resolver(str(path))

        def discourse(model=model) -> None:
            for e, q in zip(events, quoted):
                build_discourse(e.text, e.entities, e.parse, q, model)

        def scoring(model=model) -> None:
            for k in keys:
                model.score_keys(k)

        kind = f"{len(model.trees)} trees" if model.trees else f"linear, {len(model.weights)} weights"
        per_article = _median_cpu(discourse, args.repeat) / len(events) * 1e3
        per_candidate = _median_cpu(scoring, args.repeat) / len(keys) * 1e6
        print(
            f"{path.name} ({kind}): discourse with pronouns resolved {per_article:.3f} ms per article; "
            f"scoring {per_candidate:.2f} us per candidate"
        )
        if model.trees:
            compiled, walked = trees_alone(model, keys, args.repeat)
            print(f"  its trees alone: compiled {compiled:.2f} us per candidate, walked node by node {walked:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
