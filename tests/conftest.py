"""Shared fixtures: a real local stack (Kafka KRaft + Redis) for integration and e2e tests.

The stack is started once per test session on free loopback ports, from the same code
as `newsflow stack up`. Set NEWSFLOW_TEST_KAFKA_BOOTSTRAP and NEWSFLOW_TEST_REDIS_URL to
use servers you already run instead. Every test gets its own topics, groups and keys.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterable

import orjson
import pytest

from shared.core.settings import Settings, Topics

REPO = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO.parent / "shared"
ARTIFACTS = REPO / "test-artifacts"
DATA = REPO / "tests" / "data"

# In the tests the embedded pipeline encodes, size-checks and decodes between stages as workers
# do; `newsflow run` subprocesses inherit it, and test settings set it below.
os.environ.setdefault("NEWSFLOW_EMBEDDED_WIRE", "1")


@dataclasses.dataclass
class StackInfo:
    bootstrap: str
    redis_url: str
    stack: object | None  # newsflow.devstack.stack.LocalStack when the tests started it
    kafka_start_s: float | None = None


_STACK_INFO: StackInfo | None = None


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterable[StackInfo]:
    """A running Kafka broker and Redis server for the whole session."""
    global _STACK_INFO
    bootstrap = os.environ.get("NEWSFLOW_TEST_KAFKA_BOOTSTRAP")
    redis_url = os.environ.get("NEWSFLOW_TEST_REDIS_URL")
    if bootstrap and redis_url:
        _STACK_INFO = StackInfo(bootstrap, redis_url, None)
        yield _STACK_INFO
        return
    from newsflow.devstack.stack import LocalStack, StackConfig, free_port
    from shared.adapters.kafka import wait_for_broker

    cache = Path(os.environ.get("NEWSFLOW_CACHE_DIR", Path.home() / ".cache" / "newsflow"))
    kafka_port = free_port()
    config = StackConfig(
        run_dir=tmp_path_factory.mktemp("stack"),
        cache_dir=cache,
        kafka_port=kafka_port,
        controller_port=free_port(),
        redis_port=free_port(),
    )
    local = LocalStack(config)
    local.up()
    wait_for_broker(Settings(kafka_bootstrap=config.bootstrap))
    _STACK_INFO = StackInfo(config.bootstrap, config.redis_url, local, local.kafka_start_s)
    try:
        yield _STACK_INFO
    finally:
        local.down()


def pytest_terminal_summary(terminalreporter):
    if _STACK_INFO and _STACK_INFO.kafka_start_s is not None:
        terminalreporter.write_line(
            f"newsflow: Kafka broker (KRaft) port open {_STACK_INFO.kafka_start_s:.1f}s after start"
        )


def isolated_settings(stack: StackInfo, tmp_path: Path, **overrides) -> Settings:
    """Settings of one test: its own topics, consumer groups, dedup namespace and state dir."""
    tag = uuid.uuid4().hex[:10]
    topics = Topics(**{f.name: f"t{tag}.{getattr(Topics(), f.name)}" for f in dataclasses.fields(Topics)})
    base = dict(
        kafka_bootstrap=stack.bootstrap,
        redis_url=stack.redis_url,
        topics=topics,
        group_prefix=f"nf{tag}",
        dedup_namespace=f"nf{tag}:dedup",
        state_dir=str(tmp_path / "state"),
        batch_timeout_s=0.1,
        embedded_wire=True,
    )
    base.update(overrides)
    return Settings(**base)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a `newsflow` subprocess use `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(settings.to_env())
    env["PYTHONUNBUFFERED"] = "1"
    return env


class WorkerProcess:
    """A `newsflow worker STAGE` subprocess with its log in a file."""

    def __init__(self, stage: str, settings: Settings, log_dir: Path, name: str | None = None) -> None:
        self.stage = stage
        self.log_path = log_dir / f"worker-{name or stage}-{uuid.uuid4().hex[:6]}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsflow.cli", "worker", stage],
            env=settings_env(settings),
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def terminate(self, timeout_s: float = 60.0) -> int:
        """SIGTERM and wait for a graceful exit."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def workers(tmp_path):
    """Start worker subprocesses: `workers(stage, settings)`; all are stopped after the test."""
    started: list[WorkerProcess] = []

    def start(stage: str, settings: Settings, name: str | None = None) -> WorkerProcess:
        w = WorkerProcess(stage, settings, tmp_path, name)
        started.append(w)
        return w

    yield start
    for w in started:
        w.terminate()


def collect(
    settings: Settings, topic: str, expected: int, timeout_s: float = 120.0, watch: Iterable[WorkerProcess] = ()
) -> list:
    """Read `topic` from the beginning until `expected` messages arrived (or the deadline passes)."""
    from shared.adapters.kafka import tail

    got = []
    deadline = time.monotonic() + timeout_s
    while len(got) < expected and time.monotonic() < deadline:
        got = list(tail(settings, topic, from_beginning=True, timeout_s=2.0))
        for w in watch:
            if not w.alive():
                raise AssertionError(f"worker {w.stage} died:\n{w.log()[-4000:]}")
    return got


def decode_values(records) -> list[dict]:
    """The JSON values of records."""
    return [orjson.loads(r.value) for r in records]


# --- the store's PostgreSQL (issue 19) --------------------------------------------------------


@dataclasses.dataclass
class PostgresInfo:
    admin_url: str  # a database the tests may connect to for CREATE/DROP DATABASE
    server: object | None  # newsflow.devstack.postgres.LocalPostgres when the tests started it

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server."""
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{database}"


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory) -> Iterable[PostgresInfo]:
    """A PostgreSQL server for the session: NEWSFLOW_TEST_STORE_URL, else a throwaway one started like `stack up`."""
    given = os.environ.get("NEWSFLOW_TEST_STORE_URL")
    if given:
        from newsflow.store.engine import store_url

        yield PostgresInfo(store_url(given), None)
        return
    from newsflow.devstack.postgres import LocalPostgres, PostgresConfig
    from newsflow.devstack.stack import free_port

    server = LocalPostgres(
        PostgresConfig(base_dir=tmp_path_factory.mktemp("postgres") / "postgres", port=free_port(), throwaway=True)
    )
    server.start()
    try:
        yield PostgresInfo(server.config.url("postgres"), server)
    finally:
        server.destroy()


@pytest.fixture
def postgres_url(postgres_server) -> Iterable[str]:
    """The URL of a new, empty database of this test alone (dropped after it)."""
    import psycopg

    name = f"t{uuid.uuid4().hex[:16]}"
    dsn = postgres_server.admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
