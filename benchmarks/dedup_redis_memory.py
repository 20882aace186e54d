"""Bytes of Redis per unique article held by the dedup index, and its verdicts against the memory index.

The BBC corpus then syndicated copies of it (the stream of dedup_vs_datasketch.py) go
through the Redis index in batches, as the dedup worker sends them. Figures:

- used_memory growth of the server divided by the unique articles (and by all articles);
- the same split by MEMORY USAGE: records (one key per article) and the time-sliced
  hashes of exact keys and LSH buckets;
- the steady-state bound: a hash lives up to one slice longer than the records it names,
  so at most (slices + 1) / slices of the hash bytes per article are held at once;
- the index's own speed (articles/s of `assign` calls, fingerprints computed beforehand);
- whether every verdict equals the in-process index's on the same stream (the accuracy
  of benchmarks/dedup_accuracy.py, which runs the in-process index, then holds for Redis).

The layout is sized for the stream as one time slice's worth of articles (the densest
the hashes get in steady state).

    python benchmarks/dedup_redis_memory.py [--originals-only] [--redis-url URL] [--limit N] [--batch 64]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE), str(REPO / "tests" / "integration")]

import redis  # noqa: E402
from dedup_vs_datasketch import DEFAULT_CORPORA, load_texts, used_memory  # noqa: E402

from services.dedup.fingerprint import fingerprint  # noqa: E402
from services.dedup.index import IndexParams  # noqa: E402
from services.dedup.memory_index import MemoryDedupIndex  # noqa: E402
from services.dedup.redis_index import Layout, RedisDedupIndex  # noqa: E402


def measure(url: str, texts, batch: int, threshold: float, slices: int = 4) -> dict:
    """Memory and verdicts of the Redis index over `texts` ((id, text) pairs)."""
    params = IndexParams(threshold=threshold)
    days = params.retention_seconds / 86_400
    # the whole stream is one slice's worth: articles per day = len / (days / slices)
    layout = Layout.for_volume(len(texts) * slices / days, days, slices)
    client = redis.Redis.from_url(url)
    index = RedisDedupIndex.from_url(url, f"bench:{uuid.uuid4().hex[:8]}", params, layout=layout)
    memory = MemoryDedupIndex(params)
    fps = [(aid, fingerprint(text)) for aid, text in texts]
    mem0 = used_memory(client)
    got, want = [], []
    redis_s = 0.0
    for start in range(0, len(fps), batch):
        chunk = fps[start : start + batch]
        t0 = time.perf_counter()
        got += index.assign(chunk)
        redis_s += time.perf_counter() - t0
        want += memory.assign(chunk)
    grown = used_memory(client) - mem0
    record_bytes = hash_bytes = hashes = 0
    encodings: dict[str, int] = {}
    for key in client.scan_iter(match=index.prefix + b"*", count=1000):
        size = client.memory_usage(key, samples=0) or 0
        if key.startswith(index.prefix + b"a:"):
            record_bytes += size
        else:
            hash_bytes += size
            hashes += 1
            enc = client.object("encoding", key).decode()
            encodings[enc] = encodings.get(enc, 0) + 1
    index.close()
    client.close()
    unique = sum(v.status == "unique" for v in got)
    statuses: dict[str, int] = {}
    for v in got:
        statuses[v.status] = statuses.get(v.status, 0) + 1
    return {
        "articles": len(texts),
        "unique": unique,
        "index articles/s": len(texts) / redis_s,
        "statuses": statuses,
        "layout": layout,
        "used_memory/unique": grown / unique,
        "used_memory/article": grown / len(texts),
        "records/unique": record_bytes / unique,
        "hashes/unique": hash_bytes / unique,
        "hashes": hashes,
        "encodings": encodings,
        "steady-state bound/unique": (record_bytes + hash_bytes * (slices + 1) / slices) / unique,
        "same verdicts as memory index": got == want,
        "differing verdicts": sum(a != b for a, b in zip(got, want)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redis-url", help="an existing Redis (default: start one on a free port)")
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--limit", type=int, default=None, help="first N articles of the stream")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threshold", type=float, default=0.55)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--originals-only", action="store_true", help="the BBC articles without syndicated copies")
    args = ap.parse_args(argv)
    random.seed(args.seed)
    texts = load_texts(args.corpora, args.limit, args.seed)
    if args.originals_only:
        texts = [t for t in texts if not t[0].startswith("syn-")]
    if args.redis_url:
        server = contextlib.nullcontext(args.redis_url)
    else:
        from dedup_redis_server import redis_server

        server = redis_server()
    with server as url:
        version = redis.Redis.from_url(url).info("server")["redis_version"]
        r = measure(url, texts, args.batch, args.threshold)
    print(
        f"redis-server {version}; {r['articles']} articles ({r['unique']} unique) {r['statuses']}; "
        f"layout {r['layout']}; {r['hashes']} hashes {r['encodings']}"
    )
    print(
        f"used_memory growth: {r['used_memory/unique']:.0f} bytes per unique article "
        f"({r['used_memory/article']:.0f} per article)"
    )
    print(
        f"MEMORY USAGE: records {r['records/unique']:.0f} + hashes {r['hashes/unique']:.0f} bytes per unique "
        f"article; steady-state bound {r['steady-state bound/unique']:.0f}"
    )
    print(f"index calls: {r['index articles/s']:.0f} articles/s (batches of {args.batch}, fingerprints precomputed)")
    print(
        f"verdicts equal to the in-process index's: {r['same verdicts as memory index']} "
        f"({r['differing verdicts']} differ)"
    )
    return 0 if r["same verdicts as memory index"] else 1


if __name__ == "__main__":
    sys.exit(main())
