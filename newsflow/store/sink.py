"""The sink's batch core: decode enriched events, store them in one transaction, isolate refused ones.

Error policy (the caller is the sink worker or `newsflow run --store`):
- an event the store refuses — not JSON, not an enriched article, a newer schema version, or
  a database error of that article alone (integrity, a value the database cannot hold: a NUL
  character in PostgreSQL text, too large) — is a `DeadLetter` with the reason. When a batch's
  transaction fails with such an error, the batch is rolled back and written again one
  article per transaction, so only the bad one is dead;
- a store outage (connection lost or refused, the database shutting down, a lock timeout)
  raises `StoreUnavailable` (newsflow.store.engine's): the caller retries the whole batch, never skips it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Sequence, TypeVar, cast

from sqlalchemy import exc as sa_exc

from newsflow.store.engine import StoreUnavailable, error_line
from newsflow.store.rows import ArticleRows, article_rows
from newsflow.store.writer import StoreWriter
from shared.core.batch import BatchResult, DeadLetter, Output
from shared.core.codec import loads
from shared.core.events import InvalidEvent

S = TypeVar("S")
STAGE = "sink"
log = logging.getLogger("newsflow.sink")

# Errors that one article's data causes: retrying cannot help, so that article is dead.
REFUSED = (sa_exc.IntegrityError, sa_exc.DataError)


def decode_event(value: bytes | None, max_bytes: int | None, stored_at: datetime) -> ArticleRows:
    """The store rows of one message value; InvalidEvent with the reason if it is not a storable event."""
    if value is None:
        raise InvalidEvent("message has no value (tombstone)")
    return article_rows(loads(value, max_bytes), stored_at)


def _is_refusal(err: Exception) -> bool:
    return isinstance(err, REFUSED) and not getattr(err, "connection_invalidated", False)


def store_rows(writer: StoreWriter, live: Sequence[tuple[S, ArticleRows]]) -> tuple[list[S], list[DeadLetter[S]]]:
    """Write `live` in one transaction; on a refusal, one article per transaction. Returns (stored, dead)."""
    if not live:
        return [], []
    try:
        writer.write_rows([rows for _, rows in live])
        return [source for source, _ in live], []
    except REFUSED as err:
        if not _is_refusal(err):
            raise StoreUnavailable(f"{type(err).__name__}: {error_line(err)}") from err
        log.warning("batch of %d refused (%s); writing one by one", len(live), type(err).__name__)
    except sa_exc.SQLAlchemyError as err:
        raise StoreUnavailable(f"{type(err).__name__}: {error_line(err)}") from err
    stored: list[S] = []
    dead: list[DeadLetter[S]] = []
    for source, rows in live:
        try:
            writer.write_rows([rows])
            stored.append(source)
        except REFUSED as err:
            if not _is_refusal(err):
                raise StoreUnavailable(f"{type(err).__name__}: {error_line(err)}") from err
            reason = f"store refused article {rows.id!r}: {type(err).__name__}: {error_line(err)}"
            dead.append(DeadLetter(source, STAGE, reason))
        except sa_exc.SQLAlchemyError as err:
            raise StoreUnavailable(f"{type(err).__name__}: {error_line(err)}") from err
    return stored, dead


def store_batch(writer: StoreWriter, inputs: Sequence[tuple[S, bytes | None]], max_bytes: int | None) -> BatchResult[S]:
    """Decode and store one batch of message values; outputs are the stored inputs (their event: the JSON object)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    live: list[tuple[S, ArticleRows]] = []
    dead: list[DeadLetter[S]] = []
    for source, value in inputs:
        try:
            live.append((source, decode_event(value, max_bytes, now)))
        except InvalidEvent as err:
            dead.append(DeadLetter(source, STAGE, f"invalid event: {err}"))
    stored, refused = store_rows(writer, live)
    events = {id(source): rows.article["event"] for source, rows in live}
    outputs = [Output(source, cast(Any, events[id(source)])) for source in stored]
    return BatchResult(outputs, dead + refused)


__all__ = ["STAGE", "REFUSED", "StoreUnavailable", "decode_event", "store_rows", "store_batch"]
