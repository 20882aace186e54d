"""A Redis master with replicas and a Sentinel on free loopback ports, for the failover test.

Not a test module. Every server persists with `appendonly yes` / `appendfsync always`, as the
stack's Redis does. The Sentinel binary is `redis-sentinel` (Debian package) or, where only
redis-server is installed, `redis-server --sentinel` (the same program).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis

from newsflow.devstack.stack import free_port, wait_for_port

MASTER_NAME = "newsflow"


def _sentinel_command(conf: Path) -> list[str]:
    exe = shutil.which("redis-sentinel")
    if exe:
        return [exe, str(conf)]
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is not installed")
    return [server, str(conf), "--sentinel"]


class RedisReplicaSet:
    """One master, `replicas` replicas and one Sentinel watching them (quorum 1)."""

    def __init__(self, root: Path, replicas: int = 2) -> None:
        self.root = root
        self.ports = [free_port() for _ in range(replicas + 1)]
        self.sentinel_port = free_port()
        self.procs: dict[int, subprocess.Popen] = {}

    def _start_server(self, port: int, replica_of: int | None) -> None:
        workdir = self.root / f"redis-{port}"
        workdir.mkdir(parents=True, exist_ok=True)
        conf = workdir / "redis.conf"
        lines = [
            f"port {port}",
            "bind 127.0.0.1",
            f"dir {workdir}",
            "appendonly yes",
            "appendfsync always",
            'save ""',
            f"logfile {workdir / 'redis.log'}",
        ]
        if replica_of is not None and not conf.exists():
            lines.append(f"replicaof 127.0.0.1 {replica_of}")
        if not conf.exists():
            conf.write_text("\n".join(lines) + "\n")  # Sentinel rewrites it on failover: keep its version
        proc = subprocess.Popen(
            ["redis-server", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.procs[port] = proc
        wait_for_port("127.0.0.1", port, 20, proc, workdir / "redis.log")

    def start(self) -> None:
        """Start the master, its replicas (in sync before this returns) and the Sentinel."""
        master, *replicas = self.ports
        self._start_server(master, None)
        for port in replicas:
            self._start_server(port, master)
        self._wait(
            lambda: (
                redis.Redis(port=master).info("replication")["connected_slaves"] == len(replicas)
                and all(redis.Redis(port=p).info("replication").get("master_link_status") == "up" for p in replicas)
            ),
            "replicas in sync",
            30,
        )
        conf = self.root / "sentinel.conf"
        conf.write_text(
            "\n".join(
                [
                    f"port {self.sentinel_port}",
                    "bind 127.0.0.1",
                    f"dir {self.root}",
                    f"logfile {self.root / 'sentinel.log'}",
                    f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master} 1",
                    f"sentinel down-after-milliseconds {MASTER_NAME} 1000",
                    f"sentinel failover-timeout {MASTER_NAME} 10000",
                    f"sentinel parallel-syncs {MASTER_NAME} 1",
                    "",
                ]
            )
        )
        proc = subprocess.Popen(
            _sentinel_command(conf), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.procs[self.sentinel_port] = proc
        wait_for_port("127.0.0.1", self.sentinel_port, 20, proc, self.root / "sentinel.log")
        self._wait(
            lambda: len(self._sentinel().sentinel_slaves(MASTER_NAME)) == len(replicas),
            "the Sentinel to see the replicas",
            30,
        )

    def _sentinel(self) -> redis.Redis:
        return redis.Redis(port=self.sentinel_port, socket_timeout=2)

    @property
    def sentinels(self) -> str:
        """NEWSFLOW_REDIS_SENTINELS of this set."""
        return f"127.0.0.1:{self.sentinel_port}"

    def master_port(self) -> int:
        """The port of the master the Sentinel names now."""
        _, port = self._sentinel().sentinel_get_master_addr_by_name(MASTER_NAME)
        return int(port)

    def kill_master(self) -> int:
        """SIGKILL the current master, as a crash would; returns its port."""
        port = self.master_port()
        proc = self.procs.pop(port)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return port

    def restart(self, port: int) -> None:
        """Start a killed server again on its port and data (Sentinel turns an old master into a replica)."""
        self._start_server(port, None)

    def wait_replicas(self, count: int, timeout_s: float = 60) -> None:
        """Until the current master has `count` replicas in sync."""
        self._wait(
            lambda: redis.Redis(port=self.master_port()).info("replication")["connected_slaves"] >= count,
            f"{count} replica(s) of the new master",
            timeout_s,
        )

    def wait_failover(self, old_port: int, timeout_s: float = 60) -> int:
        """Until the Sentinel names a new master; returns its port."""
        self._wait(lambda: self.master_port() != old_port, "the Sentinel to promote a replica", timeout_s)
        return self.master_port()

    @staticmethod
    def _wait(predicate, what: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if predicate():
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout_s}s waiting for {what}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop every server this set started."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
