"""Liveness and readiness of a worker, and the HTTP server of /metrics, /healthz, /readyz.

The server runs in a daemon thread (stdlib `http.server`), so /metrics and /healthz answer
even when the worker's event loop is stuck; liveness is judged from a heartbeat that the
event loop writes, not from the server answering.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

log = logging.getLogger("newsflow.observability")


@dataclass
class HealthState:
    """What the probes report; written by the worker (loop and startup), read by the server thread."""

    stage: str
    stall_s: float = 30.0
    clock: Callable[[], float] = time.monotonic
    stage_loaded: bool = False
    group_joined: bool = False
    assigned: tuple[int, ...] = ()
    heartbeat: float | None = None
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def beat(self) -> None:
        """The event loop is alive (called from a timer in the loop)."""
        self.heartbeat = self.clock()

    def set_assignment(self, partitions: Iterable[int]) -> None:
        """The input partitions now assigned; called after each rebalance and lag refresh."""
        self.group_joined = True
        self.assigned = tuple(sorted(partitions))

    def liveness(self) -> tuple[bool, dict]:
        """Alive unless the event loop, once running, has not beaten for `stall_s` seconds."""
        now = self.clock()
        if self.heartbeat is None:
            return True, {
                "alive": True,
                "stage": self.stage,
                "loop": "starting",
                "uptime_s": round(now - self.started, 3),
            }
        age = now - self.heartbeat
        ok = age <= self.stall_s
        return ok, {
            "alive": ok,
            "stage": self.stage,
            "loop": "running" if ok else "stalled",
            "heartbeat_age_s": round(age, 3),
            "uptime_s": round(now - self.started, 3),
        }

    def readiness(self) -> tuple[bool, dict]:
        """Ready when the stage (and its model) is loaded, the group is joined and partitions are assigned."""
        reasons = []
        if not self.stage_loaded:
            reasons.append("stage not loaded")
        if not self.group_joined:
            reasons.append("consumer has not joined its group yet")
        elif not self.assigned:
            reasons.append("no input partitions assigned (more workers than partitions?)")
        ok = not reasons
        return ok, {
            "ready": ok,
            "stage": self.stage,
            "stage_loaded": self.stage_loaded,
            "group_joined": self.group_joined,
            "assigned_partitions": list(self.assigned),
            "reasons": reasons,
        }


def _handler(registry: CollectorRegistry, state: HealthState, on_ready: Callable[[bool], None] | None):
    class Handler(BaseHTTPRequestHandler):
        server_version = "newsflow"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, generate_latest(registry), CONTENT_TYPE_LATEST)
            elif path == "/healthz":
                ok, doc = state.liveness()
                self._send(200 if ok else 503, orjson.dumps(doc), "application/json")
            elif path == "/readyz":
                ok, doc = state.readiness()
                if on_ready:
                    on_ready(ok)
                self._send(200 if ok else 503, orjson.dumps(doc), "application/json")
            else:
                self._send(404, b'{"error": "not found; try /metrics, /healthz, /readyz"}', "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args) -> None:
            log.debug("http %s", fmt % args)

    return Handler


class HealthServer:
    """/metrics (Prometheus text format), /healthz (liveness) and /readyz (readiness) on host:port."""

    def __init__(
        self,
        host: str,
        port: int,
        registry: CollectorRegistry,
        state: HealthState,
        on_ready: Callable[[bool], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.registry = registry
        self.state = state
        self.on_ready = on_ready
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Bind and serve in a daemon thread; returns the bound port (useful with port 0)."""
        self._server = ThreadingHTTPServer((self.host, self.port), _handler(self.registry, self.state, self.on_ready))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="newsflow-health", daemon=True)
        self._thread.start()
        log.info(
            "serving /metrics, /healthz, /readyz on %s:%d", self.host, self.port, extra={"stage": self.state.stage}
        )
        return self.port

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
