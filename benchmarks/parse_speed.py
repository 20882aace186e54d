"""The embedded pipeline with its parse against bare spaCy doing the same model work, as ratios from one run.

    python benchmarks/parse_speed.py [--articles 300] [--repeat 5] [--corpus PATH] [--polnear PATH]
                                     [--agreement] [--json]

One process, one thread of math (one core), one loaded model (`load_pipeline(Settings())`), the
same texts (the first N BBC articles, as the normalize stage cleans them), alternated batch by batch
(the pipeline's batches of `NEWSFLOW_BATCH_SIZE` articles, the order rotating), medians of the repeats
taken:
- pipeline: `build_pipeline` (all stages, in memory) over the raw articles, one `run_batch` per batch;
- bare same work: `nlp.pipe` NER over every text + `nlp.pipe` of the parse components over exactly
  the chunks the pipeline parses (`sentences_to_parse` of the same texts);
- bare NER: `nlp.pipe` NER alone over every text (the NER-only model of today's entities stage).
Ratios are bare time / pipeline time (1.0: the pipeline costs nothing beyond the model), from CPU
time of this process (robust on a shared machine) and, beside it, from wall time. Besides the ratio
of the medians: each repeat's ratio, the ratio of each batch's fastest runs, and the median (with
quartiles) of the ratios of the batches one by one, each batch's pipeline and bare runs timed side by
side, which a slow spell of a shared machine moves least (a spell falls on one batch's pair, not on
a whole repeat). `--batch-size` sets the batch for both sides.

Also printed: the bytes the parse adds to an entities event (raw JSON, which the producer's default
`NEWSFLOW_COMPRESSION=none` sends, and per-event lz4/zstd for reference), and the share of sentences
and words parsed on the BBC articles and on PolNeAR's training split. `--agreement`: how often a
chunk's parse (head and label of each token) equals a parse of the whole article.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core: set before numpy is imported

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import orjson  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsflow.bootstrap import build_pipeline  # noqa: E402
from newsflow.inputs import InputItem  # noqa: E402
from services.entities.app import load_pipeline  # noqa: E402
from services.entities.logic import tokenizable  # noqa: E402
from services.entities.parse_pass import ner_disabled, parse_disabled  # noqa: E402
from services.entities.parse_scope import sentences_to_parse  # noqa: E402
from shared.core.batch import DeadLetter  # noqa: E402
from shared.core.codec import encode  # noqa: E402
from shared.core.settings import Settings  # noqa: E402
from shared.text.sentences import sentences  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
FIXES = "newsflow_entity_fixes"


def read_jsonl(path: Path, n: int | None = None) -> list[dict]:
    """The first `n` (all: None) objects of a JSON Lines file."""
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return rows[:n] if n is not None else rows


class Work:
    """The three runs over the same articles with the same loaded model, batch by batch."""

    def __init__(self, articles: list[dict], settings: Settings, nlp: Any) -> None:
        self.settings, self.nlp = settings, nlp
        self.items = [InputItem(str(i), orjson.dumps(a)) for i, a in enumerate(articles)]
        indexed = self.entities_events()
        events = [e for _, e in indexed]
        self.events = events
        self.texts = [tokenizable(e.text) for e in events]
        chunks = [[t[r.start : r.end] for r in sentences_to_parse(t, "en", settings.parse_scope)] for t in self.texts]
        self.chunks = [c for cs in chunks for c in cs]
        self.ner_off = ner_disabled(nlp) + [FIXES]
        self.parse_off = parse_disabled(nlp, "en")
        # the pipeline's batches, and the texts and chunks of each (an article dropped by dedup is not in `events`)
        n = max(1, settings.batch_size)
        at = {i: (t, c) for (i, _), t, c in zip(indexed, self.texts, chunks)}
        self.batches = []
        for lo in range(0, len(self.items), n):
            got = [at[i] for i in range(lo, min(lo + n, len(self.items))) if i in at]
            self.batches.append((self.items[lo : lo + n], [t for t, _ in got], [c for _, cs in got for c in cs]))

    def entities_events(self) -> list[tuple[int, Any]]:
        """(input index, entities event) of the articles (the pipeline up to entities, run once)."""
        pipeline = build_pipeline(self.settings, "normalize,dedup,entities", nlp=self.nlp)
        return [(i, e) for i, e in enumerate(pipeline.run(self.items)) if not isinstance(e, DeadLetter)]

    def pipeline(self) -> Callable[[], None]:
        """All stages, embedded, over the raw articles (built now, with a fresh in-memory dedup index)."""
        built = build_pipeline(self.settings, nlp=self.nlp)

        def run() -> None:
            out = list(built.run(self.items))
            assert len(out) == len(self.items)

        return run

    def bare_same(self, texts: list[str], chunks: list[str]) -> None:
        """NER over `texts` and the parse components over `chunks` (one batch's, as the pipeline parses them)."""
        for _ in self.nlp.pipe(texts, disable=self.ner_off, batch_size=self.settings.batch_size):
            pass
        for _ in self.nlp.pipe(chunks, disable=self.parse_off, batch_size=self.settings.batch_size):
            pass

    def bare_ner(self, texts: list[str]) -> None:
        """NER alone over `texts`."""
        for _ in self.nlp.pipe(texts, disable=self.ner_off, batch_size=self.settings.batch_size):
            pass


MODEL_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "parser", "ner", "attribute_ruler", "lemmatizer", "senter")


