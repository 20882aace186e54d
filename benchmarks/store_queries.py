"""Query latency of the store at scale: p50/p95 of every query kind and page, the size per article, the build time.

    python benchmarks/store_queries.py --articles 100000 --backends sqlite
    python benchmarks/store_queries.py --articles 1000000 --backends postgresql
        [--queries 200] [--sqlite PATH] [--pg-dir DIR | --pg-url URL --reuse] [--pg-shared-buffers SIZE]
        [--corpus ../shared/corpora/bbc.jsonl] [--years 3]

The store is synthetic news (newsflow/store/synthetic.py: Zipf-like people, organisations, places
and outlets, `--years` of dates, stories of 1-40 copies, quotes made from the corpus's sentences),
loaded by newsflow/store/bulkload.py (COPY without indexes, then the indexes, full text and rollups:
"built in" is that whole time). The SQLite store is kept (`--sqlite`, default in the cache folder)
and reused while it holds the asked number of articles of this generator; PostgreSQL runs on a
throwaway local server (Debian's postgresql, as `newsflow stack up` starts it, fsync off for the
load) unless `--pg-dir` names a folder where a local server keeps its data between runs (a database
per size and generator, reused while it holds the asked articles: a re-run after a change to the
queries does not build a million articles again; the server is stopped, not deleted, at the end) or
`--pg-url` names a database (`--reuse` keeps what it holds). The local server's shared_buffers is a
quarter of the memory, at most 2 GB (`--pg-shared-buffers`; PostgreSQL's default is 128 MB, against
3.7 GB of indexes at a million articles); the figures say the settings they had.

Each kind is asked `--queries` times with values drawn from the store the way people ask: speakers
in proportion to their quotes, entities and outlets to their articles, words (two neighbouring words
of a stored quote), months and article ids at random. Every call goes through
newsflow.store.queries.StoreReader, the code of the CLI, the API and the pages, with its answer
assembled in Python. After a warm-up pass the calls are timed with perf_counter; the machine is shared,
so the load average is printed with the figures. The indexes each kind's statements use come from
EXPLAIN (no kind may show a scan of `quotes`).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import event, func, select, text  # noqa: E402

from newsflow.store import schema  # noqa: E402
from newsflow.store.params import window  # noqa: E402
from newsflow.store.queries import StoreReader, open_reader  # noqa: E402

CACHE = Path(os.environ.get("NEWSFLOW_CACHE_DIR", Path.home() / ".cache" / "newsflow")) / "bench"
CORPUS = REPO.parent / "shared" / "corpora" / "bbc.jsonl"
GENERATOR = "news1"  # in the cached store's name: a store of another generator is never reused
WORD = re.compile(r"[A-Za-z]{4,}")
SQLITE_INDEX = re.compile(
    r"(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?(?:INDEX (\w+)|(INTEGER PRIMARY KEY|PRIMARY KEY)))?( VIRTUAL TABLE)?"
)
PG_INDEX = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)|Seq Scan on (\w+)"
)


def random_articles(reader: StoreReader, n: int, rng: random.Random) -> list[str]:
    """`n` article ids drawn uniformly (with repeats) without reading every article."""
    a = schema.articles
    with reader.engine.connect() as conn:
        if reader.dialect == "sqlite":
            top = conn.scalar(text("SELECT max(rowid) FROM articles")) or 0
            ids: list[str] = []
            while len(ids) < n and top:
                picks = [rng.randint(1, top) for _ in range(n)]
                ids += [
                    r[0]
                    for r in conn.execute(text(f"SELECT id FROM articles WHERE rowid IN ({','.join(map(str, picks))})"))
                ]
            return [rng.choice(ids) for _ in range(n)] if ids else []
        total = conn.scalar(select(func.count()).select_from(a)) or 1
        pct = min(100.0, 100.0 * 3 * n / total)
        got = [
            r[0]
            for r in conn.execute(
                text(f"SELECT id FROM articles TABLESAMPLE BERNOULLI ({pct}) REPEATABLE ({rng.randrange(10**6)})")
            )
        ]
        return [rng.choice(got) for _ in range(n)] if got else []


def sample_values(reader: StoreReader, n: int, seed: int) -> dict[str, Any]:
    """Values to ask about, drawn from the store (see the module docstring)."""
    rng = random.Random(seed)
    q, ae, act, tot = schema.quotes, schema.article_entities, schema.actors, schema.speaker_totals
    articles = random_articles(reader, n, rng)
    with reader.engine.connect() as conn:
        speakers = conn.execute(select(tot.c.actor_id, tot.c.quotes)).all()
        speaker_ids = rng.choices([s[0] for s in speakers], weights=[s[1] for s in speakers], k=n)
        names = dict(conn.execute(select(act.c.id, act.c.name).where(act.c.id.in_(set(speaker_ids)))).all())
        mentioned = conn.execute(
            select(ae.c.article_id, act.c.name)
            .join(act, act.c.id == ae.c.actor_id)
            .where(ae.c.article_id.in_(set(articles)))
        ).all()
        quoted = conn.execute(select(q.c.article_id, q.c.text).where(q.c.article_id.in_(set(articles)))).all()
        outlets = conn.execute(select(schema.articles.c.source).where(schema.articles.c.id.in_(set(articles)))).all()
        t0, t1 = conn.execute(select(func.min(q.c.article_time), func.max(q.c.article_time))).one()
    by_article: dict[str, list[str]] = {}
    for article_id, name in mentioned:
        by_article.setdefault(article_id, []).append(name)
    entities = [rng.choice(by_article[a]) for a in articles if a in by_article][:n]
    words = []
    for _, quote_text in rng.sample(quoted, min(n, len(quoted))):
        found = WORD.findall(quote_text)
        if len(found) >= 2:
            i = rng.randrange(len(found) - 1)
            words.append(f"{found[i]} {found[i + 1]}")
        elif found:
            words.append(found[0])
    months = []
    for _ in range(n):
        start = t0 + (t1 - t0 - timedelta(days=31)) * rng.random()
        end = start.replace(day=1) + timedelta(days=32)
        months.append((start.date().isoformat(), end.replace(day=1).date().isoformat()))
    return {
        "speakers": [names[i] for i in speaker_ids],
        "speaker_ids": speaker_ids,
        "entities": entities or ["nobody"],
        "words": words or ["said"],
        "articles": articles,
        "months": months,
        "outlets": [o[0] for o in outlets if o[0]] or ["none"],
    }


class NextPage:
    """The page after the first of a list: `prepare(n)` asks the first pages (untimed) for their cursors; a call
    then asks the next page of the i-th list that has one (lists that fit on one page are left out)."""

    def __init__(self, first: Callable[[int], Any], following: Callable[[int, str], Any]) -> None:
        self.first, self.following = first, following
        self.cursors: list[tuple[int, str]] = []

    def prepare(self, n: int) -> None:
        """The cursors of the first pages of samples 0 to n-1."""
        self.cursors = [(i, c) for i in range(n) if (c := self.first(i).get("next_cursor"))]

    def __call__(self, i: int) -> Any:
        if not self.cursors:
            return self.first(i)
        j, cursor = self.cursors[i % len(self.cursors)]
        return self.following(j, cursor)


def query_kinds(reader: StoreReader, v: dict[str, Any]) -> dict[str, Callable[[int], Any]]:
    """Each kind of question (and page: the answers the speaker and story pages render) by sample index."""

    def at(name: str, i: int) -> Any:
        return v[name][i % len(v[name])]

    def month(i: int, outlet: bool = False):
        since, until = at("months", i)
        return window(since, until, at("outlets", i) if outlet else None)

    return {
        "quotes by speaker": lambda i: reader.quotes_by_speaker(at("speakers", i)),
        "quotes by speaker, month+outlet": lambda i: reader.quotes_by_speaker(at("speakers", i), win=month(i, True)),
        "quotes by entity": lambda i: reader.quotes_by_entity(at("entities", i)),
        "quotes by entity, month": lambda i: reader.quotes_by_entity(at("entities", i), win=month(i)),
        "quotes by words": lambda i: reader.quotes_by_text(at("words", i)),
        "quotes by words, month": lambda i: reader.quotes_by_text(at("words", i), win=month(i)),
        "top 20 speakers, all time": lambda i: reader.top_speakers(20),
        "top 20 speakers, month": lambda i: reader.top_speakers(20, month(i)),
        "top 20 speakers, month+outlet": lambda i: reader.top_speakers(20, month(i, True)),
        "speaker page": lambda i: reader.speaker(at("speaker_ids", i)),
        "speaker page, month": lambda i: reader.speaker(at("speaker_ids", i), win=month(i)),
        "story page": lambda i: reader.story(at("articles", i)),
        # the next page of a list (keyset cursor; the count comes with it)
        "quotes by speaker, page 2": NextPage(
            lambda i: reader.quotes_by_speaker(at("speakers", i)),
            lambda i, c: reader.quotes_by_speaker(at("speakers", i), cursor=c),
        ),
        "quotes by entity, page 2": NextPage(
            lambda i: reader.quotes_by_entity(at("entities", i)),
            lambda i, c: reader.quotes_by_entity(at("entities", i), cursor=c),
        ),
        "quotes by words, page 2": NextPage(
            lambda i: reader.quotes_by_text(at("words", i)),
            lambda i, c: reader.quotes_by_text(at("words", i), cursor=c),
        ),
        "top 20 speakers, page 2": NextPage(
            lambda i: reader.top_speakers(20), lambda i, c: reader.top_speakers(20, cursor=c)
        ),
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
                    verb, table, index, key, virtual = m.groups()
                    if virtual or table.endswith("_fts"):
                        name = f"fts {table}"
                    elif index or key:
                        name = index or f"{table} {'rowid' if key.startswith('INTEGER') else 'pk'}"
                    else:
                        name = f"{verb.lower()} {table}"  # SCAN: every row (of a subquery's result, or a table)
                else:
                    name = m.group(1) or f"seq scan {m.group(2)}"
                if name not in found:
                    found.append(name)
    return found


def measure(reader: StoreReader, queries: int, seed: int) -> list[dict[str, Any]]:
    """p50/p95 (ms) of each kind over `queries` calls, after a warm-up pass, with the indexes used."""
    values = sample_values(reader, queries, seed)
    results = []
    for name, call in query_kinds(reader, values).items():
        if isinstance(call, NextPage):
            call.prepare(queries)
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
            for t in (
                schema.articles,
                schema.stories,
                schema.quotes,
                schema.actors,
                schema.article_entities,
                schema.speaker_days,
                schema.speaker_totals,
                schema.speaker_mentions,
            )
        }


def bytes_on_disk(url: str) -> int:
    """The store's size: PostgreSQL's database, or the SQLite file with its WAL."""
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        wal = path.with_name(path.name + "-wal")
        return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    from newsflow.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
    finally:
        engine.dispose()


def ensure_store(
    url: str, articles: int, corpus: Path, years: float, reuse: bool, reset: Callable[[], None] | None = None
) -> str | None:
    """Build the store at `url` unless it holds `articles` already (then None); the load's report. A store
    that cannot be reused is emptied first: the SQLite file deleted, else `reset()` (a new database)."""
    from newsflow.store.bulkload import bulk_load
    from newsflow.store.migrate import current_revision, head_revision
    from newsflow.store.synthetic import NewsGenerator, Shape, corpus_sentences

    if reuse:
        try:
            reader = open_reader(url)
            size = store_size(reader)
            current = current_revision(reader.engine)
            reader.engine.dispose()
            held, finished = size["articles"], size["speaker_totals"] > 0  # a load's rollups come last
        except Exception:  # no store there yet
            held, current, finished = -1, None, False
        if held == articles and finished and current == head_revision():
            return None
        if url.startswith("sqlite"):
            path = Path(url.split(":///", 1)[1])
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                p.unlink(missing_ok=True)
        elif reset is not None and held != -1:
            reset()
    generator = NewsGenerator(Shape(articles, years), corpus_sentences(corpus))
    report = bulk_load(url, generator.arrivals(), progress=lambda k: _progress(k, articles))
    sys.stderr.write(f"\n{report}\n")
    assert report.articles == articles, (report.articles, articles)
    return str(report)


def _progress(done: int, total: int) -> None:
    if done % 50_000 < 2000:
        sys.stderr.write(f"\r  stored {done}/{total}")


def local_server(base: Path, shared_buffers: str):
    """A local PostgreSQL server with its data in `base`, started (fsync off: a benchmark's data) on a free port,
    or on the port it runs on already; restarted if its shared_buffers is not `shared_buffers`."""
    import psycopg

    from newsflow.devstack.postgres import SUPERUSER, LocalPostgres, PostgresConfig
    from newsflow.devstack.stack import free_port

    pid_file = base / "data" / "postmaster.pid"
    running = pid_file.exists() and len(lines := pid_file.read_text().splitlines()) > 3
    port = int(lines[3]) if running else free_port()
    server = LocalPostgres(PostgresConfig(base_dir=base, port=port, throwaway=True))
    server.start()
    dsn = f"host={server.config.host} port={port} user={SUPERUSER} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        wanted = conn.execute("SELECT pg_size_bytes(%s)", (shared_buffers,)).fetchone()[0]
        current = conn.execute(
            "SELECT setting::bigint * pg_size_bytes(unit) FROM pg_settings WHERE name = 'shared_buffers'"
        )
        if current.fetchone()[0] != wanted:
            conn.execute(f"ALTER SYSTEM SET shared_buffers = '{int(wanted) // 2**20}MB'")  # kept in the data folder
            restart = True
        else:
            restart = False
    if restart:
        server.stop()
        server.start()
    return server


def default_shared_buffers() -> str:
    """PostgreSQL's shared_buffers for the benchmark's server: a quarter of this machine's memory (the usual
    starting point for a server of its own), at most 2 GB."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{min(2 * 2**30, memory // 4) // 2**20}MB"


