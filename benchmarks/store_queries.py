"""Query latency of the store: p50/p95 of each query kind over a store of 100,000 articles, SQLite and PostgreSQL.

    python benchmarks/store_queries.py [--articles 100000] [--backends sqlite,postgresql] [--queries 200]
                                       [--sqlite PATH] [--pg-url URL] [--corpus ../shared/corpora/bbc.jsonl]

The store is made by newsflow/store/synthetic.py: the first `--base` corpus articles enriched once by
the embedded pipeline, then replicated with new ids into stories of 1 to 40 copies over 24 outlets and
a year of publication times. The SQLite store is kept (`--sqlite`, default in ~/.cache/newsflow/bench)
and reused while it holds the asked number of articles; PostgreSQL runs on a throwaway local server
(Debian's postgresql, as `newsflow stack up` starts it) unless `--pg-url` names one (`--reuse` keeps
what it holds).

Each kind is asked `--queries` times with values drawn from the store itself, the way people ask:
speakers and entities in proportion to how often they are quoted or mentioned, words from stored
quotes, article ids at random. Every call goes through newsflow.store.queries.StoreReader, the
same code as the CLI and the API, with its answer assembled in Python. After a warm-up pass the
times are measured with perf_counter; the machine is shared, so compare backends and kinds of
one run. The indexes each kind's statements use are printed from EXPLAIN (QUERY PLAN).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import event, func, select, text  # noqa: E402

from newsflow.store import schema  # noqa: E402
from newsflow.store.params import window  # noqa: E402
from newsflow.store.queries import StoreReader, open_reader  # noqa: E402
from newsflow.store.synthetic import build_store, load_or_make_base, replicate  # noqa: E402

CACHE = Path(os.environ.get("NEWSFLOW_CACHE_DIR", Path.home() / ".cache" / "newsflow")) / "bench"
CORPUS = REPO.parent / "shared" / "corpora" / "bbc.jsonl"
WORD = re.compile(r"[A-Za-z]{4,}")
SQLITE_INDEX = re.compile(r"USING (?:COVERING )?INDEX (\w+)|USING INTEGER PRIMARY KEY|SCAN (\w+)( VIRTUAL TABLE)?")
PG_INDEX = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)|Seq Scan on (\w+)"
)


def sample_values(reader: StoreReader, n: int, seed: int) -> dict[str, list]:
    """Values to ask about, drawn from the store (speakers and entities weighted by use)."""
    rng = random.Random(seed)
    q, a, ae, act = schema.quotes, schema.articles, schema.article_entities, schema.actors
    with reader.engine.connect() as conn:
        n_quotes = conn.scalar(select(func.count()).select_from(q)) or 0
        n_links = conn.scalar(select(func.count()).select_from(ae)) or 0
        n_articles = conn.scalar(select(func.count()).select_from(a)) or 0

        def nth(stmt, total: int) -> list:
            return [conn.execute(stmt.offset(rng.randrange(total)).limit(1)).first() for _ in range(n)]

        quoted = select(q.c.speaker_actor_id).where(q.c.speaker_actor_id.isnot(None)).order_by(q.c.id)
        n_quoted = conn.scalar(select(func.count()).select_from(q).where(q.c.speaker_actor_id.isnot(None))) or 0
        speaker_ids = [r[0] for r in nth(quoted, n_quoted)]
        names = dict(conn.execute(select(act.c.id, act.c.name).where(act.c.id.in_(set(speaker_ids)))).all())
        mentioned = select(act.c.name).join(ae, ae.c.actor_id == act.c.id).order_by(ae.c.article_id, ae.c.actor_id)
        entities = [r[0] for r in nth(mentioned, n_links)]
        texts = [r[0] for r in nth(select(q.c.text).order_by(q.c.id), n_quotes)]
        article_ids = [r[0] for r in nth(select(a.c.id).order_by(a.c.id), n_articles)]
        t0, t1 = conn.execute(select(func.min(a.c.published_at), func.max(a.c.published_at))).one()
    words = []
    for t in texts:
        found = WORD.findall(t)
        if len(found) >= 2:
            i = rng.randrange(len(found) - 1)
            words.append(f"{found[i]} {found[i + 1]}")
        elif found:
            words.append(found[0])
    months = []
    for _ in range(n):
        start = t0 + (t1 - t0) * rng.random() * 0.9
        months.append((start.date().isoformat(), (start.replace(day=1) + _month()).date().isoformat()))
    outlets = [f"Outlet {chr(65 + rng.randrange(24))}" for _ in range(n)]
    return {
        "speakers": [names[i] for i in speaker_ids],
        "speaker_ids": speaker_ids,
        "entities": entities,
        "words": words or ["said"],
        "articles": article_ids,
        "months": months,
        "outlets": outlets,
        "size": [n_articles, n_quotes, n_links],
    }


def _month():
    from datetime import timedelta

    return timedelta(days=31)


def query_kinds(reader: StoreReader, v: dict[str, list]) -> dict[str, Callable[[int], Any]]:
    """Each kind of question as a function of the sample index."""
    m, o = v["months"], v["outlets"]
    w = lambda i: window(m[i % len(m)][0], m[i % len(m)][1])  # noqa: E731
    return {
        "quotes by speaker": lambda i: reader.quotes_by_speaker(v["speakers"][i]),
        "quotes by speaker, month+outlet": lambda i: reader.quotes_by_speaker(
            v["speakers"][i], win=window(m[i][0], m[i][1], o[i])
        ),
        "quotes by entity": lambda i: reader.quotes_by_entity(v["entities"][i]),
        "quotes by words": lambda i: reader.quotes_by_text(v["words"][i % len(v["words"])]),
        "quotes by words, month": lambda i: reader.quotes_by_text(v["words"][i % len(v["words"])], win=w(i)),
        "top 20 speakers, all time": lambda i: reader.top_speakers(20),
        "top 20 speakers, month": lambda i: reader.top_speakers(20, w(i)),
        "speaker page": lambda i: reader.speaker(v["speaker_ids"][i]),
        "story of an article": lambda i: reader.story(v["articles"][i]),
    }


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def indexes_used(reader: StoreReader, call: Callable[[], Any]) -> list[str]:
    """The indexes (and full scans) in the plans of the statements `call` runs."""
    statements: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(reader.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(reader.engine, "before_cursor_execute", record)
    found: list[str] = []
    sqlite = reader.dialect == "sqlite"
    with reader.engine.connect() as conn:
        for statement, parameters in statements:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = "\n".join(str(r[-1] if sqlite else r[0]) for r in rows)
            for m in (SQLITE_INDEX if sqlite else PG_INDEX).finditer(plan):
                if sqlite:
                    name = m.group(1) or ("rowid" if m.group(0).endswith("KEY") else f"scan {m.group(2)}")
                    if m.group(3):
                        name = f"fts {m.group(2)}"
                else:
                    name = m.group(1) or f"seq scan {m.group(2)}"
                if name not in found:
                    found.append(name)
    return found


def measure(reader: StoreReader, queries: int, seed: int) -> list[dict[str, Any]]:
    """p50/p95 (ms) of each kind over `queries` calls, after a warm-up pass, with the indexes used."""
    values = sample_values(reader, queries, seed)
    kinds = query_kinds(reader, values)
    results = []
    for name, call in kinds.items():
        for i in range(min(20, queries)):  # warm-up: caches, prepared plans
            call(i)
        times = []
        for i in range(queries):
            t = time.perf_counter()
            call(i)
            times.append((time.perf_counter() - t) * 1000)
        results.append(
            {
                "kind": name,
                "p50_ms": percentile(times, 50),
                "p95_ms": percentile(times, 95),
                "max_ms": max(times),
                "mean_ms": statistics.fmean(times),
                "indexes": indexes_used(reader, functools.partial(call, 0)),
            }
        )
    return results


def store_size(reader: StoreReader) -> dict[str, int]:
    """Rows per table."""
    with reader.engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0
            for t in (schema.articles, schema.stories, schema.quotes, schema.actors, schema.article_entities)
        }


def ensure_store(url: str, articles: int, base: list[dict], reuse: bool) -> float | None:
    """Build the store at `url` unless it already holds `articles` (then None); the seconds it took."""
    if reuse:
        try:
            reader = open_reader(url)
            held = store_size(reader)["articles"]
            reader.engine.dispose()
        except Exception:  # no store there yet
            held = -1
        if held == articles:
            from newsflow.store.migrate import upgrade_store

            upgrade_store(url)  # a store made before a newer revision (indexes) gets it
            return None
    n, seconds = build_store(url, replicate(base, articles), progress=lambda k: _progress(k, articles))
    sys.stderr.write("\n")
    assert n == articles, (n, articles)
    return seconds


def _progress(done: int, total: int) -> None:
    if done % 10_000 < 500:
        sys.stderr.write(f"\r  stored {done}/{total}")


def analyse(url: str) -> None:
    """Refresh the planner's statistics (ANALYZE on both backends), as one does after a bulk load."""
    from newsflow.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def report(backend: str, size: dict[str, int], build_s: float | None, results: list[dict[str, Any]]) -> str:
    """The figures of one backend as a table."""
    head = (
        f"\n{backend}: {size['articles']:,} articles, {size['stories']:,} stories, {size['quotes']:,} quotes, "
        f"{size['actors']:,} actors, {size['article_entities']:,} entity links"
        + (f" (built in {build_s:.0f}s)" if build_s else " (reused)")
    )
    lines = [head, f"  {'query':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}  indexes (EXPLAIN)"]
    for r in results:
        lines.append(
            f"  {r['kind']:34s} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f}  {', '.join(r['indexes'])}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--queries", type=int, default=200, help="calls per query kind")
    p.add_argument("--base", type=int, default=300, help="corpus articles enriched once and replicated")
    p.add_argument("--corpus", default=str(CORPUS))
    p.add_argument("--sqlite", default=None, help="SQLite file (default: in the cache, reused)")
    p.add_argument("--pg-url", default=None, help="an empty PostgreSQL database (default: a throwaway server)")
    p.add_argument("--reuse", action="store_true", help="with --pg-url: keep a store that has the articles")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.stderr.write(f"corpus {corpus} not found (pass --corpus)\n")
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    base = load_or_make_base(corpus, args.base, CACHE / f"base-{corpus.stem}-{args.base}.jsonl")
    out = [
        f"store query latency, {args.queries} calls per kind after a warm-up; base: {len(base)} enriched {corpus.name} articles"
    ]
    for backend in backends:
        server = None
        if backend == "sqlite":
            url = "sqlite:///" + (args.sqlite or str(CACHE / f"store-{args.articles}.db"))
            reuse = True
        else:
            if args.pg_url:
                url, reuse = args.pg_url, args.reuse
            else:
                from newsflow.devstack.postgres import LocalPostgres, PostgresConfig
                from newsflow.devstack.stack import free_port

                server = LocalPostgres(
                    PostgresConfig(
                        base_dir=Path(tempfile.mkdtemp(prefix="nf-bench-pg-")) / "postgres",
                        port=free_port(),
                        throwaway=True,
                    )
                )
                server.start()
                url, reuse = server.create_database("bench"), False
        try:
            sys.stderr.write(f"{backend}: building / checking the store at {url}\n")
            build_s = ensure_store(url, args.articles, base, reuse)
            analyse(url)
            reader = open_reader(url)
            try:
                results = measure(reader, args.queries, args.seed)
                out.append(report(backend, store_size(reader), build_s, results))
            finally:
                reader.engine.dispose()
        finally:
            if server is not None:
                server.destroy()
        sys.stderr.write(out[-1])
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