class ModelClock:
    """CPU time spent inside the model's components while the pipeline runs: the model work itself.

    Each component of `MODEL_COMPONENTS` in `nlp` is wrapped so that pulling a doc from it is timed; a
    component pulls its input through the ones before it and through the tokenizer, so the outermost pull
    is counted and the ones inside it are not. The time of the pipeline outside these pulls is its own
    cost beyond the model (the entity fixes, the stages, the parse's compaction, garbage collection). Both
    are taken in the same run, within milliseconds of each other, so a slow spell of a shared machine
    weighs on both alike. Wrapping changes no output."""

    def __init__(self, nlp: Any) -> None:
        self.spent = 0.0
        self._depth = 0
        self._components = nlp._components  # spaCy's list of (name, component); no public way to wrap in place
        self._unwrapped = list(self._components)
        for i, (name, proc) in enumerate(self._components):
            if name in MODEL_COMPONENTS and hasattr(proc, "pipe") and not isinstance(proc, _Timed):
                self._components[i] = (name, _Timed(proc, self))

    def restore(self) -> None:
        """Put the components back as they were."""
        self._components[:] = self._unwrapped

    def timed(self, docs: Any) -> Any:
        """`docs`, each pull timed unless it runs inside another timed pull."""
        it = iter(docs)
        while True:
            outer = self._depth == 0
            c0 = time.process_time()
            self._depth += 1
            try:
                doc = next(it)
            except StopIteration:
                return
            finally:
                self._depth -= 1
                if outer:
                    self.spent += time.process_time() - c0
            yield doc


