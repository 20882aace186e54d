"""Structured logs: one JSON object a line, with the runner's context fields.

The runner passes `extra={"topic": ..., "partition": ..., "offset": ..., "article_id": ...}`;
`StaticFields` adds what is fixed for the process (the stage).
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from typing import Any, Mapping

import orjson

_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: ts, level, logger, message, context fields, exception.

    Context fields are every `extra=` attribute that is not None (stage, topic, partition,
    offset, article_id, ...); values JSON cannot hold are written with `repr`.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line (no trailing newline)."""
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _RESERVED or key.startswith("_") or value is None:
                continue
            doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(doc, default=repr, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


class StaticFields(logging.Filter):
    """Adds fixed fields (e.g. the stage) to every record that does not carry them already."""

    def __init__(self, fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__()
        self.fields = dict(fields or {}, **kwargs)

    def filter(self, record: logging.LogRecord) -> bool:
        """Set the missing fields; never drops a record."""
        for key, value in self.fields.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def logging_config(level: str | int, fields: Mapping[str, Any] | None = None, stream: Any = None) -> dict:
    """A `logging.config.dictConfig` dict: the root logger writes JSON lines to `stream` (stderr)."""
    level_name = logging.getLevelName(level) if isinstance(level, int) else str(level).upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"static": {"()": StaticFields, "fields": dict(fields or {})}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["static"],
                "stream": stream if stream is not None else sys.stderr,
            }
        },
        "root": {"level": level_name, "handlers": ["default"]},
    }


def message_fields(topic: str, partition: int, offset: int, key: bytes | None) -> dict[str, Any]:
    """The `extra=` fields of one consumed message; the key is the article id (Kafka key = id)."""
    return {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "article_id": key.decode("utf-8", "replace")[:200] if key else None,
    }
