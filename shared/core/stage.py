"""What a stage is: a pure batch function from one event type to the next.

Kafka, files and Redis connections live in the runners (`newsflow.runners.faust_worker`,
`newsflow.runners.pipeline`); a stage only sees events and the parts its composition root gave it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

from shared.core.events import ArticleCleaned, InvalidEvent
from shared.core.settings import Settings

In = TypeVar("In")
Out = TypeVar("Out", bound=ArticleCleaned)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rejected:
    """A stage could not process one event; `reason` goes to the dead-letter topic."""

    reason: str


@dataclass(frozen=True)
class Stage(Generic[In, Out]):
    """A named step of the flow: `process` maps a batch of `reads` events to outputs or Rejected, in order."""

    name: str
    reads: type
    process: Callable[[Sequence[In]], Sequence[Out | Rejected]]
    close: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class StageDeps:
    """The heavy parts the composition root (`newsflow.bootstrap`) builds and injects into stage builders.

    A builder never loads a model or opens a connection: it takes what is here, and a stage that needs
    a part it was not given fails at build time with a clear error.

    Typed loosely on purpose: the core never imports a service, and each builder checks what it takes.
    """

    nlp: Any = None  # the loaded English spaCy pipeline (entities)
    nlp_fr: Callable[[], Any] | None = (
        None  # returns the French pipeline (entities; called on the first French article)
    )
    dedup_index: Any = None  # a `services.dedup.index.DedupIndex`: Redis in workers, in memory embedded


StageBuilder = Callable[[Settings, StageDeps], Stage]


def per_item(fn: Callable[[In], Out]) -> Callable[[Sequence[In]], list[Out | Rejected]]:
    """A batch function that applies `fn` to each event; an exception rejects that event alone."""

    def process(events: Sequence[In]) -> list[Out | Rejected]:
        out: list[Out | Rejected] = []
        for event in events:
            try:
                out.append(fn(event))
            except Exception as err:  # one bad article must not take the batch down
                # a refusal (InvalidEvent) is expected: the runner reports its dead letter with the reason
                level = logging.INFO if isinstance(err, InvalidEvent) else logging.WARNING
                log.log(level, "rejected article %s: %s: %s", _article_id(event), type(err).__name__, err)
                out.append(Rejected(f"{type(err).__name__}: {err}"))
        return out

    return process


def isolate_failures(
    batch_fn: Callable[[Sequence[In]], list[Out | Rejected]],
    one_fn: Callable[[Sequence[In]], list[Out | Rejected]] | None = None,
) -> Callable[[Sequence[In]], list[Out | Rejected]]:
    """Run `batch_fn` on the whole batch; if it raises, run each event alone so only the bad one is rejected."""
    one = one_fn or batch_fn

    def process(events: Sequence[In]) -> list[Out | Rejected]:
        try:
            return batch_fn(events)
        except Exception as err:
            log.warning("batch of %d failed (%s: %s); retrying one by one", len(events), type(err).__name__, err)
        out: list[Out | Rejected] = []
        for event in events:
            try:
                out.extend(one([event]))
            except Exception as err:
                log.warning("rejected article %s: %s: %s", _article_id(event), type(err).__name__, err)
                out.append(Rejected(f"{type(err).__name__}: {err}"))
        return out

    return process


def _article_id(event: object) -> str | None:
    return getattr(event, "id", None)


class Stopwatch:
    """Milliseconds since construction; used for each stage's `trace` entry."""

    __slots__ = ("_t0",)

    def __init__(self) -> None:
        self._t0 = time.perf_counter()

    def ms(self) -> float:
        """Elapsed milliseconds."""
        return (time.perf_counter() - self._t0) * 1000.0


__all__ = ["Stage", "StageDeps", "StageBuilder", "Rejected", "per_item", "isolate_failures", "Stopwatch"]
