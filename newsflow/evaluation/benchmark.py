"""`newsflow bench`: the pipeline's cost measured against the NER model's own, as ratios in one run.

Every figure compares two things measured side by side on this machine, in the same
run, on the same BBC texts with the same model, so a noisy shared machine moves both:

- embedded: `newsflow run --jobs 1` (all stages) against bare spaCy `nlp.pipe` NER, each a whole
  process with its model load, alternated `repeat` times; ratio = bare / pipeline.
- jobs: `newsflow run --jobs 1` against `--jobs 2`, whole processes, alternated; speedup, throughputs, the
  load average before each run, and whether every run printed the same events (trace aside).
- kafka: the real stack, one worker per stage, N articles published, time until the last
  enriched event; against bare NER of the same texts in a process (load excluded, as the
  workers loaded their model before the clock started).
- scaling: one entities worker against two, each draining the same N events, in `trials`
  alternated trials; throughput over the middle of each run (from 20% to 80% of the
  outputs, read as summed end offsets of the output topic), with a batch size small
  enough that the window spans many batches of every worker; per-trial figures reported.
- latency: publish-to-enriched p50/p99 with articles published at half the measured
  Kafka-path capacity.
- stages: mean milliseconds per article of each stage, from the events' `trace`.
- extraction: main-content extraction per HTML page (ms), and its share of the embedded
  pipeline's time on the same pages (the dev pages beside the repository, else tests/data/pages).
- parse (not in the default parts): `benchmarks/parse_speed.py` in a process of its own: the embedded
  pipeline with its parse against bare spaCy doing the same model work, and against bare NER alone,
  CPU-time ratios over the first N articles of the corpus.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable

import orjson

from shared.core.settings import STAGES, Settings, Topics

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "bbc.jsonl"
# Single-threaded math in every process, so that two workers on two cores measure scaling, not BLAS threads.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def load_articles(corpus: Path, n: int) -> list[dict]:
    """`n` raw articles from a JSON Lines corpus, cycled with fresh ids if it holds fewer."""
    base = [orjson.loads(line) for line in corpus.read_bytes().splitlines() if line.strip()]
    if not base:
        raise ValueError(f"{corpus} holds no articles")
    out = []
    for i in range(n):
        a = dict(base[i % len(base)])
        a["id"] = f"{a.get('id', 'a')}-{i // len(base)}" if i >= len(base) else str(a.get("id", i))
        out.append({k: a[k] for k in ("id", "title", "body") if k in a})
    return out


def words_of(articles: Iterable[dict]) -> int:
    """Whitespace-separated words in the bodies."""
    return sum(len(a["body"].split()) for a in articles)


def _timed(cmd: list[str], env: dict[str, str], output: Path | None = None) -> float:
    """Wall seconds of `cmd` as a whole process; its stdout into `output` if given."""
    return _timed_cpu(cmd, env, output)[0]


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed_cpu(cmd: list[str], env: dict[str, str], output: Path | None = None) -> tuple[float, float]:
    """Wall seconds of `cmd` as a whole process, and the CPU seconds of it and of every process it waited for
    (Linux counts those of a child once it has been waited for); its stdout into `output` if given."""
    c0, t0 = _children_cpu(), time.perf_counter()
    with open(output, "wb") if output else open(os.devnull, "wb") as out:
        proc = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.PIPE, cwd=REPO)
    elapsed, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.decode(errors='replace')[-3000:]}")
    return elapsed, cpu


PARSE_SPEED = REPO / "benchmarks" / "parse_speed.py"


def bench_parse(corpus: Path, n: int, repeat: int, settings: Settings) -> dict:
    """`benchmarks/parse_speed.py --json` on the first `n` articles of `corpus` (one process, one math thread):
    its speed figures (`ratio_vs_same_work`, `ratio_vs_ner`, words per CPU second, runs)."""
    if not PARSE_SPEED.exists():
        raise FileNotFoundError(f"{PARSE_SPEED} not found: the parse part runs from a checkout of the repository")
    cmd = [sys.executable, str(PARSE_SPEED), "--articles", str(n), "--repeat", str(repeat), "--corpus", str(corpus)]
    env = {**os.environ, **settings.to_env(), **ONE_THREAD}
    proc = subprocess.run([*cmd, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.decode(errors='replace')[-3000:]}")
    result = orjson.loads(proc.stdout)
    return {"model": result["model"], "scope": result["scope"], **result["speed"]}


def _bare_nlp(model: str) -> Any:
    """Bare spaCy with only what `ner` needs: the model the composition root loads, before the stage adds its fixes."""
    from newsflow.bootstrap import load_english_model

    return load_english_model(Settings(model=model))


def bare_ner(texts: list[str], model: str, batch_size: int = 64) -> int:
    """What bare spaCy does for NER: `nlp.pipe` with only what `ner` needs; returns the entity count."""
    nlp = _bare_nlp(model)
    return sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch_size))


def bare_ner_seconds(texts: list[str], settings: Settings) -> float:
    """Seconds bare `nlp.pipe` NER takes over `texts` in this process, after loading and a warm-up."""
    nlp = _bare_nlp(settings.model)
    list(nlp.pipe(texts[:64]))
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size):
        pass
    return time.perf_counter() - t0


def bench_embedded(articles: list[dict], settings: Settings, repeat: int, workdir: Path) -> dict:
    """`newsflow run` against bare NER, whole processes, model load included, alternated."""
    path = workdir / "articles.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles) + b"\n")
    env = {**os.environ, **settings.to_env(), **ONE_THREAD}
    pipeline_cmd = [sys.executable, "-m", "newsflow.cli", "run", "--jobs", "1", str(path)]
    bare_cmd = [sys.executable, "-m", "newsflow.evaluation.benchmark", "bare", str(path), settings.model]
    bare, pipe = [], []
    for _ in range(repeat):
        bare.append(_timed(bare_cmd, env))
        pipe.append(_timed(pipeline_cmd, env))
    b, p = statistics.median(bare), statistics.median(pipe)
    return {
        "articles": len(articles),
        "bare_s": [round(x, 2) for x in bare],
        "pipeline_s": [round(x, 2) for x in pipe],
        "ratio": round(b / p, 3),
        "words_per_s_bare": round(words_of(articles) / b),
        "words_per_s_pipeline": round(words_of(articles) / p),
    }


def _burn(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t0


def cpu_parallelism(jobs: int = 2, n: int = 10_000_000) -> float:
    """How many cores this machine gives right now: a pure-Python loop in 1 process against `jobs` at once.

    On an idle 2-core machine about 2.0; when other work holds a core, near 1. The ceiling of
    any `--jobs` speedup measured at the same moment.
    """
    import multiprocessing

    one = _burn(n)
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pool.map(_burn, [1000] * jobs)  # start-up out of the timing
        t0 = time.perf_counter()
        pool.map(_burn, [n] * jobs)
        many = time.perf_counter() - t0
    return round(jobs * one / many, 3)


def without_trace(path: Path) -> list[bytes]:
    """The JSON lines `newsflow run` wrote to `path`, each without its `trace` (timings differ run to run)."""
    out = []
    for line in path.read_bytes().splitlines():
        event = orjson.loads(line)
        event.pop("trace", None)
        out.append(orjson.dumps(event))
    return out


def bench_jobs(
    articles: list[dict],
    settings: Settings,
    repeat: int,
    workdir: Path,
    jobs: int = 2,
    report: Callable[[str], None] | None = None,
) -> dict:
    """`newsflow run --jobs 1` against `--jobs N`, whole processes (model loads included), alternated: wall and
    CPU seconds of each run (the CPU of every process of the run: the pool's template and workers too), the
    load average before it, and whether every run printed the same events as the first (trace aside).

    The CPU seconds hardly depend on other work on the machine: N x one job's CPU / N jobs' CPU bounds the
    speedup on N free cores. `report` gets a line per run."""
    path = workdir / "articles-jobs.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles) + b"\n")
    env = {**os.environ, **settings.to_env(), **ONE_THREAD}
    run = [sys.executable, "-m", "newsflow.cli", "run", str(path), "--jobs"]
    wall: dict[int, list[float]] = {1: [], jobs: []}
    cpu: dict[int, list[float]] = {1: [], jobs: []}
    loads: dict[int, list[float]] = {1: [], jobs: []}
    reference: list[bytes] | None = None
    differing = 0
    cores = [cpu_parallelism(jobs)]
    for r in range(repeat):
        for n in (1, jobs) if r % 2 == 0 else (jobs, 1):
            output = workdir / f"jobs-{n}.jsonl"
            loads[n].append(round(os.getloadavg()[0], 2))
            seconds, cpu_seconds = _timed_cpu(run + [str(n)], env, output)
            wall[n].append(seconds)
            cpu[n].append(cpu_seconds)
            events = without_trace(output)
            if reference is None:
                reference = events
            same = events == reference
            differing += not same
            if report:
                report(
                    f"--jobs {n}: {seconds:.2f} s wall, {cpu_seconds:.2f} CPU s, load {loads[n][-1]:.2f} before, "
                    f"{len(events)} events{'' if same else ', OTHER EVENTS than the first run'}"
                )
    cores.append(cpu_parallelism(jobs))
    a, b = statistics.median(wall[1]), statistics.median(wall[jobs])
    c1, cn = statistics.median(cpu[1]), statistics.median(cpu[jobs])
    return {
        "articles": len(articles),
        "jobs": jobs,
        "cpu_parallelism_before_after": cores,
        "one_job_s": [round(x, 2) for x in wall[1]],
        "jobs_s": [round(x, 2) for x in wall[jobs]],
        "one_job_cpu_s": [round(x, 2) for x in cpu[1]],
        "jobs_cpu_s": [round(x, 2) for x in cpu[jobs]],
        "load_before_one_job": loads[1],
        "load_before_jobs": loads[jobs],
        "speedup": round(a / b, 3),
        "speedup_of_each_pair": [round(x / y, 3) for x, y in zip(wall[1], wall[jobs])],
        "cpu_cost": round(cn / c1 - 1, 4),
        "speedup_bound": round(jobs * c1 / cn, 3),
        "articles_per_s_one_job": round(len(articles) / a, 1),
        "articles_per_s_jobs": round(len(articles) / b, 1),
        "runs_with_other_output": differing,
    }


def bench_stage_times(articles: list[dict], settings: Settings) -> dict:
    """Mean ms per article of each stage in the embedded pipeline (from `trace`), and bare NER's, in-process."""
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import InputItem
    from shared.core.batch import DeadLetter

    items = [InputItem(str(i), orjson.dumps(a)) for i, a in enumerate(articles)]
    pipeline = build_pipeline(settings)
    list(pipeline.run(items[: min(64, len(items))]))  # warm-up
    pipeline = build_pipeline(settings)  # a fresh dedup index: the warm-up articles must not count as seen
    t0 = time.perf_counter()
    events = [e for e in pipeline.run(items) if not isinstance(e, DeadLetter)]
    total = time.perf_counter() - t0
    bare = bare_ner_seconds([e.text for e in events], settings)
    per_stage = {s: round(statistics.fmean(e.trace[s]["ms"] for e in events), 3) for s in STAGES}
    return {
        "articles": len(events),
        "ms_per_article": per_stage,
        "pipeline_ms_per_article": round(total * 1000 / len(events), 3),
        "bare_ner_ms_per_article": round(bare * 1000 / len(events), 3),
        "ratio_in_process": round(bare / total, 3),
    }


DEFAULT_PAGES = REPO.parent / "shared" / "corpora" / "html_pages" / "dev_pages.jsonl"
SAMPLE_PAGES = REPO / "tests" / "data" / "pages"


def load_pages(path: Path = DEFAULT_PAGES) -> list[dict]:
    """Raw HTML pages as articles: the dev pages beside the repository, else the small ones in tests/data."""
    if path.exists():
        return [
            {k: p[k] for k in ("id", "url", "body") if k in p}
            for p in map(orjson.loads, path.read_bytes().splitlines())
            if p
        ]
    return [{"id": f.stem, "body": f.read_text(encoding="utf-8")} for f in sorted(SAMPLE_PAGES.glob("*.htm*"))]


def bench_extraction(pages: list[dict], settings: Settings) -> dict:
    """The normalize stage (main-content extraction, line rules, language) per HTML page (ms), and its share of
    the embedded pipeline's time on those pages; both built by the composition root."""
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import InputItem

    def timed(pipeline: Any) -> float:
        list(pipeline.run([InputItem("warm-up", orjson.dumps({"body": pages[0]["body"]}))]))  # imports, first parse
        t0 = time.perf_counter()
        list(pipeline.run(InputItem(str(i), orjson.dumps(p)) for i, p in enumerate(pages)))
        return time.perf_counter() - t0

    extraction = timed(build_pipeline(settings, ["normalize"]))
    total = timed(build_pipeline(settings))
    return {
        "pages": len(pages),
        "extraction_ms_per_page": round(extraction * 1000 / len(pages), 2),
        "pipeline_ms_per_page": round(total * 1000 / len(pages), 2),
        "extraction_share": round(extraction / total, 3),
    }


# --- the Kafka path ---------------------------------------------------------------------------


def _isolated(settings: Settings, tag: str, **changes) -> Settings:
    topics = Topics(**{f.name: f"bench{tag}.{getattr(Topics(), f.name)}" for f in dataclasses.fields(Topics)})
    return dataclasses.replace(
        settings, topics=topics, group_prefix=f"bench{tag}", dedup_namespace=f"bench{tag}:dedup", **changes
    )


class _Workers:
    """Worker subprocesses of one benchmark, stopped together."""

    def __init__(self, logdir: Path) -> None:
        self.logdir = logdir
        self.procs: list[subprocess.Popen] = []

    def start(self, stage: str, settings: Settings) -> subprocess.Popen:
        env = {**os.environ, **settings.to_env(), **ONE_THREAD, "PYTHONUNBUFFERED": "1"}
        log = open(self.logdir / f"{stage}-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsflow.cli", "worker", stage, "--loglevel", "warning"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs.clear()


def watch_count(
    settings: Settings, topic: str, expected: int, timeout_s: float, alive: Callable[[], bool], interval_s: float = 0.1
) -> list[tuple[float, int]]:
    """(monotonic time, records on `topic`) until it holds `expected`: summed end offsets, no consuming."""
    from shared.adapters import kafka

    reader = kafka.consumer(settings, "newsflow-bench-offsets")
    try:
        deadline = time.monotonic() + timeout_s
        parts: list = []
        samples: list[tuple[float, int]] = []
        while time.monotonic() < deadline:
            parts = parts or kafka.partitions_now(reader, topic)
            total = kafka.end_offset_total(reader, parts)
            samples.append((time.monotonic(), total))
            if total >= expected:
                return samples
            if not alive():
                raise RuntimeError("a worker exited during the benchmark")
            time.sleep(interval_s)  # sampling period of the offsets, not a timing assertion
        raise RuntimeError(
            f"only {samples[-1][1] if samples else 0} of {expected} events arrived on {topic} within {timeout_s}s"
        )
    finally:
        reader.close()


def middle_rate(samples: list[tuple[float, int]], total: int, lo: float = 0.2, hi: float = 0.8) -> float:
    """Records per second between the first sample at or over `lo * total` and the first at or over `hi * total`.

    The start-up (group join, model warm-up, the first batch) and the tail (the last,
    partly filled batches) fall outside the window.
    """
    first = next(((t, c) for t, c in samples if c >= lo * total), None)
    last = next(((t, c) for t, c in samples if c >= hi * total), None)
    if first is None or last is None or last[0] <= first[0] or last[1] <= first[1]:
        raise ValueError(f"too few samples between {lo:.0%} and {hi:.0%} of {total} records to take a rate")
    return (last[1] - first[1]) / (last[0] - first[0])


def scaling_batch_size(
    events: int, workers: int, batch_size: int, lo: float = 0.2, hi: float = 0.8, batches_in_window: int = 8
) -> int:
    """The largest batch size (at most `batch_size`) with which the middle window spans at least
    `batches_in_window` batches of each of `workers` workers."""
    return max(1, min(batch_size, int(events * (hi - lo) / (batches_in_window * workers))))


def _read_all(settings: Settings, topic: str, expected: int) -> list:
    """Every message of `topic`, once they are all there."""
    from shared.adapters.kafka import tail

    return list(tail(settings, topic, from_beginning=True, max_messages=expected, timeout_s=30))


def warm_up_broker(settings: Settings, n: int = 3000) -> None:
    """Send and read back `n` messages, so that the broker's JIT has compiled its hot paths before timing."""
    from shared.adapters.kafka import Publisher, ensure_topics

    topic = f"bench-warmup-{uuid.uuid4().hex[:8]}"
    ensure_topics(settings, [topic])
    with Publisher(settings, topic=topic) as pub:
        pub.publish_many(orjson.dumps({"id": str(i), "body": "warm " * 800}) for i in range(n))
    _read_all(settings, topic, n)


def bench_kafka(articles: list[dict], settings: Settings, workdir: Path, latency_articles: int) -> dict:
    """The stack path: publish N, time to the last enriched event; then latency at half that capacity."""
    from shared.adapters.kafka import Publisher, ensure_topics, wait_for_group

    s = _isolated(settings, uuid.uuid4().hex[:8])
    ensure_topics(s)
    workers = _Workers(workdir)
    try:
        for stage in STAGES:
            workers.start(stage, s)
        for stage in STAGES:
            wait_for_group(s, s.group_id(stage), s.topics.of_stage(stage)[0], 1, alive=workers.alive)
        with Publisher(s) as pub:
            t0 = time.time()
            pub.publish_many(articles)
        watch_count(s, s.topics.enriched, len(articles), 1800, workers.alive, interval_s=0.25)
        out = _read_all(s, s.topics.enriched, len(articles))
        elapsed = max(r.timestamp_ms for r in out) / 1000 - t0  # to the last enriched event's creation
        events = [orjson.loads(r.value) for r in out]
        capacity = len(articles) / elapsed
        latency = _latency(s, already=len(articles), capacity=capacity, n=latency_articles, alive=workers.alive)
    finally:
        workers.stop()
    bare = bare_ner_seconds([e["text"] for e in events], settings)
    per_stage = {st: round(statistics.fmean(e["trace"][st]["ms"] for e in events), 3) for st in STAGES}
    return {
        "articles": len(articles),
        "kafka_s": round(elapsed, 2),
        "bare_ner_s": round(bare, 2),
        "ratio": round(bare / elapsed, 3),
        "capacity_articles_per_s": round(capacity, 1),
        "ms_per_article_by_stage": per_stage,
        "latency": latency,
    }


def _latency(settings: Settings, already: int, capacity: float, n: int, alive) -> dict:
    """Publish `n` fresh articles at half of `capacity`; publish-to-enriched latency percentiles."""
    from shared.adapters.kafka import Publisher

    rate = capacity / 2
    corpus = load_articles(DEFAULT_CORPUS, n)
    sent: dict[str, float] = {}
    with Publisher(settings) as pub:
        start = time.time()
        for i, a in enumerate(corpus):
            a = dict(a, id=f"lat-{uuid.uuid4().hex[:6]}-{i}")
            due = start + i / rate
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)  # pacing the load generator, not a timing assertion
            sent[a["id"]] = time.time() * 1000
            pub.publish(a)
        pub.flush()
    watch_count(settings, settings.topics.enriched, already + n, 600, alive, interval_s=0.25)
    latencies = [
        r.timestamp_ms - sent[r.key.decode()]
        for r in _read_all(settings, settings.topics.enriched, already + n)
        if r.key and r.key.decode() in sent
    ]
    if not latencies:
        raise RuntimeError("no latency sample arrived")
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return {
        "articles": len(latencies),
        "rate_per_s": round(rate, 1),
        "p50_ms": round(pick(0.50), 1),
        "p99_ms": round(pick(0.99), 1),
        "max_ms": round(latencies[-1], 1),
    }


def bench_scaling(articles: list[dict], settings: Settings, workdir: Path, trials: int = 2) -> dict:
    """Throughput of one entities worker against two, each draining the same deduplicated events, per trial."""
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import InputItem
    from shared.adapters.kafka import Publisher, ensure_topics, wait_for_group
    from shared.core.batch import DeadLetter
    from shared.core.codec import encode

    pipeline = build_pipeline(settings, ["normalize", "dedup"])
    events = [
        e
        for e in pipeline.run(InputItem(str(i), orjson.dumps(a)) for i, a in enumerate(articles))
        if not isinstance(e, DeadLetter)
    ]
    payload = [(e.id.encode(), encode(e)) for e in events]
    batch = scaling_batch_size(len(payload), 2, settings.batch_size)
    per_trial: list[dict] = []
    for _ in range(max(1, trials)):
        trial = {}
        for n_workers in (1, 2):
            s = _isolated(settings, uuid.uuid4().hex[:8], batch_size=batch)
            ensure_topics(s)
            workers = _Workers(workdir)
            try:
                for _ in range(n_workers):
                    workers.start("entities", s)
                wait_for_group(s, s.group_id("entities"), s.topics.deduped, n_workers, alive=workers.alive)
                with Publisher(s, topic=s.topics.deduped) as pub:
                    futures = [pub.publish(v, key=k) for k, v in payload]
                    pub.flush()
                    for f in futures:
                        f.get(timeout=60)
                samples = watch_count(s, s.topics.entities, len(payload), 1800, workers.alive)
            finally:
                workers.stop()
            trial[f"workers_{n_workers}_articles_per_s"] = round(middle_rate(samples, len(payload)), 1)
        trial["speedup"] = round(trial["workers_2_articles_per_s"] / trial["workers_1_articles_per_s"], 3)
        per_trial.append(trial)
    return {
        "articles": len(payload),
        "batch_size": batch,
        "window": "20%-80% of outputs, summed end offsets",
        "trials": per_trial,
        "speedup": round(statistics.median(t["speedup"] for t in per_trial), 3),
        "workers_1_articles_per_s": round(statistics.median(t["workers_1_articles_per_s"] for t in per_trial), 1),
        "workers_2_articles_per_s": round(statistics.median(t["workers_2_articles_per_s"] for t in per_trial), 1),
    }


def run_bench(
    parts: list[str],
    n: int,
    repeat: int,
    settings: Settings,
    corpus: Path = DEFAULT_CORPUS,
    latency_articles: int = 300,
    report: Callable[[str], None] = print,
    scaling_trials: int = 2,
) -> dict:
    """Run the chosen parts; report each figure as it is measured; return them all."""
    articles = load_articles(corpus, n)
    results: dict = {"articles": n, "model": settings.model, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp:
        work = Path(tmp)
        stack = None
        if any(p in parts for p in ("kafka", "scaling")) and not os.environ.get("NEWSFLOW_KAFKA_BOOTSTRAP"):
            from newsflow.devstack.stack import LocalStack, StackConfig, free_port
            from shared.adapters.kafka import wait_for_broker

            config = StackConfig(
                run_dir=work / "stack",
                cache_dir=StackConfig.from_env().cache_dir,
                kafka_port=free_port(),
                controller_port=free_port(),
                redis_port=free_port(),
            )
            stack = LocalStack(config)
            stack.up()
            settings = dataclasses.replace(settings, kafka_bootstrap=config.bootstrap, redis_url=config.redis_url)
            wait_for_broker(settings)
            report(f"stack: Kafka broker port open {stack.kafka_start_s:.1f}s after start")
            warm_up_broker(settings)
        try:
            if "parse" in parts:
                results["parse"] = bench_parse(corpus, n, repeat, settings)
                report(f"parse: {orjson.dumps(results['parse']).decode()}")
            if "stages" in parts:
                results["stages"] = bench_stage_times(articles, settings)
                report(f"stages: {orjson.dumps(results['stages']).decode()}")
            if "extraction" in parts:
                results["extraction"] = bench_extraction(load_pages(), settings)
                report(f"extraction: {orjson.dumps(results['extraction']).decode()}")
            if "embedded" in parts:
                results["embedded"] = bench_embedded(articles, settings, repeat, work)
                report(f"embedded: {orjson.dumps(results['embedded']).decode()}")
            if "jobs" in parts:
                results["jobs"] = bench_jobs(articles, settings, repeat, work, report=report)
                report(f"jobs: {orjson.dumps(results['jobs']).decode()}")
            if "kafka" in parts:
                results["kafka"] = bench_kafka(articles, settings, work, latency_articles)
                report(f"kafka: {orjson.dumps(results['kafka']).decode()}")
            if "scaling" in parts:
                results["scaling"] = bench_scaling(articles, settings, work, trials=scaling_trials)
                for i, trial in enumerate(results["scaling"]["trials"], 1):
                    report(f"scaling trial {i}: {orjson.dumps(trial).decode()}")
                report(f"scaling: {orjson.dumps(results['scaling']).decode()}")
        finally:
            if stack is not None:
                stack.down()
    return results


def format_table(results: dict) -> str:
    """The headline figures as a small table."""
    rows = [("figure", "value", "target")]
    if "embedded" in results:
        rows.append(
            (
                "embedded pipeline / bare NER (speed ratio, model load included)",
                f"{results['embedded']['ratio']:.3f}",
                ">= 0.85",
            )
        )
    if "parse" in results:
        p = results["parse"]
        rows.append(
            (
                f"embedded pipeline with parse / bare same model work (CPU, {p['articles']} articles)",
                f"{p['ratio_vs_same_work']:.3f}",
                ">= 0.90",
            )
        )
        rows.append(("embedded pipeline with parse / bare NER alone (CPU)", f"{p['ratio_vs_ner']:.3f}", ">= 0.55"))
    if "stages" in results:
        for stage, ms in results["stages"]["ms_per_article"].items():
            rows.append((f"{stage} ms/article (embedded)", f"{ms:.3f}", ""))
        rows.append(("bare NER ms/article (in-process)", f"{results['stages']['bare_ner_ms_per_article']:.3f}", ""))
    if "extraction" in results:
        x = results["extraction"]
        rows.append(
            (f"HTML normalize (extraction) ms/page ({x['pages']} pages)", f"{x['extraction_ms_per_page']:.2f}", "")
        )
        rows.append(("HTML extraction share of embedded time on those pages", f"{x['extraction_share']:.3f}", ""))
    if "kafka" in results:
        k = results["kafka"]
        rows.append(("Kafka path / bare NER (speed ratio)", f"{k['ratio']:.3f}", ">= 0.80"))
        rows.append(("Kafka path capacity (articles/s)", f"{k['capacity_articles_per_s']}", ""))
        rows.append(
            (
                f"latency p50 / p99 at {k['latency']['rate_per_s']}/s (ms)",
                f"{k['latency']['p50_ms']} / {k['latency']['p99_ms']}",
                "",
            )
        )
        for stage, ms in k["ms_per_article_by_stage"].items():
            rows.append((f"{stage} ms/article (Kafka workers)", f"{ms:.3f}", ""))
    if "jobs" in results:
        j = results["jobs"]
        rows.append(
            (
                f"newsflow run --jobs 1 / --jobs {j['jobs']} (articles/s, {j['articles']} articles, model loads included)",
                f"{j['articles_per_s_one_job']} / {j['articles_per_s_jobs']}",
                "",
            )
        )
        rows.append(
            (
                f"newsflow run --jobs {j['jobs']} / --jobs 1 (speed, median of {len(j['jobs_s'])} alternated runs)",
                f"{j['speedup']:.3f}",
                ">= 1.85 on 2 free cores",
            )
        )
        rows.append(("  each pair of runs", " ".join(f"{x:.2f}" for x in j["speedup_of_each_pair"]), ""))
        rows.append(
            (
                f"  CPU seconds, all processes (--jobs 1 / --jobs {j['jobs']}, medians): bound on {j['jobs']} free cores",
                f"{statistics.median(j['one_job_cpu_s']):.1f} / {statistics.median(j['jobs_cpu_s']):.1f}: "
                f"{j['speedup_bound']:.3f}",
                "",
            )
        )
        rows.append(
            (
                "  load average before each run (--jobs 1 / --jobs N)",
                " ".join(f"{x:.1f}/{y:.1f}" for x, y in zip(j["load_before_one_job"], j["load_before_jobs"])),
                "",
            )
        )
        rows.append(
            (
                "  cores the machine gave (CPU loop, 2 processes / 1), before / after",
                " / ".join(f"{c:.2f}" for c in j["cpu_parallelism_before_after"]),
                "2.0 when idle",
            )
        )
        rows.append(("  runs whose events differ from the first (trace aside)", f"{j['runs_with_other_output']}", "0"))
    if "scaling" in results:
        for i, trial in enumerate(results["scaling"]["trials"], 1):
            rows.append(
                (
                    f"2 entities workers / 1, trial {i} ({trial['workers_1_articles_per_s']} -> "
                    f"{trial['workers_2_articles_per_s']} articles/s)",
                    f"{trial['speedup']:.3f}",
                    "",
                )
            )
        rows.append(
            ("2 entities workers / 1 (throughput, median of trials)", f"{results['scaling']['speedup']:.3f}", ">= 1.7")
        )
    width = max(len(r[0]) for r in rows)
    return "".join(f"{a:<{width}}  {b:>14}  {c}\n" for a, b, c in rows)


def _main(argv: list[str]) -> int:
    if argv[:1] == ["bare"]:  # python -m newsflow.evaluation.benchmark bare FILE MODEL: the bare-spaCy process
        articles = [orjson.loads(line) for line in Path(argv[1]).read_bytes().splitlines() if line.strip()]
        bare_ner([a["body"] for a in articles], argv[2])
        return 0
    raise SystemExit("usage: python -m newsflow.evaluation.benchmark bare FILE MODEL  (or: newsflow bench)")


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
