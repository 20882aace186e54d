"""Per-stage throughput and lag from the consumer groups' committed offsets (kafka-python), the store's sink
(group `<prefix>-sink` on the enriched topic) after the four stages.

`StageSeries` is pure (it turns successive offset readings into series); `KafkaOffsets`
reads the broker; `StatsPoller` runs the reading in a thread every `dashboard_poll_s`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Mapping

from newsflow.web.dashboard.loop import ClientLoop
from shared.adapters import kafka
from shared.core.settings import STAGES, Settings

SINK = "sink"
#: What the live page charts: the stages, then the sink that writes the enriched topic into the store.
STAGES_AND_SINK = (*STAGES, SINK)


def input_topic(settings: Settings, stage: str) -> str:
    """The topic a stage (or the sink) consumes."""
    return settings.topics.enriched if stage == SINK else settings.topics.of_stage(stage)[0]


@dataclass(frozen=True)
class StageReading:
    """One reading of a stage: committed offsets summed over its input partitions, lag, end offsets."""

    committed: int
    lag: int
    end: int


class StageSeries:
    """Throughput (committed articles per second) and lag per stage over the last `points` readings."""

    def __init__(self, stages=STAGES_AND_SINK, points: int = 150) -> None:
        self.stages = tuple(stages)
        self.throughput: dict[str, deque[tuple[float, float]]] = {s: deque(maxlen=points) for s in self.stages}
        self.lag: dict[str, deque[tuple[float, float]]] = {s: deque(maxlen=points) for s in self.stages}
        self._last: dict[str, tuple[float, int]] = {}
        self.latest: dict[str, StageReading] = {}
        self.dead_letters = 0
        self._lock = threading.Lock()

    def add(self, t: float, readings: Mapping[str, StageReading], dead_letters: int | None = None) -> None:
        """Record the readings taken at unix time `t`."""
        with self._lock:
            for stage, r in readings.items():
                if stage not in self.throughput:
                    continue
                prev = self._last.get(stage)
                if prev is not None and t > prev[0]:
                    self.throughput[stage].append((t, max(0, r.committed - prev[1]) / (t - prev[0])))
                elif prev is None:
                    self.throughput[stage].append((t, 0.0))
                self.lag[stage].append((t, float(r.lag)))
                self._last[stage] = (t, r.committed)
                self.latest[stage] = r
            if dead_letters is not None:
                self.dead_letters = dead_letters

    def snapshot(self) -> dict:
        """Copies of the series and the latest readings."""
        with self._lock:
            return {
                "throughput": {s: list(v) for s, v in self.throughput.items()},
                "lag": {s: list(v) for s, v in self.lag.items()},
                "latest": dict(self.latest),
                "dead_letters": self.dead_letters,
            }


def stage_reading(
    committed: Mapping[int, int | None], ends: Mapping[int, int], beginnings: Mapping[int, int] | None = None
) -> StageReading:
    """A stage's reading from per-partition committed and end offsets (a partition never committed counts from its beginning)."""
    beginnings = beginnings or {}
    total_committed = total_lag = 0
    for p, end in ends.items():
        c = committed.get(p)
        start = c if c is not None and c >= 0 else beginnings.get(p, 0)
        total_committed += start
        total_lag += max(0, end - start)
    return StageReading(total_committed, total_lag, sum(ends.values()))


class KafkaOffsets:
    """Reads the stages' committed offsets (admin) and their input topics' end offsets (consumer)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._admin = kafka.admin_client(settings, "newsflow-dashboard")
        self._consumer = kafka.consumer(settings, "newsflow-dashboard-offsets")

    def _partitions(self, topic: str):
        return kafka.partitions_now(self._consumer, topic)

    def read(self) -> tuple[dict[str, StageReading], int]:
        """{stage: reading} and the dead-letter topic's message count (end minus beginning offsets)."""
        readings = {}
        for stage in STAGES_AND_SINK:
            topic = input_topic(self.settings, stage)
            tps = self._partitions(topic)
            if not tps:
                continue
            ends = {tp.partition: off for tp, off in self._consumer.end_offsets(tps).items()}
            begins = {tp.partition: off for tp, off in self._consumer.beginning_offsets(tps).items()}
            group = self.settings.group_id(stage)
            offsets = self._admin.list_group_offsets({group: tps}).get(group, {})
            committed = {
                tp.partition: (om.offset if om is not None else None) for tp, om in offsets.items() if tp.topic == topic
            }
            readings[stage] = stage_reading(committed, ends, begins)
        dlq = self._partitions(self.settings.topics.dlq)
        dead = 0
        if dlq:
            ends = self._consumer.end_offsets(dlq)
            begins = self._consumer.beginning_offsets(dlq)
            dead = sum(ends[tp] - begins.get(tp, 0) for tp in dlq)
        return readings, dead

    def close(self) -> None:
        """Close the clients."""
        self._consumer.close()
        self._admin.close()


class StatsPoller(ClientLoop):
    """A daemon thread that adds a reading to `series` every `interval_s` until `stop()`."""

    what = "stage stats poll"

    def __init__(
        self,
        series: StageSeries,
        source_factory: Callable[[], KafkaOffsets],
        interval_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__("newsflow-dashboard-stats", interval_s)
        self.series = series
        self.source_factory = source_factory
        self.interval_s = interval_s
        self.clock = clock

    def open_client(self) -> KafkaOffsets:
        """A new offsets reader."""
        return self.source_factory()

    def step(self, source: KafkaOffsets) -> float:
        """One reading into the series."""
        readings, dead = source.read()
        self.series.add(self.clock(), readings, dead)
        return self.interval_s
