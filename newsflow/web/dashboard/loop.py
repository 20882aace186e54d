"""A daemon thread around one Kafka client that reconnects after a failure (the dashboard's follower and poller)."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("newsflow.dashboard")


class ClientLoop:
    """Opens a client, calls `step(client)` until `stop()`; a failing step is recorded in `error`, the client
    is closed, and a new one is opened after `retry_s`. Subclasses give `open_client` and `step`."""

    what = "client loop"

    def __init__(self, name: str, retry_s: float) -> None:
        self.retry_s = retry_s
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def open_client(self) -> Any:
        """A new client (called in the thread)."""
        raise NotImplementedError

    def step(self, client: Any) -> float:
        """One turn with the client; returns the seconds to wait before the next."""
        raise NotImplementedError

    def failed(self, error: str) -> None:
        """Called after a failed step, with the error as text."""

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        client = None
        while not self._stop.is_set():
            try:
                if client is None:
                    client = self.open_client()
                pause = self.step(client)
                self.error = None
            except Exception as err:  # noqa: BLE001 - shown on the page; retried with a new client
                self.error = f"{type(err).__name__}: {err}"
                log.warning("%s failed: %s", self.what, self.error)
                self.failed(self.error)
                _close_quietly(client)
                client, pause = None, self.retry_s
            if pause > 0:
                self._stop.wait(pause)
        if client is not None:
            client.close()


def _close_quietly(client: Any) -> None:
    if client is None:
        return
    try:
        client.close()
    except Exception:  # noqa: BLE001 - the client is being replaced after a failure already logged
        pass
