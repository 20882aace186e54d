"""Helpers of the fault-injection tests (tests/integration/test_faults_*.py): articles, watchers, checks.

Not a test module. `TopicWatcher` reads topics incrementally from the beginning with
kafka-python (no group, no commits), so a test can wait for progress without re-reading.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import orjson
from data import news_corpus
from kafka.structs import TopicPartition

from shared.adapters.kafka import Publisher, consumer
from shared.core.settings import Settings


def corpus_articles(n: int, tag: str) -> list[dict]:
    """`n` distinct generated news articles of BBC length (tests/data/news_corpus.py), ids unique to `tag`."""
    return news_corpus.articles(n, tag)


class TopicWatcher:
    """Reads topics from the beginning, incrementally; keeps every record's (key, value, headers)."""

    def __init__(self, settings: Settings, topics: Iterable[str]) -> None:
        self.topics = list(topics)
        self.records: dict[str, list] = defaultdict(list)
        self._consumer = consumer(settings, "newsflow-test-watcher", auto_offset_reset="earliest")
        parts = []
        deadline = time.monotonic() + 30
        for t in self.topics:
            while not self._consumer.partitions_for_topic(t):
                assert time.monotonic() < deadline, f"topic {t} does not exist"
                self._consumer.poll(timeout_ms=200)  # refresh metadata
                time.sleep(0.1)
            parts += [TopicPartition(t, p) for p in sorted(self._consumer.partitions_for_topic(t))]
        self._consumer.assign(parts)
        self._consumer.seek_to_beginning(*parts)

    def poll(self, timeout_ms: int = 500) -> None:
        """Fetch what arrived since the last poll."""
        for tp, msgs in self._consumer.poll(timeout_ms=timeout_ms, max_records=5000).items():
            self.records[tp.topic].extend(msgs)

    def count(self, topic: str) -> int:
        return len(self.records[topic])

    def ids(self, topic: str) -> Counter:
        """How many times each key (article id) arrived on `topic`."""
        return Counter(r.key.decode("utf-8", "surrogatepass") for r in self.records[topic] if r.key is not None)

    def values(self, topic: str) -> list[dict]:
        return [orjson.loads(r.value) for r in self.records[topic]]

    def wait(self, predicate, what: str, timeout_s: float, watch=(), on_tick=None) -> None:
        """Poll until `predicate(self)` holds; fail with `what` and the counts after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while not predicate(self):
            if time.monotonic() > deadline:
                counts = {t: self.count(t) for t in self.topics}
                raise AssertionError(f"timed out after {timeout_s}s waiting for {what}; counts {counts}")
            for w in watch:
                if not w.alive():
                    raise AssertionError(f"worker {w.stage} died:\n{w.log()[-4000:]}")
            if on_tick:
                on_tick()
            self.poll()

    def close(self) -> None:
        self._consumer.close()


class PacedPublisher(threading.Thread):
    """Publishes articles at a steady rate in the background, so faults hit a flow in progress."""

    def __init__(self, settings: Settings, articles: list[dict], per_second: float, topic: str | None = None) -> None:
        super().__init__(daemon=True, name="paced-publisher")
        self.settings, self.articles, self.per_second = settings, articles, per_second
        self.topic = topic  # default: the raw topic
        self.sent = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Publisher(self.settings, self.topic) as pub:
                t0 = time.monotonic()
                futures = []
                for i, a in enumerate(self.articles):
                    futures.append(pub.publish(a))
                    self.sent = i + 1
                    ahead = t0 + (i + 1) / self.per_second - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)  # pacing only, not a timing assertion
                pub.flush()
                for f in futures:
                    f.get(timeout=120)
        except BaseException as err:  # noqa: BLE001 - reported by join_ok
            self.error = err

    def join_ok(self, timeout_s: float = 300) -> None:
        self.join(timeout_s)
        assert not self.is_alive(), "publisher did not finish"
        assert self.error is None, f"publisher failed: {self.error!r}"


def without_trace(event: dict) -> dict:
    """An event without its timings: what must be identical when an article is delivered twice."""
    return {k: v for k, v in event.items() if k != "trace"}


def assert_redeliveries_identical(watcher: TopicWatcher, topic: str) -> int:
    """Every id that arrived more than once on `topic` carries identical content; returns the repeat count."""
    by_id: dict[str, list[dict]] = defaultdict(list)
    for r in watcher.records[topic]:
        by_id[r.key.decode()].append(without_trace(orjson.loads(r.value)))
    repeats = 0
    for aid, copies in by_id.items():
        repeats += len(copies) - 1
        for c in copies[1:]:
            diff = sorted(k for k in set(c) | set(copies[0]) if c.get(k) != copies[0].get(k))
            assert c == copies[0], f"{topic}: re-delivered {aid} differs in {diff}"
    return repeats


def wait_group_stable(settings: Settings, stage: str, members: int, timeout_s: float = 120.0, watch=()) -> None:
    """Until the stage's consumer group is Stable with `members` members holding its input partitions."""
    from shared.adapters.kafka import wait_for_group

    watch = list(watch)
    try:
        wait_for_group(
            settings,
            settings.group_id(stage),
            settings.topics.of_stage(stage)[0],
            members,
            timeout_s=timeout_s,
            alive=lambda: all(w.alive() for w in watch),
        )
    except RuntimeError:
        dead = next(w for w in watch if not w.alive())
        raise AssertionError(dead.log()[-4000:]) from None
    except TimeoutError as err:
        raise AssertionError(str(err)) from None


def log_has(path: Path, needle: str) -> bool:
    return needle in path.read_text(errors="replace")


def header(record, name: str) -> str | None:
    """A header of a kafka-python ConsumerRecord as text, or None."""
    for k, v in record.headers or ():
        if k == name:
            return v.decode("utf-8", "replace") if v is not None else None
    return None


def wrong_copy_verdicts(copies: list[dict], verdicts: dict[str, dict], suffix: str = "-copy") -> list:
    """Copies (id = original id + suffix, same text) whose verdict is not "duplicate of" the original's cluster root."""
    wrong = []
    for c in copies:
        original = c["id"][: -len(suffix)]
        root = verdicts[original]["duplicate_of"] or original  # the corpus has duplicates of its own
        v = verdicts[c["id"]]
        if v["status"] != "duplicate" or v["duplicate_of"] != root:
            wrong.append((c["id"], v))
    return wrong


def deduped_events(settings: Settings, articles: list[dict]) -> list:
    """The articles as the dedup stage emits them (embedded normalize and dedup): input for an entities worker."""
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import InputItem
    from shared.core.codec import dumps

    pipeline = build_pipeline(settings, ["normalize", "dedup"])
    try:
        return pipeline.run_batch([InputItem(f"bbc:{i}", dumps(a)) for i, a in enumerate(articles)])
    finally:
        pipeline.close()
