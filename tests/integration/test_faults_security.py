"""Security settings from the environment on real servers: Redis with a password, Kafka with SASL/PLAIN.

A Redis started with `requirepass` serves the dedup worker whose NEWSFLOW_REDIS_URL
carries the password; a second Kafka broker with only a SASL_PLAINTEXT listener serves
`Publisher`, `tail` and a faust worker configured by NEWSFLOW_KAFKA_SECURITY_PROTOCOL,
_SASL_MECHANISM, _SASL_USERNAME and _SASL_PASSWORD. No secret appears in a worker's log
(at DEBUG) or in `repr(Settings)`; a wrong password fails loudly without printing it.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from conftest import isolated_settings
from faults_support import TopicWatcher

from newsflow.devstack.stack import LocalStack, StackConfig, free_port, wait_for_port
from shared.adapters.kafka import Publisher, ensure_topics, tail, wait_for_broker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REDIS_PASSWORD = "r3dis-Secr3t-6f1c"
KAFKA_PASSWORD = "k4fka-Secr3t-92ab"


@pytest.fixture
def redis_with_password(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            REDIS_PASSWORD,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port("127.0.0.1", port, 20, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def test_redis_password_from_the_url_works_and_is_never_printed(stack, tmp_path, workers, redis_with_password):
    port = redis_with_password
    settings = isolated_settings(
        stack, tmp_path, redis_url=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0", log_level="DEBUG"
    )
    assert REDIS_PASSWORD not in repr(settings) and REDIS_PASSWORD not in str(settings)
    ensure_topics(settings)
    running = [workers("normalize", settings), workers("dedup", settings)]
    with Publisher(settings) as pub:
        pub.publish_many({"id": f"pw-{i}", "body": f"Story {i} about the vote."} for i in range(5))
    watcher = TopicWatcher(settings, [settings.topics.deduped])
    watcher.wait(
        lambda w: len(w.ids(settings.topics.deduped)) == 5,
        "5 verdicts through the password Redis",
        timeout_s=120,
        watch=running,
    )
    watcher.close()
    wrong = isolated_settings(
        stack, tmp_path, redis_url=f"redis://:not-{REDIS_PASSWORD}@127.0.0.1:{port}/0", log_level="DEBUG"
    )
    bad = workers("dedup", wrong, name="dedup-wrong-password")
    try:
        bad.proc.wait(60)
    except subprocess.TimeoutExpired:
        pass
    assert not bad.alive(), "a worker with a wrong Redis password must fail at start"
    assert "Authentication" in bad.log() or "invalid username-password" in bad.log() or "WRONGPASS" in bad.log(), (
        bad.log()[-2000:]
    )
    for w in running + [bad]:
        assert REDIS_PASSWORD not in w.log(), f"{w.stage} worker printed the Redis password"


class _SaslStack(LocalStack):
    """A second single-node broker whose client listener accepts only SASL_PLAINTEXT (PLAIN)."""

    def _server_properties(self, node: int = 1):
        path = super()._server_properties(node)
        c = self.config
        jaas = (
            'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" '
            f'password="{KAFKA_PASSWORD}" user_admin="{KAFKA_PASSWORD}" user_newsflow="{KAFKA_PASSWORD}";'
        )
        props = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        props.update(
            {
                "listeners": f"SASL_PLAINTEXT://{c.host}:{c.kafka_port},CONTROLLER://{c.host}:{c.controller_port}",
                "advertised.listeners": f"SASL_PLAINTEXT://{c.host}:{c.kafka_port}",
                "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name": "SASL_PLAINTEXT",
                "sasl.enabled.mechanisms": "PLAIN",
                "sasl.mechanism.inter.broker.protocol": "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config": jaas,
            }
        )
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        return path


@pytest.fixture
def sasl_broker(tmp_path):
    import os
    from pathlib import Path

    cache = Path(os.environ.get("NEWSFLOW_CACHE_DIR", Path.home() / ".cache" / "newsflow"))
    local = _SaslStack(
        StackConfig(
            run_dir=tmp_path / "sasl",
            cache_dir=cache,
            kafka_port=free_port(),
            controller_port=free_port(),
            redis_port=free_port(),
            kafka_heap="384m",
        )
    )
    local.config.run_dir.mkdir(parents=True)
    local.start_kafka()
    try:
        yield local.config.bootstrap
    finally:
        local.kill_kafka()  # a throwaway broker: no need for a controlled shutdown


def test_kafka_sasl_plain_publish_worker_and_tail_with_the_password_never_printed(
    stack, tmp_path, workers, sasl_broker
):
    sasl = dict(
        kafka_bootstrap=sasl_broker,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="newsflow",
        kafka_sasl_password=KAFKA_PASSWORD,
        log_level="DEBUG",
    )
    settings = isolated_settings(stack, tmp_path, **sasl)
    assert KAFKA_PASSWORD not in repr(settings)
    wait_for_broker(settings, timeout_s=60)
    ensure_topics(settings)
    worker = workers("normalize", settings)
    with Publisher(settings) as pub:
        pub.publish_many({"id": f"sasl-{i}", "body": f"CMSD\nStory {i}.\nB.Chan--ThChM"} for i in range(5))
    deadline = time.monotonic() + 120
    got = []
    while len(got) < 5 and time.monotonic() < deadline:
        assert worker.alive(), worker.log()[-3000:]
        got = list(tail(settings, settings.topics.clean, from_beginning=True, timeout_s=2))
    assert sorted(r.key for r in got) == [f"sasl-{i}".encode() for i in range(5)], "normalized through SASL"
    rc = worker.terminate(timeout_s=60)  # before the broker fixture goes away
    assert rc == 0, worker.log()[-3000:]
    assert KAFKA_PASSWORD not in worker.log(), "the worker printed the SASL password"
