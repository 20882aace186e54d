"""The in-process dedup index of `newsflow run`: the algorithm of `index.py` over dicts."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Sequence

from services.dedup.fingerprint import NUM_PERM, Fingerprint, matching_values
from services.dedup.index import IndexParams, make_verdict
from shared.core.events import DedupVerdict


@dataclass
class _Record:
    code: str
    root: str
    matches: int
    signature: bytes  # empty for exact duplicates and empty texts: they are never candidates


class MemoryDedupIndex:
    """A DedupIndex held in this process; entries expire after the retention like Redis keys do."""

    def __init__(self, params: IndexParams = IndexParams(), clock: Callable[[], float] = time.time) -> None:
        self._params = params
        self._clock = clock
        # Each table maps a key to (value, expiry time), as Redis keys with a TTL.
        self._records: dict[str, tuple[_Record, float]] = {}
        self._exact: dict[bytes, tuple[str, float]] = {}
        self._buckets: dict[bytes, tuple[list[str], float]] = {}
        self._expiries: deque[tuple[float, dict, object]] = deque()

    def assign(self, items: Sequence[tuple[str, Fingerprint]]) -> list[DedupVerdict]:
        """Verdicts for (article id, fingerprint) pairs, decided and recorded one by one, in order."""
        self._evict()
        return [self._assign_one(article_id, fp) for article_id, fp in items]

    def close(self) -> None:
        """Nothing to release."""

    def __len__(self) -> int:
        return len(self._records)

    def _get(self, table: dict, key: object):
        entry = table.get(key)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def _set(self, table: dict, key: object, value: object) -> None:
        expiry = self._clock() + self._params.retention_seconds
        table[key] = (value, expiry)
        self._expiries.append((expiry, table, key))

    def _touch(self, table: dict, key: object) -> None:
        value = self._get(table, key)
        if value is not None:
            self._set(table, key, value)

    def _evict(self) -> None:
        """Drop expired entries; a refreshed entry is dropped only when its latest expiry passed."""
        now = self._clock()
        while self._expiries and self._expiries[0][0] <= now:
            _, table, key = self._expiries.popleft()
            entry = table.get(key)
            if entry is not None and entry[1] <= now:
                del table[key]

    def _best_match(self, article_id: str, fp: Fingerprint) -> tuple[int, str, list[list[str]]]:
        """The most matching signature values among the articles in `fp`'s buckets (-1: none), its root, and
        each bucket's members still held."""
        best, best_root = -1, article_id  # best_root is read only when a match was found
        seen: dict[str, bool] = {}
        live_per_band: list[list[str]] = []
        for band in fp.bands:
            members = self._get(self._buckets, band) or []
            live = []
            for cid in members:
                alive = seen.get(cid)
                if alive is None:
                    rec = self._get(self._records, cid)
                    alive = seen[cid] = rec is not None
                    if rec is not None and rec.signature:
                        m = matching_values(fp.signature, rec.signature)
                        if m > best and rec.root != article_id:
                            best, best_root = m, rec.root
                if alive:
                    live.append(cid)
            live_per_band.append(live)
        return best, best_root, live_per_band

    def _assign_one(self, article_id: str, fp: Fingerprint) -> DedupVerdict:
        known = self._get(self._records, article_id)
        if known is not None:
            return make_verdict(known.code, known.root, known.matches)
        if fp.words == 0:
            self._set(self._records, article_id, _Record("u", article_id, 0, b""))
            return make_verdict("u", article_id, 0)

        first = self._get(self._exact, fp.exact)
        original = self._get(self._records, first) if first is not None else None
        # the root may be this very article, re-delivered after its own record expired: never its own copy
        if original is not None and original.root != article_id:
            self._set(self._records, article_id, _Record("d", original.root, NUM_PERM, b""))
            self._touch(self._exact, fp.exact)
            self._touch(self._records, first)
            for band in fp.bands:
                self._touch(self._buckets, band)
            return make_verdict("d", original.root, NUM_PERM)

        best, best_root, live_per_band = self._best_match(article_id, fp)
        if best >= self._params.min_matches:
            code, root, matches = "n", best_root, best
        else:
            code, root, matches = "u", article_id, max(best, 0)
        self._set(self._records, article_id, _Record(code, root, matches, fp.signature))
        self._set(self._exact, fp.exact, article_id)  # free, or naming an article no longer held
        for band, live in zip(fp.bands, live_per_band):
            if len(live) < self._params.bucket_cap:
                live = live + [article_id]
            self._set(self._buckets, band, live)
        return make_verdict(code, root, matches)
