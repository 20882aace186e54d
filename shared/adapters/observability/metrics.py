"""Prometheus metrics of one worker, in its own `CollectorRegistry`.

`PrometheusObserver` is the runner's `BatchObserver`: the runner calls it after every
batch, so stages stay free of metrics code. Lag gauges are set by `lag.LagRefresher`.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, PlatformCollector, ProcessCollector

from shared.core.batch import BatchObserver, BatchResult, InMessage

BATCH_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
SECONDS_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class WorkerMetrics:
    """The collectors of one worker; every series carries the `stage` label."""

    def __init__(self, stage: str, registry: CollectorRegistry | None = None, process_metrics: bool = True) -> None:
        self.stage = stage
        self.registry = registry if registry is not None else CollectorRegistry()
        if process_metrics:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
        r = self.registry
        self.processed = Counter(
            "newsflow_articles_processed", "Articles processed and produced to the output topic", ["stage"], registry=r
        )
        self.dead_lettered = Counter(
            "newsflow_articles_dead_lettered",
            "Articles sent to the dead-letter topic (invalid or rejected)",
            ["stage"],
            registry=r,
        )
        self.failed = Counter(
            "newsflow_articles_failed",
            "Articles in batches whose step failed and is retried (counted per attempt)",
            ["stage", "step"],
            registry=r,
        )
        self.batches = Counter("newsflow_batches", "Batches processed and acknowledged", ["stage"], registry=r)
        self.batches_failed = Counter(
            "newsflow_batches_failed", "Failed attempts of a batch step", ["stage", "step"], registry=r
        )
        self.batch_size = Histogram(
            "newsflow_batch_size", "Messages per batch", ["stage"], buckets=BATCH_SIZE_BUCKETS, registry=r
        )
        self.processing_seconds = Histogram(
            "newsflow_batch_processing_seconds",
            "Seconds from taking a batch to its outputs acknowledged by the broker",
            ["stage"],
            buckets=SECONDS_BUCKETS,
            registry=r,
        )
        self.last_batch = Gauge(
            "newsflow_last_batch_timestamp_seconds", "Unix time of the last batch done", ["stage"], registry=r
        )
        self.lag = Gauge(
            "newsflow_consumer_lag",
            "Messages of the input topic not yet committed, per partition",
            ["stage", "topic", "partition"],
            registry=r,
        )
        self.assigned = Gauge(
            "newsflow_consumer_assigned_partitions", "Input partitions assigned to this worker", ["stage"], registry=r
        )
        self.ready = Gauge("newsflow_worker_ready", "1 when /readyz answers 200", ["stage"], registry=r)
        for labelled in (self.processed, self.dead_lettered, self.batches, self.last_batch, self.assigned, self.ready):
            labelled.labels(stage)  # present at 0 from the start
        for step in ("process", "produce"):
            self.failed.labels(stage, step)
            self.batches_failed.labels(stage, step)
        self._lag_partitions: set[tuple[str, int]] = set()

    def set_lag(self, lags: dict[tuple[str, int], int]) -> None:
        """Replace the lag gauges with `{(topic, partition): lag}`; partitions no longer assigned are removed."""
        for topic, partition in self._lag_partitions - set(lags):
            try:
                self.lag.remove(self.stage, topic, str(partition))
            except KeyError:
                pass
        for (topic, partition), value in lags.items():
            self.lag.labels(self.stage, topic, str(partition)).set(value)
        self._lag_partitions = set(lags)
        self.assigned.labels(self.stage).set(len(lags))


class PrometheusObserver(BatchObserver):
    """Counts batches, articles, dead letters, failures and timings into `WorkerMetrics`."""

    def __init__(self, metrics: WorkerMetrics, clock: Callable[[], float] | None = None) -> None:
        self.metrics = metrics
        self._clock = clock or time.time

    def batch_done(self, stage: str, messages: Sequence[InMessage], result: BatchResult, seconds: float) -> None:
        """Count one acknowledged batch."""
        m = self.metrics
        m.processed.labels(stage).inc(len(result.outputs))
        m.dead_lettered.labels(stage).inc(len(result.dead))
        m.batches.labels(stage).inc()
        m.batch_size.labels(stage).observe(len(messages))
        m.processing_seconds.labels(stage).observe(seconds)
        m.last_batch.labels(stage).set(self._clock())

    def batch_failed(self, stage: str, step: str, messages: Sequence[InMessage], error: Exception) -> None:
        """Count one failed attempt of a batch step (it is retried)."""
        self.metrics.failed.labels(stage, step).inc(len(messages))
        self.metrics.batches_failed.labels(stage, step).inc()


__all__ = ["WorkerMetrics", "PrometheusObserver", "BATCH_SIZE_BUCKETS", "SECONDS_BUCKETS"]
