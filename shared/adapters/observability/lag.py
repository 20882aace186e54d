"""Consumer lag per assigned partition: the log end offset minus the committed offset.

`compute_lag` is pure; `LagRefresher` reads the faust consumer (in the worker's event loop)
and sets the gauges and the readiness state.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Mapping

log = logging.getLogger("newsflow.observability")


def compute_lag(
    highwaters: Mapping[Any, int | None],
    committed: Mapping[Any, int | None],
    earliest: Mapping[Any, int | None] | None = None,
) -> dict[Any, int]:
    """Lag of each partition of `highwaters`: end offset minus committed (next-to-read) offset.

    A partition without a committed offset counts from its earliest offset (0 when unknown);
    lag is never negative.
    """
    earliest = earliest or {}
    out = {}
    for tp, end in highwaters.items():
        if end is None:
            continue
        start = committed.get(tp)
        if start is None:
            start = earliest.get(tp) or 0
        out[tp] = max(0, int(end) - int(start))
    return out


def committed_offsets(consumer: Any) -> Mapping[Any, int | None]:
    """The offsets faust has committed per partition (next offset to read), without inserting keys."""
    committed = getattr(consumer, "_committed_offset", None)
    return dict(committed) if committed else {}


class LagRefresher:
    """Reads the consumer's assignment, highwaters and commits; feeds `on_lag` and `on_assignment`."""

    def __init__(
        self,
        input_topic: str,
        on_lag: Callable[[dict[tuple[str, int], int]], None],
        on_assignment: Callable[[Iterable[int]], None],
    ) -> None:
        self.input_topic = input_topic
        self.on_lag = on_lag
        self.on_assignment = on_assignment

    async def refresh(self, consumer: Any) -> dict[tuple[str, int], int]:
        """One refresh; errors are logged and leave the previous values in place."""
        try:
            tps = [tp for tp in consumer.assignment() if tp.topic == self.input_topic]
            self.on_assignment(tp.partition for tp in tps)
            highwaters = await consumer.highwaters(*tps) if tps else {}
            lags = compute_lag(highwaters, committed_offsets(consumer))
        except Exception as err:  # noqa: BLE001 - metrics must never take the worker down
            log.warning(
                "consumer lag refresh failed: %s: %s", type(err).__name__, err, extra={"topic": self.input_topic}
            )
            return {}
        result = {(tp.topic, tp.partition): lag for tp, lag in lags.items()}
        self.on_lag(result)
        return result
