"""A local, real stack without Docker: Apache Kafka (KRaft) from Maven Central jars, and Redis.

`newsflow stack up` fetches the broker's jars with Maven on first use (cached), formats
a single-node KRaft log directory (or, with `--brokers 3`, a cluster of three combined
broker+controller nodes with a static controller quorum), starts the brokers and a
redis-server on loopback ports, and prints the settings to export. Tests use `LocalStack` with free ports.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

KAFKA_VERSION = "4.1.1"
# Kafka 4.x logs through slf4j 1.7 to log4j2; the binding is not in its POM.
LOG4J_VERSION = "2.24.3"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>newsflow</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""

_LOG4J2 = """Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        Pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Logger:
      - name: kafka
        level: WARN
      - name: org.apache.kafka
        level: WARN
      - name: kafka.server.KafkaRaftServer
        level: INFO
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
"""


# What the command line of a process we started contains.
KAFKA_MARKER = b"kafka.Kafka"
REDIS_MARKER = b"redis-server"


class StackError(RuntimeError):
    """The local stack could not be set up or started; the message says what to do."""


@dataclass(frozen=True)
class StackConfig:
    """Where the stack keeps its files and which loopback ports it listens on."""

    run_dir: Path
    cache_dir: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    redis_port: int = 6379
    postgres_port: int = 0  # the store's PostgreSQL (newsflow/devstack/postgres.py); 0: none (`stack up`: 5433)
    host: str = "127.0.0.1"
    kafka_heap: str = "512m"
    brokers: int = 1  # 3: a KRaft cluster of three combined broker+controller nodes
    # Ports of nodes 2.. of a cluster (default: kafka_port + 2, +4 ...; controller_port + 2, +4 ...)
    extra_kafka_ports: tuple[int, ...] = ()
    extra_controller_ports: tuple[int, ...] = ()

    @classmethod
    def from_env(cls, environ=None) -> "StackConfig":
        """NEWSFLOW_STACK_DIR, NEWSFLOW_CACHE_DIR, NEWSFLOW_STACK_KAFKA_PORT, NEWSFLOW_STACK_REDIS_PORT."""
        env = os.environ if environ is None else environ
        cache = Path(env.get("NEWSFLOW_CACHE_DIR", Path.home() / ".cache" / "newsflow"))
        kafka_port = int(env.get("NEWSFLOW_STACK_KAFKA_PORT", "9092"))
        return cls(
            run_dir=Path(env.get("NEWSFLOW_STACK_DIR", cache / "stack")),
            cache_dir=cache,
            kafka_port=kafka_port,
            controller_port=int(env.get("NEWSFLOW_STACK_CONTROLLER_PORT", str(kafka_port + 1))),
            redis_port=int(env.get("NEWSFLOW_STACK_REDIS_PORT", "6379")),
            postgres_port=int(env.get("NEWSFLOW_STACK_POSTGRES_PORT", "5433")),
        )

    def with_brokers(self, brokers: int | None) -> "StackConfig":
        """This config with `brokers` nodes; None: the count the last `up` in run_dir used (else 1)."""
        if brokers is None:
            try:
                brokers = int((self.run_dir / "kafka-brokers").read_text().strip())
            except (OSError, ValueError):
                brokers = 1
        if brokers < 1:
            raise StackError(f"--brokers {brokers}: give 1 or more")
        return dataclasses.replace(self, brokers=brokers)

    def nodes(self) -> list[tuple[int, int, int]]:
        """(node id, broker port, controller port) of every Kafka node."""
        out = [(1, self.kafka_port, self.controller_port)]
        for i in range(1, self.brokers):
            port = self.extra_kafka_ports[i - 1] if len(self.extra_kafka_ports) >= i else self.kafka_port + 2 * i
            cport = (
                self.extra_controller_ports[i - 1]
                if len(self.extra_controller_ports) >= i
                else self.controller_port + 2 * i
            )
            out.append((i + 1, port, cport))
        return out

    @property
    def bootstrap(self) -> str:
        """The Kafka bootstrap addresses (every broker of a cluster)."""
        return ",".join(f"{self.host}:{port}" for _, port, _ in self.nodes())

    @property
    def redis_url(self) -> str:
        """The Redis URL."""
        return f"redis://{self.host}:{self.redis_port}/0"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    """Whether something accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(
    host: str, port: int, timeout_s: float, proc: subprocess.Popen | None = None, log: Path | None = None
) -> None:
    """Block until host:port accepts connections; fail early if `proc` exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise StackError(f"process exited with {proc.returncode} before opening port {port}:\n{tail}")
        time.sleep(0.1)
    raise StackError(f"nothing listened on {host}:{port} after {timeout_s}s")


def kafka_jars(cache_dir: Path) -> Path:
    """The folder of the broker's jars, fetched from Maven Central on first use."""
    lib = cache_dir / f"kafka-{KAFKA_VERSION}" / "lib"
    done = lib / ".complete"
    if done.exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            "Maven (mvn) is needed once to fetch the Kafka jars; install it (Debian: apt-get install maven)"
        )
    work = cache_dir / f"kafka-{KAFKA_VERSION}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "pom.xml").write_text(_POM.format(kafka=KAFKA_VERSION, log4j=LOG4J_VERSION))
    proc = subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-f",
            str(work / "pom.xml"),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={lib}",
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise StackError(f"fetching Kafka {KAFKA_VERSION} jars failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    done.write_text(KAFKA_VERSION)
    return lib


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise StackError(
            "Java 17+ is needed to run the Kafka broker; install it (Debian: apt-get install openjdk-17-jre-headless)"
        )
    return java


def _read_pid(path: Path) -> int | None:
    """The live process a pid file names, if it is still ours (a pid can be reused after a reboot)."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return None  # another user's process: not one we started
    marker = KAFKA_MARKER if path.name.startswith("kafka") else REDIS_MARKER
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid  # no /proc here: trust the pid file
    return pid if marker in cmdline else None


def _stop_pid(pid_file: Path, timeout_s: float = 30.0) -> bool:
    pid = _read_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        try:  # reap it if it is our child
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


class LocalStack:
    """A Kafka broker and a Redis server started from this machine's Java, Maven and redis-server."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.kafka_dir = config.run_dir / "kafka"
        self.redis_dir = config.run_dir / "redis"
        self.kafka_pid = config.run_dir / "kafka.pid"
        self.redis_pid = config.run_dir / "redis.pid"
        self.kafka_start_s: float | None = None
        self.postgres = _postgres(config)

    # Kafka ------------------------------------------------------------------
    def _node_dir(self, node: int) -> Path:
        return self.kafka_dir if node == 1 else self.config.run_dir / f"kafka-{node}"

    def _node_pid(self, node: int) -> Path:
        return self.kafka_pid if node == 1 else self.config.run_dir / f"kafka-{node}.pid"

    def _node_port(self, node: int) -> int:
        return next(port for n, port, _ in self.config.nodes() if n == node)

    def _server_properties(self, node: int = 1) -> Path:
        c = self.config
        _, port, cport = next(n for n in c.nodes() if n[0] == node)
        replicas = str(min(3, c.brokers))
        min_isr = str(max(1, min(2, c.brokers - 1)))
        node_dir = self._node_dir(node)
        props = {
            "process.roles": "broker,controller",
            "node.id": str(node),
            "listeners": f"PLAINTEXT://{c.host}:{port},CONTROLLER://{c.host}:{cport}",
            "advertised.listeners": f"PLAINTEXT://{c.host}:{port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(node_dir / "data"),
            "num.partitions": "6",
            "offsets.topic.replication.factor": replicas,
            "offsets.topic.num.partitions": "6",
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": min_isr,
            "share.coordinator.state.topic.replication.factor": replicas,
            "share.coordinator.state.topic.min.isr": min_isr,
            "default.replication.factor": replicas,
            "min.insync.replicas": min_isr,
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
            "message.max.bytes": str(64 * 1024 * 1024),
            "log.retention.hours": "168",
        }
        if c.brokers == 1:
            props["controller.quorum.bootstrap.servers"] = f"{c.host}:{cport}"
        else:  # a static quorum of every node's controller
            props["controller.quorum.voters"] = ",".join(f"{n}@{c.host}:{cp}" for n, _, cp in c.nodes())
        path = node_dir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        (node_dir / "log4j2.yaml").write_text(_LOG4J2)
        return path

    def _kafka_cmd(self, lib: Path, main: str, *args: str, node: int = 1) -> list[str]:
        return [
            _java(),
            f"-Xmx{self.config.kafka_heap}",
            f"-Xms{self.config.kafka_heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self._node_dir(node) / 'log4j2.yaml'}",
            "-cp",
            f"{lib}/*",
            main,
            *args,
        ]

    def _cluster_id(self) -> str:
        """The cluster id every node is formatted with (kept beside the nodes' folders)."""
        path = self.config.run_dir / "kafka-cluster-id"
        if not path.exists():
            path.write_text(kafka_cluster_id())
        return path.read_text().strip()

    def _launch_node(self, lib: Path, node: int) -> subprocess.Popen | None:
        """Format (the first time) and start one node; None if it is already running."""
        pid_file, port = self._node_pid(node), self._node_port(node)
        if _read_pid(pid_file) is not None:
            return None
        if port_open(self.config.host, port):
            raise StackError(f"port {port} is taken by another process; set NEWSFLOW_STACK_KAFKA_PORT to a free one")
        node_dir = self._node_dir(node)
        node_dir.mkdir(parents=True, exist_ok=True)
        props = self._server_properties(node)
        if not (node_dir / "data" / "meta.properties").exists():
            how = ["--standalone", "-t", kafka_cluster_id()] if self.config.brokers == 1 else ["-t", self._cluster_id()]
            fmt = subprocess.run(
                self._kafka_cmd(lib, "kafka.tools.StorageTool", "format", *how, "-c", str(props), node=node),
                capture_output=True,
                text=True,
            )
            if fmt.returncode != 0:
                raise StackError(f"formatting Kafka storage failed:\n{fmt.stdout[-2000:]}\n{fmt.stderr[-2000:]}")
        with open(node_dir / "broker.log", "ab") as out:
            proc = subprocess.Popen(
                self._kafka_cmd(lib, "kafka.Kafka", str(props), node=node),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        pid_file.write_text(str(proc.pid))
        return proc

    def start_kafka(self, timeout_s: float = 120.0) -> float:
        """Start every node (formatting its storage the first time); returns seconds until all ports opened.

        The nodes of a cluster start together: a node's broker waits for a controller quorum.
        """
        lib = kafka_jars(self.config.cache_dir)
        t0 = time.monotonic()
        started = [(node, self._launch_node(lib, node)) for node, _, _ in self.config.nodes()]
        if all(proc is None for _, proc in started):
            return 0.0
        for node, proc in started:
            if proc is not None:
                wait_for_port(
                    self.config.host, self._node_port(node), timeout_s, proc, self._node_dir(node) / "broker.log"
                )
        self.kafka_start_s = time.monotonic() - t0
        return self.kafka_start_s

    def stop_kafka(self) -> bool:
        """Stop every broker (SIGTERM, then SIGKILL after 30 s)."""
        stopped = [_stop_pid(self._node_pid(node)) for node, _, _ in reversed(self.config.nodes())]
        return any(stopped)

    def restart_kafka(self, kill: bool = False) -> float:
        """Stop (or SIGKILL, as a crash would) and start the brokers on the same ports and data; seconds until they listen."""
        if kill:
            self.kill_kafka()
        else:
            self.stop_kafka()
        return self.start_kafka()

    def kill_kafka(self) -> None:
        """SIGKILL every broker, as a crash would."""
        for node, _, _ in self.config.nodes():
            _kill_pid(self._node_pid(node))

    def kill_broker(self, node: int) -> None:
        """SIGKILL one node of the cluster (its broker and controller), as a crash would."""
        _kill_pid(self._node_pid(node))

    def start_broker(self, node: int, timeout_s: float = 120.0) -> float:
        """Start one node again on its port and data; seconds until its port opened."""
        t0 = time.monotonic()
        proc = self._launch_node(kafka_jars(self.config.cache_dir), node)
        if proc is not None:
            wait_for_port(self.config.host, self._node_port(node), timeout_s, proc, self._node_dir(node) / "broker.log")
        return time.monotonic() - t0

    # Redis ------------------------------------------------------------------
    def start_redis(self, timeout_s: float = 30.0) -> None:
        """Start redis-server with append-only persistence (fsync always), so dedup state survives a crash."""
        if _read_pid(self.redis_pid) is not None:
            return
        binary = shutil.which("redis-server")
        if binary is None:
            raise StackError("redis-server not found; install it (Debian: apt-get install redis-server)")
        if port_open(self.config.host, self.config.redis_port):
            raise StackError(
                f"port {self.config.redis_port} is taken by another process; "
                "set NEWSFLOW_STACK_REDIS_PORT to a free one"
            )
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        conf = self.redis_dir / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    f"port {self.config.redis_port}",
                    f"bind {self.config.host}",
                    "protected-mode yes",
                    f"dir {self.redis_dir}",
                    "appendonly yes",
                    # fsync before replying: a verdict the dedup index returned is on disk, so a crash
                    # (even of the machine) never forgets an article whose verdict went downstream
                    "appendfsync always",
                    "save 60 1000",
                    "daemonize no",
                    f"logfile {self.redis_dir / 'redis.log'}",
                    "",
                ]
            )
        )
        proc = subprocess.Popen(
            [binary, str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.redis_pid.write_text(str(proc.pid))
        wait_for_port(self.config.host, self.config.redis_port, timeout_s, proc, self.redis_dir / "redis.log")

    def stop_redis(self) -> bool:
        """Stop Redis (SIGTERM: it writes its append-only file and exits)."""
        return _stop_pid(self.redis_pid)

    def kill_redis(self) -> None:
        """SIGKILL Redis, as a crash would."""
        _kill_pid(self.redis_pid)

    # Both -------------------------------------------------------------------
    def up(self) -> dict[str, str]:
        """Start both servers; returns the environment settings that point newsflow at them."""
        self.config.run_dir.mkdir(parents=True, exist_ok=True)
        remembered = self.config.run_dir / "kafka-brokers"
        before = remembered.read_text().strip() if remembered.exists() else "1"
        if before != str(self.config.brokers) and (self.kafka_dir / "data" / "meta.properties").exists():
            raise StackError(
                f"{self.config.run_dir} holds a {before}-broker Kafka; stop it and use another "
                f"NEWSFLOW_STACK_DIR (or delete this one) for {self.config.brokers} broker(s)"
            )
        remembered.write_text(str(self.config.brokers))
        self.start_redis()
        if self.postgres is not None:
            from newsflow.devstack.postgres import PostgresError

            try:
                self.postgres.start()
            except PostgresError as err:
                raise StackError(str(err)) from err
        self.start_kafka()
        return self.exports()

    def down(self) -> None:
        """Stop both servers (their data stays in run_dir)."""
        self.stop_kafka()
        self.stop_redis()
        if self.postgres is not None:
            self.postgres.stop()

    def status(self) -> dict[str, bool]:
        """Whether each server's process is alive and its port open."""
        c = self.config
        return {
            **{
                ("kafka" if node == 1 else f"kafka-{node}"): _read_pid(self._node_pid(node)) is not None
                and port_open(c.host, port)
                for node, port, _ in c.nodes()
            },
            "redis": _read_pid(self.redis_pid) is not None and port_open(c.host, c.redis_port),
            **({"postgres": self.postgres.running()} if self.postgres is not None else {}),
        }

    def exports(self) -> dict[str, str]:
        """NEWSFLOW_* variables for clients and workers of this stack."""
        out = {"NEWSFLOW_KAFKA_BOOTSTRAP": self.config.bootstrap, "NEWSFLOW_REDIS_URL": self.config.redis_url}
        if self.postgres is not None:
            out["NEWSFLOW_STORE_URL"] = self.postgres.config.url()
        return out


def _postgres(config: StackConfig):
    """The stack's PostgreSQL server (None when postgres_port is 0)."""
    if not config.postgres_port:
        return None
    from newsflow.devstack.postgres import LocalPostgres, PostgresConfig

    return LocalPostgres(PostgresConfig(base_dir=config.run_dir / "postgres", port=config.postgres_port))


def _kill_pid(pid_file: Path) -> None:
    pid = _read_pid(pid_file)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)
    pid_file.unlink(missing_ok=True)


def _wait_gone(pid: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def kafka_cluster_id() -> str:
    """A new KRaft cluster id: 16 random bytes, URL-safe base64 without padding (as `random-uuid` prints).

    Never one starting with "-": the storage tool would read it as an option (1 run in 64 failed).
    """
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid
