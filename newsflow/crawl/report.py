"""What a crawl tells: one JSON log line per skipped source or page with its reason, and Prometheus counters
(served on NEWSFLOW_METRICS_PORT by `newsflow crawl`)."""

from __future__ import annotations

import logging
from collections import Counter

from prometheus_client import CollectorRegistry
from prometheus_client import Counter as PromCounter

log = logging.getLogger("newsflow.crawl")


class CrawlReport:
    """Counts of one crawler (every pass), and the log lines that explain them."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self._skipped = PromCounter(
            "newsflow_crawl_skipped",
            "Sources and pages skipped, by what (source or page) and why (the label of the reason)",
            ["what", "reason"],
            registry=self.registry,
        )
        self._sources = PromCounter(
            "newsflow_crawl_sources_read",
            "Sources read, by outcome (read, not_modified)",
            ["outcome"],
            registry=self.registry,
        )
        self._emitted = PromCounter("newsflow_crawl_articles_emitted", "Articles emitted", registry=self.registry)
        self._retries = PromCounter(
            "newsflow_crawl_retries", "Requests tried again after a failure", registry=self.registry
        )
        self.pass_counts: Counter = Counter()

    def skipped(self, what: str, url: str, reason: str, label: str, source: str | None = None) -> None:
        """A source or a page that was passed over: a warning line with its reason, and the metric."""
        self._skipped.labels(what, label).inc()
        self.pass_counts[f"skipped_{what}s"] += 1
        log.warning("skipped", extra={"what": what, "url": url, "reason": reason, "label": label, "source": source})

    def source_read(self, outcome: str) -> None:
        """A source was read (`read`) or answered not modified (`not_modified`)."""
        self._sources.labels(outcome).inc()
        self.pass_counts[f"sources_{outcome}"] += 1

    def emitted(self) -> None:
        """An article was emitted."""
        self._emitted.inc()
        self.pass_counts["emitted"] += 1

    def retried(self) -> None:
        """A request is tried again."""
        self._retries.inc()
        self.pass_counts["retries"] += 1

    def value(self, name: str, **labels: str) -> float:
        """A counter's current value (0 when never incremented)."""
        return self.registry.get_sample_value(name, labels or None) or 0.0


__all__ = ["CrawlReport"]
