"""CPU seconds of `newsflow run --jobs 1` against `--jobs N`: what the parallel runner costs, whatever the load.

On a shared machine the wall-clock speedup of `--jobs 2` says more about the other work
than about the runner. CPU seconds do not: this runs the embedded pipeline on the same
articles in this process (one job), then with a ParallelPipeline of N workers, and adds up
this process's CPU time, the forkserver's (it imports the stages) and that of each pool process (read from /proc before the pool
stops; Linux only). The wall-clock speedup on N free cores is at most
N x one job's CPU / N jobs' CPU.

    python benchmarks/parallel_cpu.py [--articles 300] [--jobs 2] [--corpus FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from newsflow.evaluation.benchmark import DEFAULT_CORPUS, load_articles  # noqa: E402
from newsflow.inputs import InputItem  # noqa: E402
from shared.core.settings import Settings  # noqa: E402


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    items = [InputItem(str(i), orjson.dumps(a)) for i, a in enumerate(load_articles(args.corpus, args.articles))]
    settings = Settings()

    from newsflow.bootstrap import build_pipeline
    from newsflow.runners.parallel import ParallelPipeline

    c0, t0 = _own_cpu(), time.perf_counter()
    one = build_pipeline(settings)
    n1 = sum(1 for _ in one.run(items))
    one.close()
    one_cpu, one_wall = _own_cpu() - c0, time.perf_counter() - t0

    c0, t0 = _own_cpu(), time.perf_counter()
    many = ParallelPipeline(settings, None, args.jobs)
    n2 = sum(1 for _ in many.run(items))
    workers = [_proc_cpu(pid) for pid in many._pool._processes]  # noqa: SLF001 - measuring only
    from multiprocessing import forkserver

    server = _proc_cpu(forkserver._forkserver._forkserver_pid)  # noqa: SLF001 - its imports of the stages
    parent = _own_cpu() - c0
    many.close()
    wall = time.perf_counter() - t0
    total = parent + server + sum(workers)
    print(f"{args.articles} articles ({n1}/{n2} results), model loads included")
    print(f"--jobs 1: {one_cpu:.1f} CPU s ({one_wall:.1f} s wall)")
    print(
        f"--jobs {args.jobs}: {total:.1f} CPU s = this process {parent:.1f} + forkserver {server:.1f} "
        f"+ workers {' + '.join(f'{w:.1f}' for w in workers)} ({wall:.1f} s wall)"
    )
    print(
        f"cost of running in {args.jobs} processes: {total / one_cpu - 1:+.1%} CPU; speedup bound on "
        f"{args.jobs} free cores: {args.jobs * one_cpu / total:.2f}x (the slowest worker: "
        f"{one_cpu / max(max(workers), parent):.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
