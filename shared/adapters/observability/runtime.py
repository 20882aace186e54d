"""Wires metrics, lag, health and JSON logs into one worker's faust app.

`newsflow.bootstrap.run_worker` builds a `WorkerObservability` from the settings,
passes its `observer` to the `StageWorker`, calls `start()` first (probes answer while the broker is awaited),
`attach(app)` before the faust worker starts and `close()` after.
"""

from __future__ import annotations

from typing import Any

from shared.adapters.observability.health import HealthServer, HealthState
from shared.adapters.observability.lag import LagRefresher
from shared.adapters.observability.logjson import logging_config
from shared.adapters.observability.metrics import PrometheusObserver, WorkerMetrics
from shared.core.settings import Settings

HEARTBEAT_S = 1.0


class WorkerObservability:
    """Metrics, probes and lag refresh of one worker of `stage`, configured by `settings`."""

    def __init__(self, settings: Settings, stage: str, input_topic: str) -> None:
        self.settings = settings
        self.stage = stage
        self.metrics = WorkerMetrics(stage)
        self.observer = PrometheusObserver(self.metrics)
        self.state = HealthState(stage)
        self.lag = LagRefresher(input_topic, self.metrics.set_lag, self.state.set_assignment)
        self.server: HealthServer | None = None
        if settings.metrics_port:
            self.server = HealthServer(
                settings.metrics_host, settings.metrics_port, self.metrics.registry, self.state, on_ready=self._on_ready
            )

    def _on_ready(self, ok: bool) -> None:
        self.metrics.ready.labels(self.stage).set(1 if ok else 0)

    def logging_config(self, loglevel: str) -> dict | None:
        """The logging config for `faust.Worker(logging_config=...)`: JSON lines, or None for faust's text."""
        if self.settings.log_format.lower() != "json":
            return None
        return logging_config(loglevel, {"stage": self.stage})

    def start(self) -> int | None:
        """Serve /metrics, /healthz, /readyz when `metrics_port` is set; returns the bound port."""
        self.state.stage_loaded = True  # the stage (and its model) is built before the worker runs
        return self.server.start() if self.server is not None else None

    def attach(self, app: Any) -> None:
        """Register the heartbeat and lag timers and the rebalance hook on the faust app."""

        @app.timer(HEARTBEAT_S, name=f"newsflow.{self.stage}.heartbeat")
        async def heartbeat() -> None:
            self.state.beat()

        @app.timer(self.settings.metrics_lag_interval_s, name=f"newsflow.{self.stage}.lag")
        async def refresh_lag() -> None:
            await self.lag.refresh(app.consumer)

        async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
            self.state.set_assignment(tp.partition for tp in assigned if tp.topic == self.lag.input_topic)

        app.on_partitions_assigned.connect(on_assigned, weak=False)
        self._on_assigned = on_assigned

    def close(self) -> None:
        """Stop the HTTP server."""
        if self.server is not None:
            self.server.stop()
