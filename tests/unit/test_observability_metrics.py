"""Worker metrics: the observer's counters, lag per partition, liveness and readiness."""

import asyncio
from collections import namedtuple

from prometheus_client import generate_latest

from shared.adapters.observability.health import HealthState
from shared.adapters.observability.lag import LagRefresher, compute_lag
from shared.adapters.observability.metrics import PrometheusObserver, WorkerMetrics
from shared.core.batch import BatchResult, DeadLetter, InMessage, Output

TP = namedtuple("TP", "topic partition")


def _messages(n, partition=0):
    return [InMessage("raw", partition, i, f"a{i}".encode(), b"{}") for i in range(n)]


def value(metrics, name, **labels):
    return metrics.registry.get_sample_value(name, {"stage": metrics.stage, **labels})


def test_series_exist_at_zero_before_any_batch():
    m = WorkerMetrics("normalize", process_metrics=False)
    assert value(m, "newsflow_articles_processed_total") == 0
    assert value(m, "newsflow_articles_dead_lettered_total") == 0
    assert value(m, "newsflow_articles_failed_total", step="process") == 0
    assert value(m, "newsflow_consumer_assigned_partitions") == 0
    assert b"newsflow_batch_processing_seconds" in generate_latest(m.registry)


def test_observer_counts_outputs_dead_letters_sizes_and_seconds():
    m = WorkerMetrics("dedup", process_metrics=False)
    obs = PrometheusObserver(m, clock=lambda: 1234.0)
    msgs = _messages(5)
    result = BatchResult(
        [Output(m, None, m.key, b"{}") for m in msgs[:3]],  # type: ignore[arg-type]
        [DeadLetter(msgs[3], "dedup", "bad"), DeadLetter(msgs[4], "dedup", "worse")],
    )
    obs.batch_done("dedup", msgs, result, 0.03)
    obs.batch_done("dedup", msgs[:1], BatchResult([Output(msgs[0], None, b"a0", b"{}")], []), 2.0)  # type: ignore[arg-type]
    assert value(m, "newsflow_articles_processed_total") == 4
    assert value(m, "newsflow_articles_dead_lettered_total") == 2
    assert value(m, "newsflow_batches_total") == 2
    assert value(m, "newsflow_batch_size_count") == 2 and value(m, "newsflow_batch_size_sum") == 6
    assert value(m, "newsflow_batch_size_bucket", le="4.0") == 1  # the batch of 1
    assert value(m, "newsflow_batch_processing_seconds_bucket", le="0.05") == 1
    assert value(m, "newsflow_batch_processing_seconds_sum") == 2.03
    assert value(m, "newsflow_last_batch_timestamp_seconds") == 1234.0


def test_observer_counts_failed_attempts_per_step():
    m = WorkerMetrics("entities", process_metrics=False)
    obs = PrometheusObserver(m)
    obs.batch_failed("entities", "process", _messages(4), RuntimeError("redis down"))
    obs.batch_failed("entities", "process", _messages(4), RuntimeError("redis down"))
    obs.batch_failed("entities", "produce", _messages(2), RuntimeError("broker down"))
    assert value(m, "newsflow_articles_failed_total", step="process") == 8
    assert value(m, "newsflow_articles_failed_total", step="produce") == 2
    assert value(m, "newsflow_batches_failed_total", step="process") == 2


def test_lag_is_end_minus_committed_and_never_negative():
    a, b, c, d = TP("t", 0), TP("t", 1), TP("t", 2), TP("t", 3)
    lag = compute_lag({a: 10, b: 5, c: 7, d: None}, {a: 4, b: 9, c: None}, earliest={c: 2})
    assert lag == {a: 6, b: 0, c: 5}
    assert compute_lag({a: 3}, {}) == {a: 3}


def test_lag_gauges_follow_the_assignment():
    m = WorkerMetrics("quotes", process_metrics=False)
    m.set_lag({("t", 0): 3, ("t", 1): 0})
    assert value(m, "newsflow_consumer_lag", topic="t", partition="0") == 3
    assert value(m, "newsflow_consumer_assigned_partitions") == 2
    m.set_lag({("t", 1): 2})
    assert value(m, "newsflow_consumer_lag", topic="t", partition="0") is None
    assert value(m, "newsflow_consumer_lag", topic="t", partition="1") == 2


class FakeConsumer:
    def __init__(self, assignment, highwaters, committed):
        self._assignment = assignment
        self._highwaters = highwaters
        self._committed_offset = committed

    def assignment(self):
        return set(self._assignment)

    async def highwaters(self, *tps):
        return {tp: self._highwaters[tp] for tp in tps}


def test_lag_refresher_reads_only_the_input_topic_and_reports_the_assignment():
    m = WorkerMetrics("normalize", process_metrics=False)
    state = HealthState("normalize")
    refresher = LagRefresher("raw", m.set_lag, state.set_assignment)
    consumer = FakeConsumer(
        [TP("raw", 0), TP("raw", 2), TP("other", 0)], {TP("raw", 0): 8, TP("raw", 2): 4}, {TP("raw", 0): 8}
    )
    lags = asyncio.run(refresher.refresh(consumer))
    assert lags == {("raw", 0): 0, ("raw", 2): 4}
    assert state.assigned == (0, 2) and state.group_joined


def test_lag_refresher_survives_consumer_errors():
    class Broken:
        def assignment(self):
            raise RuntimeError("consumer not started")

    refresher = LagRefresher("raw", lambda lags: None, lambda parts: None)
    assert asyncio.run(refresher.refresh(Broken())) == {}


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_liveness_is_ok_while_starting_and_fails_when_the_loop_stalls():
    clock = Clock()
    state = HealthState("entities", stall_s=30, clock=clock)
    assert state.liveness()[0] and state.liveness()[1]["loop"] == "starting"
    state.beat()
    clock.now += 29
    assert state.liveness()[0]
    clock.now += 2
    ok, doc = state.liveness()
    assert not ok and doc["loop"] == "stalled" and doc["heartbeat_age_s"] == 31


def test_readiness_needs_the_stage_the_group_and_partitions():
    state = HealthState("dedup")
    ok, doc = state.readiness()
    assert not ok and "stage not loaded" in doc["reasons"]
    state.stage_loaded = True
    assert "consumer has not joined its group yet" in state.readiness()[1]["reasons"]
    state.set_assignment([])
    ok, doc = state.readiness()
    assert not ok and "no input partitions" in doc["reasons"][0]
    state.set_assignment([3, 1])
    ok, doc = state.readiness()
    assert ok and doc["assigned_partitions"] == [1, 3] and doc["reasons"] == []