class _Timed:
    """A spaCy component whose `pipe` is timed by a `ModelClock`; everything else is the component's."""

    def __init__(self, proc: Any, clock: ModelClock) -> None:
        self._proc, self._clock = proc, clock

    def pipe(self, docs: Any, **kwargs: Any) -> Any:
        return self._clock.timed(self._proc.pipe(docs, **kwargs))

    def __call__(self, doc: Any) -> Any:
        return self._proc(doc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proc, name)


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def speed(work: Work, repeat: int) -> dict:
    """Runs alternated batch by batch: each batch of the pipeline (`Pipeline.run_batch`, as a worker runs it) is
    timed next to the bare runs over the same batch, the order rotating, so that a slow spell of a shared
    machine weighs on all three alike. Per repeat, each run's time is the sum over the batches; the ratios are
    those of the medians over the repeats, and each repeat's own ratio is printed beside them, and the ratio of
    the sums of each batch's least time over the repeats (a shared machine only ever adds time)."""
    names = ("pipeline", "bare_same_work", "bare_ner")
    runs: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    fastest: dict[str, dict[int, float]] = {n: {} for n in names}  # batch -> its least CPU time over the repeats
    paired: list[float] = []  # bare same work / pipeline, of one batch timed side by side
    model = ModelClock(work.nlp)
    inside: list[float] = []  # the model's share of each pipeline run's CPU time
    inside_sums = [0.0, 0.0]  # model time, pipeline time, over every run
    bare_inside = [0.0, 0.0]  # the same of bare spaCy's runs: what its own plumbing around the components costs
    try:
        for k in range(repeat):
            built = build_pipeline(work.settings, nlp=work.nlp)  # a fresh in-memory dedup index each repeat
            steps: dict[str, Callable[[tuple], Any]] = {
                "pipeline": lambda b, built=built: built.run_batch(b[0]),
                "bare_same_work": lambda b: work.bare_same(b[1], b[2]),
                "bare_ner": lambda b: work.bare_ner(b[1]),
            }
            total = {n: [0.0, 0.0] for n in names}
            for j, batch in enumerate(work.batches):
                r = (k + j) % 3
                cpu: dict[str, float] = {}
                for name in names[r:] + names[:r]:
                    model.spent = 0.0
                    c0, w0 = _clock()
                    steps[name](batch)
                    c1, w1 = _clock()
                    cpu[name] = c1 - c0
                    if name == "pipeline":
                        inside.append(model.spent / (c1 - c0))
                        inside_sums[0] += model.spent
                        inside_sums[1] += c1 - c0
                    elif name == "bare_same_work":
                        bare_inside[0] += model.spent
                        bare_inside[1] += c1 - c0
                    total[name][0] += c1 - c0
                    total[name][1] += w1 - w0
                    fastest[name][j] = min(fastest[name].get(j, float("inf")), c1 - c0)
                paired.append(cpu["bare_same_work"] / cpu["pipeline"])
            for n in names:
                runs[n].append((total[n][0], total[n][1]))
    finally:
        model.restore()
    words = sum(len(e.text.split()) for e in work.events)
    cpu = {n: statistics.median(c for c, _ in r) for n, r in runs.items()}
    wall = {n: statistics.median(w for _, w in r) for n, r in runs.items()}
    per_repeat = [round(b[0] / p[0], 3) for p, b in zip(runs["pipeline"], runs["bare_same_work"])]
    return {
        "articles": len(work.events),
        "words": words,
        "parsed_chunks": len(work.chunks),
        "batches": len(work.batches),
        "cpu_s": {n: [round(c, 2) for c, _ in r] for n, r in runs.items()},
        "wall_s": {n: [round(w, 2) for _, w in r] for n, r in runs.items()},
        "words_per_cpu_s": {n: round(words / t) for n, t in cpu.items()},
        "ratio_vs_same_work": round(cpu["bare_same_work"] / cpu["pipeline"], 3),
        "ratio_vs_same_work_per_repeat": per_repeat,
        "ratio_vs_same_work_fastest": round(
            sum(fastest["bare_same_work"].values()) / sum(fastest["pipeline"].values()), 3
        ),
        "ratio_vs_same_work_paired": {
            "median": round(statistics.median(paired), 3),
            "quartiles": [round(q, 3) for q in statistics.quantiles(paired, n=4)] if len(paired) > 1 else [],
            "pairs": len(paired),
        },
        "model_share_of_pipeline": {
            "all_runs": round(inside_sums[0] / inside_sums[1], 3),
            "median": round(statistics.median(inside), 3),
            "quartiles": [round(q, 3) for q in statistics.quantiles(inside, n=4)] if len(inside) > 1 else [],
            "own_ms_per_article": round((inside_sums[1] - inside_sums[0]) * 1000 / (len(work.events) * repeat), 2),
            "bare_same_work_inside_components": round(bare_inside[0] / bare_inside[1], 3),
        },
        "ratio_vs_ner": round(cpu["bare_ner"] / cpu["pipeline"], 3),
        "wall_ratio_vs_same_work": round(wall["bare_same_work"] / wall["pipeline"], 3),
        "wall_ratio_vs_ner": round(wall["bare_ner"] / wall["pipeline"], 3),
    }


