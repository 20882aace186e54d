"""The interface both dedup indexes implement, and the verdict they agree on.

An index assigns each article, in order, to a cluster: the article is new (`unique`,
it founds its own cluster), has exactly the comparison text of an earlier article
(`duplicate`), or its estimated shingle similarity to an earlier article is above the
threshold (`near_duplicate`). Assigning is one atomic step per article, and repeatable:
an id seen before gets its stored verdict back, unchanged.

Both implementations run the same algorithm, step for step, so they give the same
verdicts for the same sequence of articles (the contract tests check this):

1. the id has a record: return the verdict stored in it;
2. the text has no words: `unique`, nothing indexed (empty texts are never linked);
3. an earlier article with the same exact key is still held: `duplicate` of its cluster,
   similarity 1.0; the retention of that article and of its bands starts again;
4. otherwise the articles in the buckets of the article's LSH bands are candidates,
   visited in band order then bucket order; the one with the most equal signature
   values wins (the first on a tie); above the threshold: `near_duplicate` of its
   cluster, else `unique`, and its similarity is reported in both cases;
5. the article is recorded (with its signature), the exact key names it, and its
   id is added to each band bucket that holds fewer than `bucket_cap` live ids.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Protocol, Sequence

from services.dedup.fingerprint import NUM_PERM, Fingerprint
from shared.core.events import DedupVerdict

UNIQUE, DUPLICATE, NEAR_DUPLICATE = "unique", "duplicate", "near_duplicate"
# Status codes as stored in an index record (one byte in Redis).
STATUS_OF_CODE = {"u": UNIQUE, "d": DUPLICATE, "n": NEAR_DUPLICATE}

SECONDS_PER_DAY = 86_400
# Chosen by benchmarks/dedup_accuracy.py: midway between the most similar pair of different
# BBC stories (a follow-up, Jaccard 0.52) and the least similar real re-edit (0.60).
RECOMMENDED_THRESHOLD = 0.55


@dataclass(frozen=True)
class IndexParams:
    """How an index decides and how long it remembers."""

    threshold: float = RECOMMENDED_THRESHOLD
    retention_seconds: int = 30 * SECONDS_PER_DAY
    bucket_cap: int = 4  # live ids kept per LSH bucket: bounds lookup cost and memory of hot buckets

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold < 1.0:
            raise ValueError(f"dedup threshold {self.threshold} is not in [0, 1)")
        if self.retention_seconds < 1:
            raise ValueError(f"dedup retention of {self.retention_seconds} s is not positive")
        if self.bucket_cap < 1:
            raise ValueError("bucket_cap must be at least 1")

    @property
    def min_matches(self) -> int:
        """Equal signature values needed for a near duplicate: the estimate must be above the threshold."""
        return math.floor(self.threshold * NUM_PERM) + 1

    @classmethod
    def from_days(cls, threshold: float, retention_days: float, bucket_cap: int = 4) -> "IndexParams":
        """Params from the settings' units (a threshold and days of retention)."""
        return cls(
            threshold=threshold,
            retention_seconds=max(1, round(retention_days * SECONDS_PER_DAY)),
            bucket_cap=bucket_cap,
        )


class DedupIndex(Protocol):
    """An index of recently seen articles that assigns each new one to a cluster."""

    def assign(self, items: Sequence[tuple[str, Fingerprint]]) -> list[DedupVerdict]:
        """Verdicts for (article id, fingerprint) pairs, decided and recorded one by one, in order."""
        ...

    def close(self) -> None:
        """Release connections; the index's content stays where it is kept."""
        ...


def cluster_id(root: str) -> str:
    """The stable id of the cluster whose first-seen article is `root`."""
    return "c-" + hashlib.blake2b(root.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def make_verdict(code: str, root: str, matches: int) -> DedupVerdict:
    """The verdict of a stored (status code, first-seen id, equal signature values) triple."""
    status = STATUS_OF_CODE[code]
    return DedupVerdict(
        status=status,
        duplicate_of=None if status == UNIQUE else root,
        similarity=round(matches / NUM_PERM, 4),
        cluster_id=cluster_id(root),
    )
