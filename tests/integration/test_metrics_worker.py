"""One worker with its metrics port on the real broker: /metrics, /healthz, /readyz and JSON logs."""

import time
import urllib.error
import urllib.request

import orjson
import pytest
from conftest import collect, isolated_settings
from prometheus_client.parser import text_string_to_metric_families

from newsflow.devstack.stack import free_port
from shared.adapters.kafka import Publisher, ensure_topics

pytestmark = pytest.mark.integration


def get(url: str) -> tuple[int, bytes]:
    """Status and body of a GET (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def samples(base: str) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    status, body = get(base + "/metrics")
    assert status == 200
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def wait_until(predicate, what: str, worker, timeout_s: float = 90.0):
    """Poll `predicate` until it returns a truthy value; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        assert worker.alive(), f"worker died:\n{worker.log()[-4000:]}"
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}\n{worker.log()[-3000:]}")


def test_worker_serves_metrics_health_and_readiness_and_counts_articles(stack, tmp_path, workers):
    port = free_port()
    settings = isolated_settings(stack, tmp_path, metrics_port=port, metrics_lag_interval_s=0.5)
    ensure_topics(settings)
    worker = workers("normalize", settings)
    base = f"http://127.0.0.1:{port}"

    wait_until(lambda: _status(base + "/healthz") == 200, "/healthz", worker)
    ready = wait_until(lambda: _ready(base), "/readyz 200", worker)
    assert ready["stage_loaded"] and ready["group_joined"]
    assert sorted(ready["assigned_partitions"]) == list(range(settings.partitions))
    assert get(base + "/nope")[0] == 404

    before = samples(base)
    stage = (("stage", "normalize"),)
    assert before[("newsflow_articles_processed_total", stage)] == 0
    assert before[("newsflow_articles_dead_lettered_total", stage)] == 0

    with Publisher(settings) as pub:
        pub.publish_many([{"id": f"m-{i}", "body": f"Story number {i} is here."} for i in range(5)])
        pub.publish(b"not json at all {", key=b"broken-1").get(timeout=30)
    assert len(collect(settings, settings.topics.clean, 5, watch=[worker])) == 5

    def counted():
        s = samples(base)
        done = (
            s[("newsflow_articles_processed_total", stage)] == 5
            and s[("newsflow_articles_dead_lettered_total", stage)] == 1
        )
        return s if done else None

    after = wait_until(counted, "processed=5 and dead_lettered=1", worker)
    assert after[("newsflow_batch_size_count", stage)] >= 1
    assert after[("newsflow_batch_size_sum", stage)] == 6
    assert after[("newsflow_batch_processing_seconds_count", stage)] >= 1
    assert after[("newsflow_articles_failed_total", (("stage", "normalize"), ("step", "process")))] == 0
    assert after[("newsflow_consumer_assigned_partitions", stage)] == settings.partitions

    def lag_settled():
        s = samples(base)
        lag = {dict(labels)["partition"]: v for (name, labels), v in s.items() if name == "newsflow_consumer_lag"}
        return lag if len(lag) == settings.partitions and sum(lag.values()) == 0 else None

    lag = wait_until(lag_settled, "a lag gauge per partition, all 0 after commit", worker)
    assert sorted(lag, key=int) == [str(p) for p in range(settings.partitions)]
    lag_labels = {labels for (name, labels), _ in samples(base).items() if name == "newsflow_consumer_lag"}
    assert all(dict(labels)["topic"] == settings.topics.raw for labels in lag_labels)
    assert samples(base)[("newsflow_worker_ready", stage)] == 1

    # logs are JSON lines; the dead letter carries stage, topic, partition, offset and article id
    records = [orjson.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    assert records, worker.log()[-2000:]
    assert all(r.get("stage") == "normalize" for r in records)
    (dead,) = [r for r in records if r["message"].startswith("dead letter")]
    assert dead["topic"] == settings.topics.raw and dead["article_id"] == "broken-1"
    assert isinstance(dead["partition"], int) and isinstance(dead["offset"], int)
    assert dead["level"] == "warning" and "not JSON" in dead["reason"]


def _status(url: str) -> int | None:
    try:
        return get(url)[0]
    except OSError:
        return None


def _ready(base: str) -> dict | None:
    try:
        status, body = get(base + "/readyz")
    except OSError:
        return None
    return orjson.loads(body) if status == 200 else None
