"""The error of an event no stage can process (its own module, so that events and parse share it)."""

from __future__ import annotations


class InvalidEvent(ValueError):
    """An event that no stage can process; `str(err)` is the reason sent to the DLQ."""


__all__ = ["InvalidEvent"]