def server_settings(reader: StoreReader) -> str:
    """The PostgreSQL version and memory settings the figures were taken with."""
    with reader.engine.connect() as conn:
        version = conn.scalar(text("SHOW server_version"))
        buffers = conn.scalar(text("SHOW shared_buffers"))
        work_mem = conn.scalar(text("SHOW work_mem"))
    return f"PostgreSQL {str(version).split()[0]}, shared_buffers {buffers}, work_mem {work_mem}"


def _new_database(server: Any, name: str) -> None:
    server.drop_database(name)
    server.create_database(name)


def report(
    backend: str, size: dict[str, int], disk: int, built: str | None, results: list[dict[str, Any]], server: str = ""
) -> str:
    """The figures of one backend as a table."""
    head = (
        f"\n{backend}{f' ({server})' if server else ''}: {size['articles']:,} articles, {size['stories']:,} stories, {size['quotes']:,} quote rows, "
        f"{size['actors']:,} actors, {size['article_entities']:,} entity links, {size['speaker_days']:,} speaker-day "
        f"rows, {size['speaker_mentions']:,} co-mention rows\n"
        f"  size: {disk / 2**30:.2f} GiB, {disk / max(1, size['articles']) / 1024:.1f} KiB per article; "
        + (f"built: {built}" if built else "built before (reused)")
        + f"\n  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    lines = [head, f"  {'query':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}  indexes (EXPLAIN)"]
    for r in results:
        flag = "" if r["p95_ms"] < 50 else "  <- p95 over 50 ms"
        lines.append(
            f"  {r['kind']:34s} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f}  {', '.join(r['indexes'])}{flag}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--queries", type=int, default=200, help="calls per query kind")
    p.add_argument("--years", type=float, default=3.0, help="the span of publication dates")
    p.add_argument("--corpus", default=str(CORPUS), help="JSON Lines corpus whose sentences make the quotes")
    p.add_argument("--sqlite", default=None, help="SQLite file (default: in the cache, reused)")
    p.add_argument(
        "--pg-dir", default=None, help="a local PostgreSQL server's folder, kept between runs with its stores (reused)"
    )
    p.add_argument("--pg-url", default=None, help="an empty PostgreSQL database (default: a throwaway server)")
    p.add_argument(
        "--pg-shared-buffers",
        default=default_shared_buffers(),
        help="shared_buffers of the local server (default: a quarter of the memory, at most 2 GB; PostgreSQL's own "
        "default is 128MB)",
    )
    p.add_argument("--reuse", action="store_true", help="with --pg-url: keep a store that has the articles")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the benchmark's server on the way out
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.stderr.write(f"corpus {corpus} not found (pass --corpus)\n")
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    out = [f"store query latency, {args.queries} calls per kind after a warm-up; synthetic news, {args.years:g} years"]
    for backend in backends:
        server, kept, reset = None, False, None
        if backend == "sqlite":
            url = "sqlite:///" + (args.sqlite or str(CACHE / f"store-{GENERATOR}-{args.articles}.db"))
            reuse = True
        elif args.pg_url:
            url, reuse = args.pg_url, args.reuse
        else:
            kept = args.pg_dir is not None
            base = Path(args.pg_dir) if kept else Path(tempfile.mkdtemp(prefix="nf-bench-pg-"))
            server = local_server(base / "postgres", args.pg_shared_buffers)
            name = f"bench_{GENERATOR}_{args.articles}" if kept else "bench"
            url, reuse = server.create_database(name), kept
            reset = functools.partial(_new_database, server, name)
        try:
            sys.stderr.write(f"{backend}: building / checking the store at {url}\n")
            built = ensure_store(url, args.articles, corpus, args.years, reuse, reset)
            reader = open_reader(url)
            try:
                results = measure(reader, args.queries, args.seed)
                settings = server_settings(reader) if reader.dialect == "postgresql" else ""
                out.append(report(backend, store_size(reader), bytes_on_disk(url), built, results, settings))
            finally:
                reader.engine.dispose()
        finally:
            if server is not None and kept:
                server.stop()
            elif server is not None:
                server.destroy()
        sys.stderr.write(out[-1])
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
