"""Write speed of the store: articles/s the sink's writer stores into PostgreSQL and SQLite, against one entities worker.

    python benchmarks/store_speed.py [--articles 6000] [--batch-sizes 64,500] [--trials 3] [--base 300]
                                     [--pg-url URL] [--corpus ../shared/corpora/bbc.jsonl]

The events are synthetic news (newsflow/store/synthetic.py: the size and shape of the pipeline's
events on news, Zipf-like speakers and outlets, stories of 1-40 copies arriving interleaved, as a
sink receives them), written with StoreWriter.write_batch, one transaction per batch, as the sink
writes them: articles by COPY into a staging table and INSERT ... ON CONFLICT, entities and quotes
by COPY, the rollups by array upserts, all in the batch's transaction.
- PostgreSQL: a local server started like `newsflow stack up` starts it (fsync on, the stack's
  settings), a fresh database per trial; or `--pg-url` (a database the benchmark may fill);
- SQLite: a fresh file per trial (WAL, synchronous=NORMAL, as the embedded store).
Trials alternate the backends; the median of the trials is printed, with the CPU time per batch of
this process and (local server) of its PostgreSQL backend, read from /proc: on a shared machine the
CPU a batch costs is steadier than the wall clock. Then the re-delivery of a written batch (every
article unchanged: skipped by its content hash) and the size on disk. The first `--base` corpus
articles go through the embedded pipeline once: the entities stage's own time per article gives
the rate of one entities worker on this machine now (`--base 0` skips it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsflow.store.synthetic import NewsGenerator, Shape, base_events, corpus_sentences  # noqa: E402

SHARED = REPO.parent / "shared"


def entities_rate(events: list[dict]) -> float:
    """Articles/s of the entities stage alone: articles over the sum of its per-article trace times."""
    ms = sum(float(e.get("trace", {}).get("entities", {}).get("ms", 0.0)) for e in events)
    return len(events) / (ms / 1000.0) if ms else float("nan")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write(url: str, events: list[dict], batch_size: int) -> dict[str, float]:
    """Write `events` in batches through StoreWriter (the store migrated first): rate and CPU per batch."""
    from sqlalchemy import text

    from newsflow.store.engine import make_engine
    from newsflow.store.migrate import upgrade_engine
    from newsflow.store.writer import StoreWriter

    engine = make_engine(url, **({} if url.startswith("sqlite") else {"pool_size": 1, "max_overflow": 0}))
    try:
        upgrade_engine(engine)
        backend = None
        if not url.startswith("sqlite"):
            with engine.connect() as conn:
                backend = conn.scalar(text("SELECT pg_backend_pid()"))
            if not Path(f"/proc/{backend}").exists():
                backend = None  # a server on another host
        writer = StoreWriter(engine)
        batches = max(1, len(events) // batch_size)
        server0 = _cpu_s(backend) if backend else 0.0
        cpu0, t0 = time.process_time(), time.perf_counter()
        written = 0
        for i in range(0, len(events), batch_size):
            written += writer.write_batch(events[i : i + batch_size]).written
        seconds = time.perf_counter() - t0
        assert written == len(events), (written, len(events))
        return {
            "rate": written / seconds,
            "client_ms": (time.process_time() - cpu0) / batches * 1000,
            "server_ms": (_cpu_s(backend) - server0) / batches * 1000 if backend else float("nan"),
        }
    finally:
        engine.dispose()


def redelivery_rate(url: str, events: list[dict]) -> float:
    """Articles/s of writing a batch again that is stored already (each article skipped by its hash)."""
    from newsflow.store.engine import make_engine
    from newsflow.store.writer import StoreWriter

    engine = make_engine(url)
    try:
        writer = StoreWriter(engine)
        t0 = time.perf_counter()
        result = writer.write_batch(events)
        seconds = time.perf_counter() - t0
        assert result.written == 0, f"re-delivery wrote {result.written} articles"
        return len(events) / seconds
    finally:
        engine.dispose()


def bytes_per_article(url: str, articles: int) -> float:
    """The store's size on disk over its articles (PostgreSQL: the database; SQLite: the file and its WAL)."""
    from sqlalchemy import text

    from newsflow.store.engine import make_engine

    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        wal = path.with_name(path.name + "-wal")
        return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / articles
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / articles
    finally:
        engine.dispose()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=6000, help="articles written per backend, trial and batch size")
    p.add_argument("--batch-sizes", default="64,500", help="64: the sink's default batch (NEWSFLOW_BATCH_SIZE)")
    p.add_argument("--trials", type=int, default=3)
    p.add_argument("--backends", default="postgresql,sqlite")
    p.add_argument(
        "--base", type=int, default=300, help="corpus articles enriched once for the entities rate (0: skip)"
    )
    p.add_argument("--pg-url", default=None)
    p.add_argument("--corpus", default=str(SHARED / "corpora" / "bbc.jsonl"))
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the benchmark's server on the way out

    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.stderr.write(f"store_speed: no corpus at {corpus} (give --corpus)\n")
        return 2
    ent_rate = float("nan")
    if args.base:
        t0 = time.perf_counter()
        base = base_events(corpus, args.base, warmup=16)
        print(f"pipeline: {len(base)} articles enriched in {time.perf_counter() - t0:.1f}s")
        ent_rate = entities_rate(base)
        print(f"entities stage alone (from the events' traces): {ent_rate:.1f} articles/s — one entities worker")
    sentences = corpus_sentences(corpus)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    server = None
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-store-speed-"))
    if "postgresql" in backends and not args.pg_url:
        from newsflow.devstack.postgres import LocalPostgres, PostgresConfig
        from newsflow.devstack.stack import free_port

        server = LocalPostgres(PostgresConfig(base_dir=tmp / "postgres", port=free_port()))
        server.start()
    try:
        runs: dict[tuple[str, int], list[dict[str, float]]] = {}
        last: dict[str, tuple[str, list[dict]]] = {}
        for trial in range(args.trials):
            order = backends if trial % 2 == 0 else backends[::-1]
            for batch_size in (int(b) for b in args.batch_sizes.split(",")):
                for backend in order:
                    if backend == "postgresql":
                        url = args.pg_url or server.create_database(f"bench_{uuid.uuid4().hex[:10]}")
                    else:
                        url = f"sqlite:///{tmp / f'store-{trial}-{batch_size}.db'}"
                    prefix = f"t{trial}b{batch_size}{uuid.uuid4().hex[:4]}"
                    events = list(NewsGenerator(Shape(args.articles), sentences, seed=trial, prefix=prefix).events())
                    run = write(url, events, batch_size)
                    runs.setdefault((backend, batch_size), []).append(run)
                    last[backend] = (url, events)
                    server_cpu = (
                        f", its PostgreSQL backend {run['server_ms']:.1f} ms"
                        if run["server_ms"] == run["server_ms"]
                        else ""
                    )
                    print(
                        f"trial {trial + 1} {backend:10} batch {batch_size:4}: {run['rate']:5.0f} articles/s; CPU per "
                        f"batch: this process {run['client_ms']:.1f} ms{server_cpu} (load average {os.getloadavg()[0]:.1f})"
                    )
        print()
        print(
            f"{'store':12} {'batch':>5} {'articles/s':>11} {'x one entities worker':>22} {'CPU ms/batch (client+server)':>30}"
        )
        for (backend, batch_size), values in sorted(runs.items()):
            rate = statistics.median(v["rate"] for v in values)
            client = statistics.median(v["client_ms"] for v in values)
            srv = statistics.median(v["server_ms"] for v in values)
            cpu = f"{client:.1f} + {srv:.1f}" if srv == srv else f"{client:.1f}"
            workers = f"{rate / ent_rate:21.1f}x" if ent_rate == ent_rate else f"{'-':>22}"
            print(f"{backend:12} {batch_size:5} {rate:11.0f} {workers} {cpu:>30}")
        for backend, (url, events) in last.items():
            if backend == "postgresql" and args.pg_url:
                continue  # other trials' articles are stored there too
            again = events[:500]
            print(
                f"re-delivered batch of {len(again)} ({backend}): {redelivery_rate(url, again):.0f} articles/s, nothing written"
            )
            print(f"size on disk ({backend}): {bytes_per_article(url, args.articles) / 1024:.1f} KiB per article")
    finally:
        if server is not None:
            server.destroy()
        shutil.rmtree(tmp, ignore_errors=True)  # the SQLite stores (hundreds of MB) and the server's folder
    return 0


if __name__ == "__main__":
    sys.exit(main())
