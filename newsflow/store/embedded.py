"""The store in one process: `newsflow run --store news.db` writes each enriched event as it is made.

Events are written in batches (one transaction each) through the sink's core, so the embedded
store keeps the sink's rules: upserts by article id, refused articles reported with the reason.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping

from sqlalchemy.exc import SQLAlchemyError

from newsflow.store.engine import StoreUnavailable, check_sqlite_file, make_engine, store_name, unavailable
from newsflow.store.migrate import upgrade_engine
from newsflow.store.rows import article_rows
from newsflow.store.sink import store_rows
from newsflow.store.writer import StoreWriter
from shared.core.batch import DeadLetter
from shared.core.events import InvalidEvent


class EmbeddedStore:
    """Buffers enriched events and writes them `batch_size` at a time to the store at `url` (migrated first).

    A store that cannot be made, reached or written raises `StoreUnavailable`, one line naming it.
    """

    def __init__(self, url: str, batch_size: int = 64) -> None:
        check_sqlite_file(url)
        self.url = url
        self.engine = make_engine(url)
        try:
            upgrade_engine(self.engine)
        except SQLAlchemyError as err:
            self.engine.dispose()
            raise unavailable(url, err) from err
        self.writer = StoreWriter(self.engine)
        self.batch_size = max(1, batch_size)
        self._pending: list[Mapping[str, Any]] = []
        self.stored_ids: set[str] = set()  # an id given twice (a re-run, two inputs of one article) is one article

    def add(self, event: Mapping[str, Any]) -> list[DeadLetter[str]]:
        """Queue one event (its JSON object); returns the dead letters of a batch written now, if any."""
        self._pending.append(event)
        return self.flush() if len(self._pending) >= self.batch_size else []

    def flush(self) -> list[DeadLetter[str]]:
        """Write the queued events in one transaction; returns those the store refused."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        live, dead = [], []
        for event in self._pending:
            origin = str(event.get("id"))
            try:
                live.append((origin, article_rows(event, now)))
            except InvalidEvent as err:
                dead.append(DeadLetter(origin, "sink", f"invalid event: {err}"))
        self._pending = []
        try:
            stored, refused = store_rows(self.writer, live)
        except StoreUnavailable as err:
            raise StoreUnavailable(f"store {store_name(self.url)}: {err}") from err
        self.stored_ids.update(stored)
        return dead + refused

    @property
    def stored(self) -> int:
        """How many distinct articles this store has written (by id)."""
        return len(self.stored_ids)

    def close(self) -> list[DeadLetter[str]]:
        """Write what is queued and release the engine."""
        try:
            return self.flush()
        finally:
            self.engine.dispose()


__all__ = ["EmbeddedStore"]
