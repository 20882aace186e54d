"""The dedup index of workers: the algorithm of `index.py` as one Lua script per article in Redis.

A batch is one pipeline of EVALSHA calls, one per article, in a single round trip; each
call is atomic, so concurrent workers agree which copy came first. Records live under
`<namespace>:<format>:a:` and expire after the retention; exact keys and LSH buckets are
fields of small, time-sliced hashes (`dedup.lua` explains the layout), about 1.6 KB per
unique article in all
(benchmarks/dedup_redis_memory.py). With `min_replicas`, the batch's writes are acknowledged by that
many replicas (WAIT, in the same round trip) before any verdict is returned. Any Redis
error raises: a verdict is never guessed.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import redis
from redis.exceptions import NoScriptError, ResponseError

from services.dedup.fingerprint import BANDS, FORMAT, NUM_PERM, Fingerprint
from services.dedup.index import IndexParams, make_verdict
from shared.core.events import DedupVerdict
from shared.core.settings import Settings

SCRIPT = (Path(__file__).parent / "dedup.lua").read_text(encoding="utf-8")
# Fields per hash the layout aims at: well under Redis' hash-max-listpack-entries (128), so that
# a busy shard stays a compact listpack.
FIELDS_PER_HASH = 80


class DedupStateLost(RuntimeError):
    """Redis lost the dedup index while workers were using it; verdicts would be wrong, so none is given."""


class ReplicationLagging(RuntimeError):
    """Fewer replicas than required acknowledged a batch's verdicts; they are not sent downstream."""


def _utf8(text: str) -> bytes:
    # surrogatepass: an id with a lone surrogate (valid JSON) must not crash the worker
    return text.encode("utf-8", "surrogatepass")


def handle_of(article_id: str) -> bytes:
    """The 8 bytes that name an article inside the index (its record key, its bucket entries)."""
    return hashlib.blake2b(_utf8(article_id), digest_size=8, person=b"nf-dedup").digest()


@dataclass(frozen=True)
class Layout:
    """How the index spreads its hash fields: time slices per retention, hashes (shards) per slice.

    Part of the key format: every worker of a namespace must use the same layout.
    """

    slices: int = 4
    shards: int = 1024

    @classmethod
    def for_volume(cls, articles_per_day: float, retention_days: float, slices: int = 4) -> "Layout":
        """The layout for an expected volume: about FIELDS_PER_HASH fields per hash at its densest.

        Fields per hash follow a Poisson law around that mean: almost never above 128, the default
        hash-max-listpack-entries beyond which Redis turns a listpack into a far larger hash table.
        """
        fields_per_slice = max(1.0, articles_per_day) * retention_days / slices * (BANDS + 1)
        return cls(slices=slices, shards=max(1, min(math.ceil(fields_per_slice / FIELDS_PER_HASH), 1 << 31)))


