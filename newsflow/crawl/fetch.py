"""Polite HTTP for the crawler: robots.txt obeyed (Protego), a per-host rate limit and concurrency bound, a
named User-Agent, conditional GETs, timeouts, retries with backoff, redirects followed hop by hop (each
hop asked of robots.txt), and a size limit that stops reading.

A request that cannot give what was asked raises `Skip` with the reason and a short label (the metric's).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

import aiohttp

REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
MAX_REDIRECTS = 5
MAX_RETRY_AFTER_S = 120.0
ROBOTS_TTL_S = 3600.0
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Skip(Exception):
    """What was asked cannot be had: `reason` for the log line, `label` for the metric, `lasting` when trying
    again later would give the same answer (a 404, a disallowed path), not when it may pass (a 503)."""

    def __init__(self, reason: str, label: str, lasting: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.label = label
        self.lasting = lasting


@dataclass(frozen=True)
class Fetched:
    """A response read whole: where it ended up after redirects, its type and body, its validators."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Politeness:
    """How the fetcher treats the hosts it asks."""

    user_agent: str
    delay_s: float = 1.0
    host_concurrency: int = 2
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 2.0
    max_bytes: int = 10_485_760


class HostGate:
    """At most `concurrency` requests in flight to a host, and their starts `delay_s` apart."""

    def __init__(
        self,
        concurrency: int,
        delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.delay_s = delay_s
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._lock = asyncio.Lock()
        self._next = 0.0
        self._clock = clock
        self._sleep = sleep

    async def __aenter__(self) -> "HostGate":
        await self._slots.acquire()
        async with self._lock:  # one waiter at a time takes the next start
            wait = self._next - self._clock()
            if wait > 0:
                await self._sleep(wait)
            self._next = max(self._next, self._clock()) + self.delay_s
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()


def host_of(url: str) -> str:
    """scheme://host[:port] of a URL: what robots.txt and the rate limit are per."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Fetcher:
    """GETs through one aiohttp session, politely (see the module's docstring)."""

    def __init__(self, session: aiohttp.ClientSession, politeness: Politeness, on_retry: Callable[[], None]) -> None:
        self.session = session
        self.polite = politeness
        self.on_retry = on_retry
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, tuple[float, object]] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}

    def gate(self, host: str, crawl_delay: float | None = None) -> HostGate:
        """The gate of `host` (made on first use); robots.txt's Crawl-delay lengthens its delay."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(self.polite.host_concurrency, self.polite.delay_s)
        if crawl_delay and crawl_delay > gate.delay_s:
            gate.delay_s = crawl_delay
        return gate

    async def get(
        self, url: str, accept: tuple[str, ...] | None = None, etag: str | None = None, modified: str | None = None
    ) -> Fetched | None:
        """The response to GET `url` after redirects; None when the conditional GET says not modified.
        `accept`: the content types wanted (others raise Skip before the body is read)."""
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                raise Skip(f"not an http(s) URL: {current}", "bad_url")
            await self._allowed(current)
            headers = {"User-Agent": self.polite.user_agent}
            if hop == 0 and etag:
                headers["If-None-Match"] = etag
            if hop == 0 and modified:
                headers["If-Modified-Since"] = modified
            result = await self._request(url, current, headers, accept)
            if isinstance(result, str):
                current = result
                continue
            return result
        raise Skip(f"more than {MAX_REDIRECTS} redirects", "redirects")

    async def _request(
        self, url: str, current: str, headers: dict[str, str], accept: tuple[str, ...] | None
    ) -> Fetched | str | None:
        """One hop, retried while its failure may pass: the response, the next hop's URL, or None (304)."""
        for attempt in range(self.polite.retries + 1):
            wait = None
            try:
                async with self.gate(host_of(current)):
                    async with self.session.get(
                        current,
                        headers=headers,
                        allow_redirects=False,
                        timeout=aiohttp.ClientTimeout(total=self.polite.timeout_s),
                    ) as resp:
                        if resp.status in RETRY_STATUSES:
                            wait = _retry_after(resp.headers.get("Retry-After"))
                            failure = Skip(f"HTTP {resp.status}", f"http_{resp.status}", lasting=False)
                        else:
                            return await self._answer(url, current, resp, accept)
            except asyncio.TimeoutError:
                failure = Skip(f"timed out after {self.polite.timeout_s:g} s", "timeout", lasting=False)
            except aiohttp.ClientConnectionError as err:
                failure = Skip(f"unreachable: {err}", "unreachable", lasting=False)
            if attempt < self.polite.retries:
                self.on_retry()
                await asyncio.sleep(wait if wait is not None else self.polite.backoff_s * 2**attempt)
        raise failure

    async def _answer(
        self, url: str, current: str, resp: aiohttp.ClientResponse, accept: tuple[str, ...] | None
    ) -> Fetched | str | None:
        if resp.status in REDIRECTS and resp.headers.get("Location"):
            return urljoin(current, resp.headers["Location"])
        if resp.status == 304:
            return None
        if resp.status >= 400:
            raise Skip(f"HTTP {resp.status}", f"http_{resp.status}")
        content_type = resp.content_type.lower()
        if accept is not None and content_type not in accept:
            raise Skip(f"not HTML ({content_type or 'no content type'})", "not_html")
        limit = self.polite.max_bytes
        if (resp.content_length or 0) > limit:
            raise Skip(f"{resp.content_length} bytes, over the limit of {limit}", "too_large")
        body = bytearray()
        async for chunk in resp.content.iter_chunked(1 << 16):
            body += chunk
            if len(body) > limit:
                raise Skip(f"over the limit of {limit} bytes (stopped reading)", "too_large")
        return Fetched(
            url=url,
            final_url=current,
            status=resp.status,
            content_type=content_type,
            charset=resp.charset,
            body=bytes(body),
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
        )

    async def _allowed(self, url: str) -> None:
        """Raise Skip unless robots.txt of the URL's host lets this User-Agent fetch it."""
        robots = await self._robots_of(host_of(url))
        if robots is not None and not robots.can_fetch(url, self.polite.user_agent):
            raise Skip("disallowed by robots.txt", "robots")

    async def _robots_of(self, host: str):
        """The host's parsed robots.txt (None: no rules), fetched once an hour; its Crawl-delay applied."""
        from protego import Protego

        lock = self._robots_lock.setdefault(host, asyncio.Lock())
        async with lock:
            cached = self._robots.get(host)
            if cached is not None and time.monotonic() - cached[0] < ROBOTS_TTL_S:
                return cached[1]
            try:
                fetched = await self._robots_txt(host)
            except Skip as skip:
                if skip.label.startswith("http_4") and skip.label != "http_429":  # no robots.txt: all allowed
                    fetched = None
                elif skip.label.startswith("http_"):  # 5xx, 429: the host may be struggling; ask nothing of it
                    raise Skip(f"robots.txt answered {skip.reason}: the host is left alone", "robots") from None
                else:
                    raise
            robots = None
            if isinstance(fetched, Fetched):
                robots = Protego.parse(fetched.body.decode("utf-8", "replace"))
                self.gate(host, robots.crawl_delay(self.polite.user_agent))
            self._robots[host] = (time.monotonic(), robots)
            return robots

    async def _robots_txt(self, host: str) -> Fetched | str | None:
        """robots.txt of a host, redirects followed (http to https, say)."""
        url = host + "/robots.txt"
        fetched: Fetched | str | None = url
        for _ in range(MAX_REDIRECTS + 1):
            if not isinstance(fetched, str):
                break
            url = fetched
            fetched = await self._request(url, url, {"User-Agent": self.polite.user_agent}, None)
        return fetched


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (a number of seconds; a date is taken as none given)."""
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(value))) if value else None
    except ValueError:
        return None


__all__ = ["Fetched", "Fetcher", "HTML_TYPES", "HostGate", "Politeness", "Skip", "host_of"]
