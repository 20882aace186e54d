"""Write speed of the store: articles/s stored into PostgreSQL and SQLite, against one entities worker.

    python benchmarks/store_speed.py [--base 300] [--articles 6000] [--batch-sizes 64,500] [--trials 2]
                                     [--pg-url URL] [--corpus ../shared/corpora/bbc.jsonl]

From one run: the first `--base` corpus articles go through the embedded pipeline once (every
stage); the entities stage's own time per article, from each event's trace, gives the rate of
one entities worker on this machine now (after a warm-up batch: the model is loaded). The enriched events are then replicated with new ids
(newsflow/store/synthetic.py: stories of 1 to 40 copies, 24 outlets, a year of times) and
written with StoreWriter.write_batch, one transaction per batch, as the sink writes them:
- PostgreSQL: a local server started like `newsflow stack up` starts it (fsync on, the stack's
  settings), a fresh database per trial; or `--pg-url` (a database the benchmark may fill);
- SQLite: a fresh file per trial (WAL, synchronous=NORMAL, as the embedded store).
Trials alternate the two backends; the median of the trials is printed, then the re-delivery of
one batch (every article unchanged: skipped by its content hash). The machine is shared: compare
the ratios of one run, not absolute rates across runs.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsflow.store.synthetic import base_events, build_store, replicate  # noqa: E402

SHARED = REPO.parent / "shared"


def entities_rate(events: list[dict]) -> float:
    """Articles/s of the entities stage alone: articles over the sum of its per-article trace times."""
    ms = sum(float(e.get("trace", {}).get("entities", {}).get("ms", 0.0)) for e in events)
    return len(events) / (ms / 1000.0) if ms else float("nan")


def pg_database(server, url: str | None) -> str:
    """A fresh database on the benchmark's server, or `--pg-url` as given."""
    if url:
        return url
    return server.create_database(f"bench_{uuid.uuid4().hex[:10]}")


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
    p.add_argument("--base", type=int, default=300, help="corpus articles enriched once (the entities rate too)")
    p.add_argument("--articles", type=int, default=6000, help="articles written per backend, trial and batch size")
    p.add_argument("--batch-sizes", default="64,500", help="64: the sink's default batch (NEWSFLOW_BATCH_SIZE)")
    p.add_argument("--trials", type=int, default=2)
    p.add_argument("--pg-url", default=None)
    p.add_argument("--corpus", default=str(SHARED / "corpora" / "bbc.jsonl"))
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the benchmark's server on the way out

    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.stderr.write(f"store_speed: no corpus at {corpus} (give --corpus)\n")
        return 2
    t0 = time.perf_counter()
    base = base_events(corpus, args.base, warmup=16)
    print(f"pipeline: {len(base)} articles enriched in {time.perf_counter() - t0:.1f}s")
    ent_rate = entities_rate(base)
    print(f"entities stage alone (from the events' traces): {ent_rate:.1f} articles/s — one entities worker")

    server = None
    tmp = Path(tempfile.mkdtemp(prefix="newsflow-store-speed-"))
    if not args.pg_url:
        from newsflow.devstack.postgres import LocalPostgres, PostgresConfig
        from newsflow.devstack.stack import free_port

        server = LocalPostgres(PostgresConfig(base_dir=tmp / "postgres", port=free_port()))
        server.start()
    try:
        rates: dict[tuple[str, int], list[float]] = {}
        last_url = {}
        for trial in range(args.trials):
            order = ("postgresql", "sqlite") if trial % 2 == 0 else ("sqlite", "postgresql")
            for batch_size in (int(b) for b in args.batch_sizes.split(",")):
                for backend in order:
                    url = (
                        pg_database(server, args.pg_url)
                        if backend == "postgresql"
                        else f"sqlite:///{tmp / f'store-{trial}-{batch_size}.db'}"
                    )
                    events = replicate(base, args.articles, seed=trial, prefix=f"t{trial}b{batch_size}")
                    n, seconds = build_store(url, events, batch_size)
                    rates.setdefault((backend, batch_size), []).append(n / seconds)
                    last_url[backend] = url
                    print(
                        f"trial {trial + 1} {backend:10} batch {batch_size:4}: {n} articles in {seconds:.1f}s = {n / seconds:.0f}/s"
                    )
        print()
        print(f"{'store':12} {'batch':>5} {'articles/s':>11} {'x one entities worker':>22}")
        for (backend, batch_size), values in sorted(rates.items()):
            median = statistics.median(values)
            print(f"{backend:12} {batch_size:5} {median:11.0f} {median / ent_rate:21.1f}x")
        last = args.trials - 1  # the last trial's stores hold these ids already
        again = list(replicate(base, 500, seed=last, prefix=f"t{last}b{args.batch_sizes.split(',')[-1]}"))
        for backend, url in last_url.items():
            if backend == "postgresql" and args.pg_url:
                continue  # another prefix may be stored there
            print(
                f"re-delivered batch of 500 ({backend}): {redelivery_rate(url, again):.0f} articles/s, nothing written"
            )
            print(f"size on disk ({backend}): {bytes_per_article(url, args.articles) / 1024:.1f} KiB per article")
    finally:
        if server is not None:
            server.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