def parse_bytes(events: list) -> dict:
    """Bytes the parse adds to an entities event: raw JSON (what the default producer sends), lz4, zstd."""
    import lz4.frame
    import zstandard

    z = zstandard.ZstdCompressor()
    with_p = [encode(e) for e in events]
    without = [encode(dataclasses.replace(e, parse=None)) for e in events]
    words = sum(len(e.text.split()) for e in events) or 1
    out: dict[str, Any] = {"events": len(events), "with_parse": sum(1 for e in events if e.parse is not None)}
    for name, fn in (("raw", lambda b: b), ("lz4", lz4.frame.compress), ("zstd", z.compress)):
        added = [len(fn(a)) - len(fn(b)) for a, b in zip(with_p, without)]
        base = sum(len(fn(b)) for b in without)
        out[name] = {
            "mean_added_bytes": round(statistics.fmean(added)),
            "added_bytes_per_word": round(sum(added) / words, 2),
            "added_share_of_event": round(sum(added) / base, 3),
        }
    return out


def parse_share(texts: list[str], scope: str = "speech") -> dict:
    """Share of sentences (by shared/text/sentences.py) and of words inside the chosen chunks."""
    sents = words = sents_in = words_in = 0
    for text in texts:
        ranges = sentences_to_parse(text, "en", scope)
        spans = sentences(text)
        sents += len(spans)
        words += len(text.split())
        words_in += sum(len(text[r.start : r.end].split()) for r in ranges)
        sents_in += sum(1 for s, e in spans if any(r.start <= s and e <= r.end for r in ranges))
    return {
        "articles": len(texts),
        "sentences_share": round(sents_in / max(1, sents), 3),
        "words_share": round(words_in / max(1, words), 3),
    }


def agreement(work: Work) -> dict:
    """Share of chunk tokens whose head and label equal those of a whole-article parse (same tokens)."""
    nlp, same, total = work.nlp, 0, 0
    whole = nlp.pipe(work.texts, disable=[FIXES, "ner"], batch_size=work.settings.batch_size)
    for text, doc in zip(work.texts, whole):
        by_start = {t.idx: t for t in doc}
        ranges = sentences_to_parse(text, "en", work.settings.parse_scope)
        for r, chunk in zip(ranges, nlp.pipe([text[r.start : r.end] for r in ranges], disable=work.parse_off)):
            for t in chunk:
                w = by_start.get(r.start + t.idx)
                if w is None or t.is_space or len(w) != len(t):
                    continue
                total += 1
                same += w.dep_ == t.dep_ and w.head.idx == r.start + t.head.idx
    return {"tokens": total, "same_head_and_label": round(same / max(1, total), 4)}


def french_cost(repeat: int) -> dict:
    """French: words per CPU second of NER alone and of the parse components, both over every sentence of
    the French texts in benchmarks/ (hand-written; no French corpus is beside the repository)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from french_ner import DATA
    from multilingual_texts import S

    settings = Settings()
    nlp = load_pipeline(settings, "fr")
    sents = [t for t, _ in DATA] + list(S["fr"])
    texts = [" ".join(sents[k:] + sents[:k]) for k in range(len(sents))] * 4
    words = sum(len(t.split()) for t in texts)
    runs: dict[str, list[float]] = {"ner": [], "parse": []}
    off = {"ner": ner_disabled(nlp), "parse": parse_disabled(nlp, "fr")}
    list(nlp.pipe(texts[:8]))
    for _ in range(repeat):
        for name in runs:
            c0 = time.process_time()
            for _doc in nlp.pipe(texts, disable=off[name]):
                pass
            runs[name].append(time.process_time() - c0)
    ner, parse = statistics.median(runs["ner"]), statistics.median(runs["parse"])
    return {
        "words": words,
        "words_per_cpu_s_ner": round(words / ner),
        "words_per_cpu_s_parse": round(words / parse),
        "parse_cost_per_word_vs_ner": round(parse / ner, 3),
    }


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures."""
    from newsflow.runners.heap import keep_heap

    keep_heap()  # as `newsflow run` and the workers run; the pipeline and bare spaCy share this process alike
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--batch-size", type=int, help="articles per batch, for the pipeline and bare spaCy alike (default: settings)"
    )
    ap.add_argument("--corpus", type=Path, default=CORPORA / "bbc.jsonl")
    ap.add_argument("--polnear", type=Path, default=CORPORA / "polnear_train_input.jsonl")
    ap.add_argument("--agreement", action="store_true", help="also compare chunk parses with whole-article ones")
    ap.add_argument("--french", action="store_true", help="also the French parse's cost per word against French NER")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    settings = Settings() if args.batch_size is None else dataclasses.replace(Settings(), batch_size=args.batch_size)
    nlp = load_pipeline(settings)
    work = Work(read_jsonl(args.corpus, args.articles), settings, nlp)
    work.pipeline()()  # warm-up
    result: dict[str, Any] = {"model": settings.model, "scope": settings.parse_scope, "speed": speed(work, args.repeat)}
    result["bytes"] = parse_bytes(work.events)
    result["share"] = {"bbc": parse_share([e.text for e in work.events])}
    if args.polnear.exists():
        result["share"]["polnear_train"] = parse_share([a["body"] for a in read_jsonl(args.polnear)])
    if args.agreement:
        result["agreement"] = agreement(work)
    if args.french:
        result["french"] = french_cost(args.repeat)
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() if args.json else format_result(result))
    return 0


