"""The batch core shared by the Kafka runner and the embedded pipeline: decode, process, encode.

One batch of inputs goes through three steps, each of which turns a bad input into a
`DeadLetter` (with the stage and the reason) instead of raising:

- `decode_batch`: bytes into the event type the stage reads (invalid JSON, a missing
  field, a message over the size limit: dead);
- `process_batch`: the stage's function over the events (a `Rejected` result: dead);
- `encode_batch`: each output into its wire bytes (not encodable, or over the size
  limit: dead).

`run_batch` is all three, as a worker runs them. An exception from the stage itself
(Redis down, say) propagates: the caller retries the batch rather than emit wrong results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Sequence, TypeVar

from shared.core.codec import decode_raw, encode, loads
from shared.core.events import ArticleCleaned, ArticlePublished, InvalidEvent, from_dict
from shared.core.stage import Rejected, Stage

S = TypeVar("S")  # where an input came from: an InMessage (workers) or an InputItem (embedded)


@dataclass(frozen=True)
class InMessage:
    """What the runner needs of one consumed message."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True)
class DeadLetter(Generic[S]):
    """An input a stage could not process: where it came from, the stage, and why."""

    source: S
    stage: str
    reason: str


@dataclass(frozen=True)
class Output(Generic[S]):
    """One processed input: its source, the output event, and (once encoded) its key and bytes."""

    source: S
    event: ArticleCleaned
    key: bytes = b""
    value: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class BatchResult(Generic[S]):
    """The outputs (in input order) and dead letters of one batch."""

    outputs: list[Output[S]]
    dead: list[DeadLetter[S]]


class BatchObserver:
    """Hooks a runner calls after each batch; metrics subclass it. Does nothing."""

    def batch_done(self, stage: str, messages: Sequence[InMessage], result: BatchResult, seconds: float) -> None:
        """A batch was processed and its outputs acknowledged by the broker."""

    def batch_failed(self, stage: str, step: str, messages: Sequence[InMessage], error: Exception) -> None:
        """A step of a batch failed and will be retried."""


def decode_for(stage: Stage, value: bytes | None, max_bytes: int | None) -> Any:
    """Decode message bytes into the event type the stage reads; InvalidEvent if impossible."""
    if value is None:
        raise InvalidEvent("message has no value (tombstone)")
    if stage.reads is ArticlePublished:
        return decode_raw(value, max_bytes)
    return from_dict(stage.reads, loads(value, max_bytes))


def decode_batch(
    stage: Stage, inputs: Sequence[tuple[S, bytes | None]], max_bytes: int | None
) -> tuple[list[tuple[S, Any]], list[DeadLetter[S]]]:
    """The inputs that decode into the stage's event type, and dead letters for the others."""
    live: list[tuple[S, Any]] = []
    dead: list[DeadLetter[S]] = []
    for source, value in inputs:
        try:
            live.append((source, decode_for(stage, value, max_bytes)))
        except InvalidEvent as err:
            dead.append(DeadLetter(source, stage.name, f"invalid event: {err}"))
        except Exception as err:  # noqa: BLE001 - decoding is pure: a retry could never succeed
            dead.append(DeadLetter(source, stage.name, f"invalid event: {type(err).__name__}: {err}"))
    return live, dead


def process_batch(
    stage: Stage, live: Sequence[tuple[S, Any]]
) -> tuple[list[tuple[S, ArticleCleaned]], list[DeadLetter[S]]]:
    """The stage's function over the events; a `Rejected` result becomes a dead letter."""
    results = stage.process([event for _, event in live]) if live else []
    if len(results) != len(live):
        raise RuntimeError(f"stage {stage.name} returned {len(results)} results for {len(live)} events")
    done: list[tuple[S, ArticleCleaned]] = []
    dead: list[DeadLetter[S]] = []
    for (source, _), result in zip(live, results):
        if isinstance(result, Rejected):
            dead.append(DeadLetter(source, stage.name, f"{stage.name} failed: {result.reason}"))
        else:
            done.append((source, result))
    return done, dead


def encode_batch(
    stage: Stage, done: Sequence[tuple[S, ArticleCleaned]], max_bytes: int | None
) -> tuple[list[Output[S]], list[DeadLetter[S]]]:
    """The wire bytes of each output, keyed by article id; one not encodable or over `max_bytes` is dead."""
    outputs: list[Output[S]] = []
    dead: list[DeadLetter[S]] = []
    for source, event in done:
        try:
            value = encode(event)
        except (TypeError, ValueError) as err:  # orjson: nesting too deep, unserialisable value
            dead.append(
                DeadLetter(source, stage.name, f"{stage.name} output cannot be encoded: {type(err).__name__}: {err}")
            )
            continue
        if max_bytes is not None and len(value) > max_bytes:
            dead.append(
                DeadLetter(
                    source, stage.name, f"{stage.name} output of {len(value)} bytes exceeds the limit of {max_bytes}"
                )
            )
            continue
        outputs.append(Output(source, event, event.id.encode("utf-8"), value))
    return outputs, dead


def run_batch(
    stage: Stage, inputs: Sequence[tuple[S, bytes | None]], max_bytes: int | None, max_input_bytes: int | None = None
) -> BatchResult[S]:
    """Decode, process and encode one batch, as a worker does; bad inputs become dead letters.

    Inputs may be up to `max_input_bytes` (default `max_bytes`: normalize reads whole pages), outputs up to `max_bytes`.
    """
    live, dead_in = decode_batch(stage, inputs, max_bytes if max_input_bytes is None else max_input_bytes)
    done, dead_stage = process_batch(stage, live)
    outputs, dead_out = encode_batch(stage, done, max_bytes)
    return BatchResult(outputs, dead_in + dead_stage + dead_out)


__all__ = [
    "InMessage",
    "DeadLetter",
    "Output",
    "BatchResult",
    "BatchObserver",
    "decode_for",
    "decode_batch",
    "process_batch",
    "encode_batch",
    "run_batch",
]
