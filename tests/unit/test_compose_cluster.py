"""docker-compose.cluster.yml, the replicated override: three KRaft nodes, a Redis replica and a Sentinel."""

import json
import subprocess

import pytest
from test_observability_compose import COMPOSE, KNOWN_ENV, REPO, compose_command

from shared.core.settings import STAGES

CLUSTER = REPO / "docker-compose.cluster.yml"


@pytest.fixture(scope="module")
def override() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML (test extra) parses the compose files")
    return yaml.safe_load(CLUSTER.read_text())


def test_three_kafka_nodes_form_one_quorum_with_replicated_internal_topics(override):
    services = override["services"]
    nodes = [services[n]["environment"] for n in ("kafka", "kafka-2", "kafka-3")]
    assert [n["KAFKA_NODE_ID"] for n in nodes] == [1, 2, 3]
    assert {n["KAFKA_CONTROLLER_QUORUM_VOTERS"] for n in nodes} == {"1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"}
    for n in nodes:
        assert n["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 3 and n["KAFKA_MIN_INSYNC_REPLICAS"] == 2


def test_workers_know_every_broker_and_the_sentinel(override):
    for name in (*STAGES, "dashboard", "publish", "tail"):
        env = override["services"][name]["environment"]
        assert env["NEWSFLOW_KAFKA_BOOTSTRAP"] == "kafka:9092,kafka-2:9092,kafka-3:9092"
        assert env["NEWSFLOW_REDIS_SENTINELS"] == "redis-sentinel:26379"
        assert not {k for k in env if k.startswith("NEWSFLOW_")} - KNOWN_ENV
    assert "--replicaof" in override["services"]["redis-replica"]["command"]


def test_docker_compose_config_accepts_the_override():
    cmd = compose_command()
    if cmd is None:
        pytest.skip("no Compose v2 CLI here (docker compose plugin or docker-compose binary)")
    out = subprocess.run(
        cmd + ["-f", str(COMPOSE), "-f", str(CLUSTER), "--profile", "tools", "config", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    services = json.loads(out.stdout)["services"]
    assert {"kafka-2", "kafka-3", "redis-replica", "redis-sentinel", *STAGES} <= set(services)
    dedup = services["dedup"]["environment"]
    assert dedup["NEWSFLOW_REDIS_MIN_REPLICAS"] == "1" and dedup["NEWSFLOW_METRICS_PORT"] == "9100"  # merged
