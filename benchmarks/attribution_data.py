"""The entities events (with their compact parse) of the attribution sets, cached for training and scoring.

    python -m benchmarks.attribution_data [--sets tuning,heldout,bbc] [--cache DIR]

Runs normalize, dedup and entities of the embedded pipeline on each set of
benchmarks/attribution_accuracy.py (the same fixed PolNeAR cut), and, where the entities
stage gave no parse, parses the sentences services/entities/parse_scope.py chooses with the
configured spaCy model, as the entities stage does. Writes DIR/<set>_entities.jsonl and
DIR/<set>_gold.jsonl; the quotes stage can then be rerun in seconds (train_attribution.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.attribution_accuracy import set_files  # noqa: E402
from newsflow.bootstrap import build_pipeline  # noqa: E402
from newsflow.inputs import read_inputs  # noqa: E402
from services.entities.parse_scope import sentences_to_parse  # noqa: E402
from shared.core.events import EntitiesExtracted, promote, to_dict  # noqa: E402
from shared.core.parse import CompactParse  # noqa: E402
from shared.core.settings import Settings  # noqa: E402

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "newsflow-attribution-cache"


def with_parse(event: EntitiesExtracted, nlp) -> EntitiesExtracted:
    """The event with a compact parse of its speech sentences (kept when the entities stage made one)."""
    if event.parse is not None:
        return event
    ranges = sentences_to_parse(event.text, event.language or "en")
    docs = nlp.pipe([event.text[r.start : r.end] for r in ranges])
    return promote(event, EntitiesExtracted, parse=CompactParse.from_docs(zip(docs, [r.start for r in ranges])))


def build(sets: list[str], cache: Path, settings: Settings) -> list[str]:
    """Write the cached events and gold of each set found; the names of the sets written."""
    import spacy

    nlp = spacy.load(settings.model, exclude=["ner"])
    cache.mkdir(parents=True, exist_ok=True)
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sets:
            files = set_files(name, None, Path(tmp))
            if files is None:
                print(f"{name}: data not found beside the repo, skipped", file=sys.stderr)
                continue
            pipeline = build_pipeline(settings, "normalize,dedup,entities")
            try:
                events = [e for e in pipeline.run(read_inputs([str(files[1])])) if isinstance(e, EntitiesExtracted)]
            finally:
                pipeline.close()
            with (cache / f"{name}_entities.jsonl").open("wb") as f:
                for e in events:
                    f.write(orjson.dumps(to_dict(with_parse(e, nlp))) + b"\n")
            shutil.copyfile(files[0], cache / f"{name}_gold.jsonl")
            done.append(name)
            print(f"{name}: {len(events)} articles", file=sys.stderr)
    return done


def load_events(cache: Path, name: str) -> list[EntitiesExtracted]:
    """The cached entities events of a set."""
    from shared.core.events import from_dict

    with (cache / f"{name}_entities.jsonl").open("rb") as f:
        return [from_dict(EntitiesExtracted, orjson.loads(line)) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="tuning,heldout,bbc")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args(argv)
    build(args.sets.split(","), args.cache, Settings())
    return 0


if __name__ == "__main__":
    sys.exit(main())
