"""The articles the dashboard has seen: bounded, upserted by id, versioned; thread-safe."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class ArticleStore:
    """Keeps the latest `max_articles` enriched events by id, in arrival order.

    At-least-once delivery means an article can arrive twice: the later copy replaces the
    earlier one in place. `version` grows with every change, so pollers can tell when to
    re-render.
    """

    def __init__(self, max_articles: int = 200) -> None:
        self.max_articles = max(1, max_articles)
        self._lock = threading.Lock()
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._seq = 0
        self.version = 0
        self.received = 0

    def add(self, event: dict[str, Any]) -> None:
        """Insert or replace one enriched event (it needs an `id`); the oldest fall out past the bound."""
        article_id = str(event.get("id"))
        with self._lock:
            self.received += 1
            if article_id in self._items:
                seq = self._items[article_id]["_seq"]
            else:
                self._seq += 1
                seq = self._seq
            self._items[article_id] = dict(event, _seq=seq)
            while len(self._items) > self.max_articles:
                self._items.popitem(last=False)
            self.version += 1

    def snapshot(self) -> tuple[int, list[dict[str, Any]]]:
        """The version and the articles, oldest first (each with `_seq`, its arrival number)."""
        with self._lock:
            return self.version, list(self._items.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