def format_result(r: dict) -> str:
    """The figures as a few lines of text."""
    s = r["speed"]
    lines = [
        f"{s['articles']} articles, {s['words']} words, {s['parsed_chunks']} parsed chunks; model {r['model']}, "
        f"scope {r['scope']}",
        "words per CPU second (median): " + ", ".join(f"{n} {v:,}" for n, v in s["words_per_cpu_s"].items()),
        f"pipeline vs bare same work: {s['ratio_vs_same_work']} (wall {s['wall_ratio_vs_same_work']}; target >= 0.90); "
        f"each repeat: {', '.join(str(x) for x in s['ratio_vs_same_work_per_repeat'])}; "
        f"from each batch's fastest run: {s['ratio_vs_same_work_fastest']}",
        f"pipeline vs bare same work, batch by batch (each batch's two runs side by side): median "
        f"{s['ratio_vs_same_work_paired']['median']} of {s['ratio_vs_same_work_paired']['pairs']} batches, "
        f"quartiles {', '.join(str(q) for q in s['ratio_vs_same_work_paired']['quartiles'])}",
        f"model work inside the pipeline / the pipeline, same runs: {s['model_share_of_pipeline']['all_runs']} "
        f"(per batch: median {s['model_share_of_pipeline']['median']}, quartiles "
        f"{', '.join(str(q) for q in s['model_share_of_pipeline']['quartiles'])}); the pipeline's own CPU "
        f"{s['model_share_of_pipeline']['own_ms_per_article']} ms per article (bare spaCy's runs spend "
        f"{s['model_share_of_pipeline']['bare_same_work_inside_components']} of their time inside the components)",
        f"pipeline vs bare NER alone: {s['ratio_vs_ner']} (wall {s['wall_ratio_vs_ner']}; target >= 0.55)",
    ]
    b = r["bytes"]
    for name in ("raw", "lz4", "zstd"):
        x = b[name]
        lines.append(
            f"parse bytes per entities event, {name}: mean +{x['mean_added_bytes']:,} "
            f"({x['added_bytes_per_word']} per word, +{x['added_share_of_event']:.0%} of the event)"
        )
    for name, x in r["share"].items():
        lines.append(
            f"parsed on {name} ({x['articles']} articles): {x['sentences_share']:.1%} of sentences, "
            f"{x['words_share']:.1%} of words"
        )
    if "agreement" in r:
        a = r["agreement"]
        lines.append(f"chunk parse = whole-article parse on {a['same_head_and_label']:.2%} of {a['tokens']:,} tokens")
    if "french" in r:
        f = r["french"]
        lines.append(
            f"French ({f['words']:,} words): NER {f['words_per_cpu_s_ner']:,} words/CPU s, parse components "
            f"{f['words_per_cpu_s_parse']:,}: a parsed word costs {f['parse_cost_per_word_vs_ner']}x a word's NER"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
