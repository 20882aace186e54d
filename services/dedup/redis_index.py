"""The dedup index of workers: the algorithm of `index.py` as one Lua script per article in Redis.

A batch is one pipeline of EVALSHA calls, one per article, in a single round trip; each
call is atomic, so concurrent workers agree which copy came first. Keys live under
`<namespace>:<fingerprint format>:` and expire after the retention. Any Redis error
raises: a verdict is never guessed.
"""
from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Sequence

import redis
from redis.exceptions import NoScriptError, ResponseError

from services.dedup.fingerprint import FORMAT, NUM_PERM, Fingerprint
from services.dedup.index import IndexParams, make_verdict
from shared.core.events import DedupVerdict

SCRIPT = (Path(__file__).parent / "dedup.lua").read_text(encoding="utf-8")


class DedupStateLost(RuntimeError):
    """Redis lost the dedup index while workers were using it; verdicts would be wrong, so none is given."""


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def _utf8(text: str) -> bytes:
    # surrogatepass: an id with a lone surrogate (valid JSON) must not crash the worker
    return text.encode("utf-8", "surrogatepass")


class RedisDedupIndex:
    """A DedupIndex kept in Redis and shared by every worker that uses the same namespace."""

    def __init__(self, client: redis.Redis, namespace: str, params: IndexParams = IndexParams()) -> None:
        self._client = client
        self._params = params
        self.prefix = f"{namespace}:{FORMAT}:".encode("utf-8")
        self._record_prefix = self.prefix + b"a:"
        # The epoch marker has no TTL and lives beside the expiring keys: its absence means the
        # index was lost (an unpersisted restart, a flush), which the script then refuses to hide.
        self.epoch_key = f"{namespace}:epoch".encode("utf-8")
        client.set(self.epoch_key, uuid.uuid4().hex, nx=True)
        self._epoch = client.get(self.epoch_key)
        self._sha = client.script_load(SCRIPT)

    @classmethod
    def from_url(cls, url: str, namespace: str, params: IndexParams = IndexParams()) -> "RedisDedupIndex":
        """Connect to the Redis at `url` (and load the script): fails now if Redis is unreachable."""
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
        try:
            return cls(client, namespace, params)
        except Exception:
            client.close()
            raise

    def keys_of(self, article_id: str, fp: Fingerprint) -> list[bytes]:
        """The keys the script of one article reads and writes: record, exact key, band buckets."""
        return ([self._record_prefix + _utf8(article_id), self.prefix + b"x:" + _b64(fp.exact)]
                + [self.prefix + b"b:" + _b64(b) for b in fp.bands])

    def _args(self, article_id: str, fp: Fingerprint) -> list:
        p = self._params
        sig = fp.signature if fp.words else b""
        return [_utf8(article_id), sig, p.min_matches, p.retention_seconds, self._record_prefix, p.bucket_cap, NUM_PERM,
                self.epoch_key, self._epoch]

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
                    "Restore Redis from its append-only file, or restart the dedup workers to accept the loss.")
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
        return pipe.execute(raise_on_error=False)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