class RedisDedupIndex:
    """A DedupIndex kept in Redis and shared by every worker that uses the same namespace."""

    def __init__(
        self,
        client: redis.Redis,
        namespace: str,
        params: IndexParams = IndexParams(),
        layout: Layout = Layout(),
        min_replicas: int = 0,
        wait_timeout_ms: int = 5000,
    ) -> None:
        self._client = client
        self._params = params
        self._layout = layout
        self._min_replicas = min_replicas
        self._wait_timeout_ms = wait_timeout_ms
        self.prefix = f"{namespace}:{FORMAT}q{layout.slices}s{layout.shards}:".encode("utf-8")
        self._record_prefix = self.prefix + b"a:"
        # The epoch marker has no TTL and lives beside the expiring keys: its absence means the
        # index was lost (an unpersisted restart, a flush), which the script then refuses to hide.
        self.epoch_key = f"{namespace}:epoch".encode("utf-8")
        client.set(self.epoch_key, uuid.uuid4().hex, nx=True)
        self._epoch = client.get(self.epoch_key)
        self._sha = client.script_load(SCRIPT)

    @classmethod
    def from_url(cls, url: str, namespace: str, params: IndexParams = IndexParams(), **options) -> "RedisDedupIndex":
        """Connect to the Redis at `url` (and load the script): fails now if Redis is unreachable."""
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
        try:
            return cls(client, namespace, params, **options)
        except Exception:
            client.close()
            raise

    @classmethod
    def from_sentinels(
        cls,
        sentinels: Sequence[tuple[str, int]],
        master: str,
        namespace: str,
        params: IndexParams = IndexParams(),
        url: str | None = None,
        **options,
    ) -> "RedisDedupIndex":
        """Connect to the master that Redis Sentinel names (and follow it through failovers).

        Password and database come from `url` (the settings' redis_url) when it has them.
        """
        from redis.sentinel import Sentinel

        auth: dict = {}
        if url:
            parsed = redis.connection.parse_url(url)
            auth = {k: parsed[k] for k in ("password", "username", "db") if parsed.get(k) is not None}
        sentinel = Sentinel(
            list(sentinels),
            socket_timeout=5,
            socket_connect_timeout=5,
            sentinel_kwargs={"socket_timeout": 5, "socket_connect_timeout": 5},
        )
        client = sentinel.master_for(
            master, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30, **auth
        )
        try:
            return cls(client, namespace, params, **options)
        except Exception:
            client.close()
            raise

    def keys_of(self, article_id: str, fp: Fingerprint) -> list[bytes]:
        """The keys the script of one article declares: its record (the hashes it reaches are derived inside)."""
        return [self._record_prefix + handle_of(article_id)]

    def _args(self, article_id: str, fp: Fingerprint) -> list:
        p, lay = self._params, self._layout
        sig = fp.signature if fp.words else b""
        return [
            _utf8(article_id),
            handle_of(article_id),
            sig,
            p.min_matches,
            p.retention_seconds,
            self.prefix,
            p.bucket_cap,
            NUM_PERM,
            self.epoch_key,
            self._epoch,
            lay.slices,
            lay.shards,
            fp.exact,
            *fp.bands,
        ]

    def assign(self, items: Sequence[tuple[str, Fingerprint]]) -> list[DedupVerdict]:
        """Verdicts for (article id, fingerprint) pairs: one atomic script call each, one round trip in all."""
        if not items:
            return []
        results = self._run(items)
        missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
        if missing:
            # The server lost its script cache (restart, SCRIPT FLUSH): load it and redo the batch from the
            # first article it refused, in order, so no copy is judged ahead of its original; articles
            # already recorded get their stored verdict back.
            self._sha = self._client.script_load(SCRIPT)
            first = missing[0]
            results[first:] = self._run(items[first:])
        out = []
        for r in results:
            if isinstance(r, ResponseError) and str(r).startswith("NEWSFLOW_STATE_LOST"):
                raise DedupStateLost(
                    f"the dedup index in Redis (namespace {self.epoch_key.decode(errors='replace')[:-6]}) lost its "
                    "state since this worker started; refusing to give verdicts that would call copies unique. "
                    "Restore Redis from its append-only file, or restart the dedup workers to accept the loss."
                )
            if isinstance(r, Exception):
                raise r
            code, root, matches = r
            out.append(make_verdict(code.decode(), root.decode("utf-8", "surrogatepass"), int(matches)))
        return out

    def _run(self, items: Sequence[tuple[str, Fingerprint]]) -> list:
        pipe = self._client.pipeline(transaction=False)
        for article_id, fp in items:
            keys = self.keys_of(article_id, fp)
            pipe.execute_command("EVALSHA", self._sha, len(keys), *keys, *self._args(article_id, fp))
        if self._min_replicas:
            pipe.execute_command("WAIT", self._min_replicas, self._wait_timeout_ms)
        results = pipe.execute(raise_on_error=False)
        if self._min_replicas:
            acked = results.pop()
            if isinstance(acked, Exception):
                raise acked
            if int(acked) < self._min_replicas:
                raise ReplicationLagging(
                    f"{acked} of the required {self._min_replicas} Redis replica(s) acknowledged the verdicts of "
                    f"{len(items)} article(s) within {self._wait_timeout_ms} ms; none is sent downstream (retried)"
                )
        return results

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()


def sentinel_addresses(spec: str) -> list[tuple[str, int]]:
    """[(host, port)] of a "host:port,host:port" list (NEWSFLOW_REDIS_SENTINELS); port 26379 when omitted."""
    out = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        host, _, port = part.rpartition(":") if ":" in part else (part, "", "26379")
        try:
            out.append((host or "127.0.0.1", int(port)))
        except ValueError:
            raise ValueError(f"NEWSFLOW_REDIS_SENTINELS: {part!r} is not host:port") from None
    return out


def connect(settings: Settings, params: IndexParams) -> RedisDedupIndex:
    """The index the settings ask for: through Sentinel when NEWSFLOW_REDIS_SENTINELS is set, else redis_url."""
    options = {
        "layout": Layout.for_volume(settings.dedup_articles_per_day, settings.dedup_retention_days),
        "min_replicas": settings.redis_min_replicas,
        "wait_timeout_ms": settings.redis_wait_timeout_ms,
    }
    if settings.redis_sentinels:
        return RedisDedupIndex.from_sentinels(
            sentinel_addresses(settings.redis_sentinels),
            settings.redis_sentinel_master,
            settings.dedup_namespace,
            params,
            url=settings.redis_url,
            **options,
        )
    return RedisDedupIndex.from_url(settings.redis_url, settings.dedup_namespace, params, **options)
