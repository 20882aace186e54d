"""A large store from a few real enriched events: the corpus through the pipeline once, then replicated.

`base_events` enriches the first articles of a corpus (JSON Lines, e.g. ../shared/corpora/bbc.jsonl)
with the embedded pipeline; `replicate` makes any number of events from them with new ids:
stories of 1 to 40 copies (a copy repeats its story's article, so its quotes are the same),
outlets from a fixed list, publication times spread over a year. `build_store` writes them
in batches through the StoreWriter. Seeded: the same arguments give the same store.

    python -m newsflow.store.synthetic --url sqlite:///big.db --articles 100000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator, Sequence

import orjson

OUTLETS = tuple(f"Outlet {chr(65 + i)}" for i in range(24))  # neutral names: no real outlet's data
START = datetime(2025, 1, 1)


def base_events(corpus: Path, n: int, settings: Any = None, warmup: int = 0) -> list[dict]:
    """The first `n` articles of `corpus` enriched by the embedded pipeline (every stage), as JSON objects.

    `warmup`: enrich that many of them once before (models loaded, caches warm), so that the
    stages' trace times are those of a running worker.
    """
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import read_inputs
    from shared.core.batch import DeadLetter
    from shared.core.events import to_dict
    from shared.core.settings import Settings

    items = list(read_inputs([str(corpus)]))[:n]
    pipeline = build_pipeline(settings or Settings())
    try:
        if warmup:
            list(pipeline.run(items[:warmup]))
        return [to_dict(r) for r in pipeline.run(items) if not isinstance(r, DeadLetter)]
    finally:
        pipeline.close()


def _story_size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.70:
        return 1
    if roll < 0.95:
        return rng.randint(2, 5)
    return rng.randint(10, 40)


def replicate(base: Sequence[dict], total: int, seed: int = 19, prefix: str = "syn") -> Iterator[dict]:
    """`total` events made from `base` with new ids, in stories of copies (see the module docstring)."""
    rng = random.Random(seed)
    made = 0
    story_no = 0
    while made < total:
        template = base[story_no % len(base)]
        size = min(_story_size(rng), total - made)
        first_id = f"{prefix}-{made}"
        when = START + timedelta(seconds=rng.randrange(365 * 86400))
        for copy in range(size):
            article_id = f"{prefix}-{made}"
            event = dict(template)
            event["id"] = article_id
            event["source"] = OUTLETS[rng.randrange(len(OUTLETS))]
            event["url"] = f"https://{event['source'].lower().replace(' ', '')}.example/{article_id}"
            event["published_at"] = (when + timedelta(minutes=17 * copy)).isoformat() + "Z"
            event["dedup"] = {
                "status": "unique" if copy == 0 else "duplicate",
                "duplicate_of": None if copy == 0 else first_id,
                "similarity": 1.0 if copy else 0.0,
                "cluster_id": first_id,
            }
            yield event
            made += 1
        story_no += 1


def build_store(url: str, events: Iterator[dict], batch_size: int = 500, progress=None) -> tuple[int, float]:
    """Write `events` into the store at `url` (migrated first) in batches; returns (articles, seconds)."""
    from newsflow.store.engine import make_engine
    from newsflow.store.migrate import upgrade_engine
    from newsflow.store.writer import StoreWriter

    engine = make_engine(url)
    try:
        upgrade_engine(engine)
        writer = StoreWriter(engine)
        n = 0
        started = time.perf_counter()
        batch: list[dict] = []
        for event in events:
            batch.append(event)
            if len(batch) >= batch_size:
                n += writer.write_batch(batch).written
                batch = []
                if progress:
                    progress(n)
        if batch:
            n += writer.write_batch(batch).written
        return n, time.perf_counter() - started
    finally:
        engine.dispose()


def load_or_make_base(corpus: Path, n: int, cache: Path | None) -> list[dict]:
    """`base_events`, cached as JSON Lines in `cache` (the pipeline runs once per corpus and size)."""
    if cache is not None and cache.exists():
        return [orjson.loads(line) for line in cache.read_bytes().splitlines() if line.strip()]
    base = base_events(corpus, n)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in base))
    return base


def main(argv: Sequence[str] | None = None) -> int:
    """Build a synthetic store: `python -m newsflow.store.synthetic --url URL --articles N`."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="store URL or SQLite file")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--base", type=int, default=300, help="corpus articles enriched once and replicated")
    p.add_argument("--corpus", default=str(Path(__file__).resolve().parents[3] / "shared" / "corpora" / "bbc.jsonl"))
    p.add_argument("--cache", default=None, help="JSON Lines cache of the enriched base events")
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--seed", type=int, default=19)
    args = p.parse_args(argv)
    base = load_or_make_base(Path(args.corpus), args.base, Path(args.cache) if args.cache else None)
    n, seconds = build_store(args.url, replicate(base, args.articles, args.seed), args.batch_size)
    sys.stderr.write(f"stored {n} articles in {seconds:.1f}s ({n / seconds:.0f}/s) from {len(base)} base events\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["OUTLETS", "base_events", "replicate", "build_store", "load_or_make_base", "main"]
