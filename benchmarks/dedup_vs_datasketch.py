"""Our Redis dedup index against datasketch's MinHashLSH with its Redis storage.

Same articles (the BBC corpus, then syndicated copies of it, normalised), same
redis-server, same MinHash size and LSH bands (num_perm, b, r), datasketch's MinHash
scheme set explicitly ("affine32"; 2.0 changed the default). Each system runs the dedup
loop: every article is looked up and then inserted, in stream order.

- ours: one EVALSHA per article (lookup, similarity check and insert, atomic), a batch
  of articles in one pipeline (one round trip per batch); also batch size 1;
- datasketch: `query` then `insert`, per article (its query is one round trip per band;
  its insert one per band plus two); and a variant with inserts buffered in an
  `insertion_session` per batch. datasketch returns unverified candidates: it does
  less work per article than ours (no similarity check, no cluster assignment).

Round trips are counted on the client (each send of a command or pipeline), memory is
the server's used_memory growth over the run divided by the number of articles.

    python benchmarks/dedup_vs_datasketch.py [--redis-url URL] [--limit N] [--batch 64]

Without --redis-url it starts a throwaway redis-server on a free loopback port.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE), str(REPO / "tests" / "integration")]

import redis  # noqa: E402
from datasketch import MinHash, MinHashLSH  # noqa: E402
from dedup_accuracy import DEFAULT_CORPORA, syndicate  # noqa: E402

from services.dedup.fingerprint import (  # noqa: E402
    BAND_ROWS,
    BANDS,
    NUM_PERM,
    SHINGLE_WORDS,
    comparison_words,
    fingerprint,
)
from services.dedup.index import IndexParams  # noqa: E402
from services.dedup.redis_index import Layout, RedisDedupIndex  # noqa: E402
from services.normalize.logic import normalize_article  # noqa: E402
from shared.core.events import ArticlePublished  # noqa: E402

ROUND_TRIPS = [0]
_send = redis.connection.Connection.send_packed_command


def _counting_send(self, command, check_health=True):
    ROUND_TRIPS[0] += 1
    return _send(self, command, check_health)


redis.connection.Connection.send_packed_command = _counting_send


def load_texts(corpora: Path, limit: int | None, seed: int) -> list[tuple[str, str]]:
    """(id, normalised text) of the BBC articles followed by their syndicated copies."""
    rng = random.Random(seed)
    articles = [json.loads(line) for line in open(corpora / "bbc.jsonl", encoding="utf-8")]
    raws = [{"id": a["id"], "title": a["title"], "body": a["body"]} for a in articles]
    copies = [syndicate(a, n, rng)[0] for a in articles for n in range(rng.randint(1, 2))]
    rng.shuffle(copies)
    out = [(c.id, c.text) for c in (normalize_article(ArticlePublished.from_dict(r)) for r in raws + copies)]
    return out[:limit] if limit else out


def used_memory(client: redis.Redis) -> int:
    return int(client.info("memory")["used_memory"])


def run_ours(url: str, texts, batch: int, threshold: float) -> dict:
    client = redis.Redis.from_url(url)
    params = IndexParams(threshold=threshold)
    days = params.retention_seconds / 86_400
    layout = Layout.for_volume(len(texts) * 4 / days, days)  # the stream as one time slice's worth
    index = RedisDedupIndex.from_url(url, f"bench:{uuid.uuid4().hex[:8]}", params, layout=layout)
    mem0, rt0, t0 = used_memory(client), ROUND_TRIPS[0], time.perf_counter()
    t_fp = 0.0
    statuses = {}
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        t = time.perf_counter()
        fps = [(aid, fingerprint(text)) for aid, text in chunk]
        t_fp += time.perf_counter() - t
        for v in index.assign(fps):
            statuses[v.status] = statuses.get(v.status, 0) + 1
    elapsed = time.perf_counter() - t0
    rts = ROUND_TRIPS[0] - rt0
    mem = used_memory(client) - mem0
    n = len(texts)
    keys = dict.fromkeys(("a", "h"), 0)  # records, and the hashes of exact keys and buckets
    for key in client.scan_iter(match=index.prefix + b"*", count=1000):
        kind = key[len(index.prefix) : len(index.prefix) + 1].decode()
        keys[kind] = keys.get(kind, 0) + 1
    index.close()
    client.close()
    return {
        "articles/s": n / elapsed,
        "index-only articles/s": n / (elapsed - t_fp),
        "round trips/article": rts / n,
        "bytes/article": mem / n,
        "statuses": statuses,
        "keys/article": {k: round(v / n, 2) for k, v in keys.items()},
    }


def shingles_of(text: str) -> list[bytes]:
    words = comparison_words(text)
    k = SHINGLE_WORDS
    return list({" ".join(words[i : i + k]).encode() for i in range(max(1, len(words) - k + 1))}) if words else []


def run_datasketch(url: str, texts, batch: int, threshold: float, buffered: bool) -> dict:
    client = redis.Redis.from_url(url)
    conn = client.connection_pool.connection_kwargs
    lsh = MinHashLSH(
        threshold=threshold,
        num_perm=NUM_PERM,
        params=(BANDS, BAND_ROWS),
        storage_config={
            "type": "redis",
            "basename": f"ds{uuid.uuid4().hex[:8]}".encode(),
            "redis": {"host": conn["host"], "port": conn["port"], "db": conn.get("db", 0)},
        },
    )
    mem0, rt0, t0 = used_memory(client), ROUND_TRIPS[0], time.perf_counter()
    t_fp = 0.0
    with_candidates = 0
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        t = time.perf_counter()
        sketches = []
        for aid, text in chunk:
            m = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")
            m.update_batch(shingles_of(text))
            sketches.append((aid, m))
        t_fp += time.perf_counter() - t
        session = lsh.insertion_session(buffer_size=batch * (2 * BANDS + 2)) if buffered else contextlib.nullcontext()
        with session as s:
            for aid, m in sketches:
                if lsh.query(m):
                    with_candidates += 1
                if buffered:
                    s.insert(aid, m, check_duplication=False)
                else:
                    lsh.insert(aid, m, check_duplication=False)
    elapsed = time.perf_counter() - t0
    rts = ROUND_TRIPS[0] - rt0
    mem = used_memory(client) - mem0
    client.close()
    n = len(texts)
    return {
        "articles/s": n / elapsed,
        "index-only articles/s": n / (elapsed - t_fp),
        "round trips/article": rts / n,
        "bytes/article": mem / n,
        "statuses": {"with LSH candidates": with_candidates, "without": n - with_candidates},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redis-url", help="an existing Redis (default: start one on a free port)")
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--limit", type=int, default=None, help="first N articles of the stream")
    ap.add_argument("--batch", type=int, default=64, help="articles per batch (the stage's batch_size)")
    ap.add_argument("--threshold", type=float, default=0.55)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    texts = load_texts(args.corpora, args.limit, args.seed)
    print(
        f"{len(texts)} articles (BBC then syndicated copies), MinHash {NUM_PERM} values, "
        f"LSH b={BANDS} r={BAND_ROWS}, word {SHINGLE_WORDS}-shingles, threshold {args.threshold}"
    )
    if args.redis_url:
        server = contextlib.nullcontext(args.redis_url)
    else:
        from dedup_redis_server import redis_server

        server = redis_server()
    with server as url:
        info = redis.Redis.from_url(url).info("server")
        print(f"redis-server {info['redis_version']} at {url}\n")
        runs = [
            (
                f"ours, batch {args.batch} (one pipeline per batch)",
                lambda: run_ours(url, texts, args.batch, args.threshold),
            ),
            ("ours, batch 1 (one round trip per article)", lambda: run_ours(url, texts, 1, args.threshold)),
            (
                "datasketch MinHashLSH redis, query+insert per article",
                lambda: run_datasketch(url, texts, args.batch, args.threshold, buffered=False),
            ),
            (
                f"datasketch MinHashLSH redis, query per article, inserts buffered per {args.batch}",
                lambda: run_datasketch(url, texts, args.batch, args.threshold, buffered=True),
            ),
        ]
        for name, run in runs:
            r = run()
            print(
                f"{name}:\n  {r['articles/s']:8.0f} articles/s (index only: {r['index-only articles/s']:.0f}/s), "
                f"{r['round trips/article']:.3f} round trips/article, {r['bytes/article']:.0f} bytes/article"
                f"\n  {r['statuses']}" + (f" keys/article {r['keys/article']}" if "keys/article" in r else "")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
