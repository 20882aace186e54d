"""The embedded pipeline with its parse against bare spaCy doing the same model work, as ratios from one run.

Shared by `benchmarks/parse_speed.py` and `newsflow bench --parts parse`. One process, one loaded
model, the same texts (the first N articles of a corpus, as the normalize stage cleans them),
alternated in each repeat, medians taken:
- pipeline: `build_pipeline` (all stages, in memory) over the raw articles;
- bare same work: `nlp.pipe` NER over every text + `nlp.pipe` of the parse components over exactly
  the chunks the pipeline parses (`sentences_to_parse` of the same texts);
- bare NER: `nlp.pipe` NER alone over every text (the NER-only model of today's entities stage).
Ratios are bare time / pipeline time (1.0: the pipeline costs nothing beyond the model), from CPU
time of this process (robust on a shared machine) and, beside it, from wall time. Math should run
on one thread (`OMP_NUM_THREADS=1` etc., set before numpy is imported) so CPU time is one core's.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Callable

import orjson

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from services.entities.logic import tokenizable
from services.entities.parse_pass import ner_disabled, parse_disabled
from services.entities.parse_scope import sentences_to_parse
from shared.core.batch import DeadLetter
from shared.core.settings import Settings

FIXES = "newsflow_entity_fixes"


def read_jsonl(path: Path, n: int | None = None) -> list[dict]:
    """The first `n` (all: None) objects of a JSON Lines file."""
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return rows[:n] if n is not None else rows


def _timed(prepare: Callable[[], Callable[[], Any]]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call of what `prepare` returns (preparing is not timed)."""
    fn = prepare()
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


class Work:
    """The three runs over the same articles with the same loaded model."""

    def __init__(self, articles: list[dict], settings: Settings, nlp: Any) -> None:
        self.settings, self.nlp = settings, nlp
        self.items = [InputItem(str(i), orjson.dumps(a)) for i, a in enumerate(articles)]
        events = self.entities_events()
        self.events = events
        self.texts = [tokenizable(e.text) for e in events]
        self.chunks = [
            t[r.start : r.end]
            for t, e in zip(self.texts, events)
            for r in sentences_to_parse(t, "en", settings.parse_scope)
        ]
        self.ner_off = ner_disabled(nlp) + [FIXES]
        self.parse_off = parse_disabled(nlp, "en")

    def entities_events(self) -> list:
        """The entities events of the articles (the pipeline up to entities, run once)."""
        pipeline = build_pipeline(self.settings, "normalize,dedup,entities", nlp=self.nlp)
        return [e for e in pipeline.run(self.items) if not isinstance(e, DeadLetter)]

    def pipeline(self) -> Callable[[], None]:
        """All stages, embedded, over the raw articles (built now, with a fresh in-memory dedup index)."""
        built = build_pipeline(self.settings, nlp=self.nlp)

        def run() -> None:
            out = list(built.run(self.items))
            assert len(out) == len(self.items)

        return run

    def bare_same(self) -> None:
        """NER over every text and the parse components over the pipeline's chunks."""
        for _ in self.nlp.pipe(self.texts, disable=self.ner_off, batch_size=self.settings.batch_size):
            pass
        for _ in self.nlp.pipe(self.chunks, disable=self.parse_off, batch_size=self.settings.batch_size):
            pass

    def bare_ner(self) -> None:
        """NER alone over every text."""
        for _ in self.nlp.pipe(self.texts, disable=self.ner_off, batch_size=self.settings.batch_size):
            pass


def speed(work: Work, repeat: int) -> dict:
    """Alternated runs (the order rotates each repeat); medians, words/s and ratios."""
    runs: dict[str, list[tuple[float, float]]] = {"pipeline": [], "bare_same_work": [], "bare_ner": []}
    fns: dict[str, Callable[[], Callable[[], Any]]] = {
        "pipeline": work.pipeline,
        "bare_same_work": lambda: work.bare_same,
        "bare_ner": lambda: work.bare_ner,
    }
    names = list(fns)
    for k in range(repeat):
        for name in names[k % 3 :] + names[: k % 3]:
            runs[name].append(_timed(fns[name]))
    words = sum(len(e.text.split()) for e in work.events)
    cpu = {n: statistics.median(c for c, _ in r) for n, r in runs.items()}
    wall = {n: statistics.median(w for _, w in r) for n, r in runs.items()}
    return {
        "articles": len(work.events),
        "words": words,
        "parsed_chunks": len(work.chunks),
        "cpu_s": {n: [round(c, 2) for c, _ in r] for n, r in runs.items()},
        "wall_s": {n: [round(w, 2) for _, w in r] for n, r in runs.items()},
        "words_per_cpu_s": {n: round(words / t) for n, t in cpu.items()},
        "ratio_vs_same_work": round(cpu["bare_same_work"] / cpu["pipeline"], 3),
        "ratio_vs_ner": round(cpu["bare_ner"] / cpu["pipeline"], 3),
        "wall_ratio_vs_same_work": round(wall["bare_same_work"] / wall["pipeline"], 3),
        "wall_ratio_vs_ner": round(wall["bare_ner"] / wall["pipeline"], 3),
    }


def measure(corpus: Path, n: int, repeat: int, settings: Settings, nlp: Any = None) -> dict:
    """The speed figures (`speed`) on the first `n` articles of `corpus`, after one warm-up run of the pipeline;
    `nlp`: the loaded model (default: `load_pipeline(settings)`, loaded now)."""
    if nlp is None:
        from services.entities.app import load_pipeline

        nlp = load_pipeline(settings)
    work = Work(read_jsonl(corpus, n), settings, nlp)
    work.pipeline()()  # warm-up
    return {"model": settings.model, "scope": settings.parse_scope, **speed(work, repeat)}


__all__ = ["FIXES", "Work", "measure", "read_jsonl", "speed"]
