"""CPU seconds of `newsflow run --jobs 1` against `--jobs N`: what the parallel runner costs, whatever the load.

On a shared machine the wall-clock speedup of `--jobs 2` says more about the other work
than about the runner. CPU seconds say much less about it: this runs `newsflow run --jobs 1`
and `--jobs N` as whole processes on the same articles, alternated `--repeat` times
(`newsflow.evaluation.benchmark.bench_jobs`, which `newsflow bench --parts jobs` runs too), and takes the
CPU seconds of every process of each run (the pool's template and workers included), with
the wall seconds, the load average before the run, and a check that every run printed the
same events (trace aside). The wall-clock speedup on N free cores is at most
N x one job's CPU / N jobs' CPU. Then one ParallelPipeline in this process shows where the
CPU of N jobs goes: this process (reading, dedup, results), the template (imports, model
load, once) and each worker (read from /proc before the pool stops; Linux only).

    python benchmarks/parallel_cpu.py [--articles 440] [--jobs 2] [--repeat 3] [--corpus FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from newsflow.evaluation.benchmark import DEFAULT_CORPUS, bench_jobs, load_articles  # noqa: E402
from newsflow.inputs import InputItem  # noqa: E402
from shared.core.settings import Settings  # noqa: E402


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def breakdown(items: list[InputItem], settings: Settings, jobs: int) -> dict:
    """CPU seconds of each process of a ParallelPipeline over `items` in this process (model load included)."""
    from newsflow.runners.parallel import ParallelPipeline

    c0, t0 = _own_cpu(), time.perf_counter()
    many = ParallelPipeline(settings, None, jobs)
    n = sum(1 for _ in many.run(items))
    pool = many._pool  # noqa: SLF001 - measuring only
    workers = [_proc_cpu(pid) for pid in pool.worker_pids]
    template = _proc_cpu(pool.template_pid)
    parent = _own_cpu() - c0
    many.close()
    return {
        "results": n,
        "parent": parent,
        "template": template,
        "workers": workers,
        "wall": time.perf_counter() - t0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=440)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="alternated pairs of runs")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    articles = load_articles(args.corpus, args.articles)
    settings = Settings()
    print(f"{args.articles} articles from {args.corpus.name}; whole `newsflow run` processes, model loads included")
    with tempfile.TemporaryDirectory(prefix="newsflow-parallel-cpu-") as tmp:
        j = bench_jobs(articles, settings, args.repeat, Path(tmp), args.jobs, report=print)
    one, many = statistics.median(j["one_job_cpu_s"]), statistics.median(j["jobs_cpu_s"])
    print(
        f"medians: --jobs 1 {one:.2f} CPU s, --jobs {args.jobs} {many:.2f} CPU s: {j['cpu_cost']:+.1%} CPU; "
        f"speedup bound on {args.jobs} free cores {j['speedup_bound']:.3f}x; wall-clock speedup {j['speedup']:.3f}x "
        f"(cores the machine gave, before / after: {' / '.join(map(str, j['cpu_parallelism_before_after']))}); "
        f"runs with other events than the first: {j['runs_with_other_output']}"
    )
    items = [InputItem(str(i), orjson.dumps(a)) for i, a in enumerate(articles)]
    b = breakdown(items, settings, args.jobs)
    print(
        f"where --jobs {args.jobs} spends its CPU (one run in this process): this process {b['parent']:.2f} + "
        f"template {b['template']:.2f} + workers {' + '.join(f'{w:.2f}' for w in b['workers'])} "
        f"({b['results']} results, {b['wall']:.1f} s wall)"
    )
    return 0 if j["runs_with_other_output"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
