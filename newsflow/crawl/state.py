"""What the crawler remembers across runs: the links it is done with (emitted, or refused for good) and each
source's validators (ETag, Last-Modified) for its next conditional GET.

In a state folder (a SQLite file: one writer, atomic commits, nothing to run) or in Redis (a set and two
hashes under a namespace) when crawls run beside the workers of the real stack.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Iterable, Protocol


class CrawlState(Protocol):
    """Links done and sources' validators."""

    def done(self, urls: Iterable[str]) -> set[str]:
        """Which of `urls` the crawler is done with."""
        ...

    def mark_done(self, urls: Iterable[str]) -> None:
        """Remember `urls` as done (after the article was emitted, or refused for good)."""
        ...

    def validators(self, source: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) a source last answered with."""
        ...

    def set_validators(self, source: str, etag: str | None, modified: str | None) -> None:
        """Keep a source's validators for its next conditional GET."""
        ...

    def close(self) -> None:
        """Release the file or the connection."""
        ...


class FileState:
    """The state in `folder`/crawl.sqlite."""

    def __init__(self, folder: str | Path) -> None:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / "crawl.sqlite"
        self._db = sqlite3.connect(self.path)
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS done (url TEXT PRIMARY KEY, at REAL);"
            "CREATE TABLE IF NOT EXISTS validators (source TEXT PRIMARY KEY, etag TEXT, modified TEXT);"
        )

    def done(self, urls: Iterable[str]) -> set[str]:
        """Which of `urls` the crawler is done with."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self._db.execute(f"SELECT url FROM done WHERE url IN ({','.join('?' * len(chunk))})", chunk)
            found.update(r[0] for r in rows)
        return found

    def mark_done(self, urls: Iterable[str]) -> None:
        """Remember `urls` as done."""
        with self._db:
            now = time.time()
            self._db.executemany("INSERT OR IGNORE INTO done VALUES (?, ?)", [(u, now) for u in urls])

    def validators(self, source: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of a source."""
        row = self._db.execute("SELECT etag, modified FROM validators WHERE source = ?", (source,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, source: str, etag: str | None, modified: str | None) -> None:
        """Keep a source's validators."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO validators VALUES (?, ?, ?)", (source, etag, modified))

    def close(self) -> None:
        """Close the file."""
        self._db.close()


class RedisState:
    """The state in Redis: `<namespace>:done` (a set of URLs), `<namespace>:etag` and `:modified` (hashes)."""

    def __init__(self, url: str, namespace: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self._done = f"{namespace}:done"
        self._etag = f"{namespace}:etag"
        self._modified = f"{namespace}:modified"

    def done(self, urls: Iterable[str]) -> set[str]:
        """Which of `urls` the crawler is done with."""
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return set()
        flags = self._redis.smismember(self._done, wanted)
        return {u for u, flag in zip(wanted, flags) if flag}

    def mark_done(self, urls: Iterable[str]) -> None:
        """Remember `urls` as done."""
        batch = list(urls)
        if batch:
            self._redis.sadd(self._done, *batch)

    def validators(self, source: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of a source."""
        etag, modified = (self._redis.hget(key, source) for key in (self._etag, self._modified))
        return (_text(etag), _text(modified))

    def set_validators(self, source: str, etag: str | None, modified: str | None) -> None:
        """Keep a source's validators."""
        pipe = self._redis.pipeline()
        for key, value in ((self._etag, etag), (self._modified, modified)):
            pipe.hset(key, source, value) if value else pipe.hdel(key, source)
        pipe.execute()

    def close(self) -> None:
        """Close the connection."""
        self._redis.close()


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


__all__ = ["CrawlState", "FileState", "RedisState"]
