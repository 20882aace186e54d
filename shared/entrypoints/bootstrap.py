"""The composition root: the registry of stages, and settings, model, index and topics wired into them.

Every entry point builds stages here and nowhere else: `newsflow worker` (`run_worker`),
`newsflow run` and `newsflow eval` (`build_pipeline`), the benchmark and the tests. Each
builder of `STAGE_BUILDERS` takes `(settings, deps)`; `deps` carries the parts a caller
injects (a loaded spaCy model, the in-process dedup index), and a builder makes what is
not given (a worker's Redis index, its own model).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from services.dedup import app as dedup
from services.dedup.memory_index import MemoryDedupIndex
from services.entities import app as entities
from services.normalize import app as normalize
from services.quotes import app as quotes
from shared.core.settings import STAGES, Settings
from shared.core.stage import Stage, StageBuilder, StageDeps
from shared.entrypoints.pipeline import Pipeline

STAGE_BUILDERS: Mapping[str, StageBuilder] = {
    "normalize": normalize.build_stage,
    "dedup": dedup.build_stage,
    "entities": entities.build_stage,
    "quotes": quotes.build_stage,
}
assert tuple(STAGE_BUILDERS) == STAGES, "the registry lists every stage, in flow order"


def build_stage(name: str, settings: Settings, deps: StageDeps | None = None) -> Stage:
    """One stage by name, with the injected `deps` (none: the stage builds its own parts)."""
    builder = STAGE_BUILDERS.get(name)
    if builder is None:
        raise ValueError(f"unknown stage {name!r}; stages are {', '.join(STAGES)}")
    return builder(settings, deps or StageDeps())


def embedded_deps(settings: Settings, nlp: Any = None) -> StageDeps:
    """The parts of a pipeline in one process: a dedup index in memory instead of Redis, and `nlp` if given."""
    return StageDeps(nlp=nlp, dedup_index=MemoryDedupIndex(dedup.index_params(settings)))


def parse_stages(spec: str | Sequence[str] | None) -> list[str]:
    """Stage names from "normalize,dedup" (default: all); normalize always comes first."""
    if spec is None:
        return list(STAGES)
    names = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    unknown = [n for n in names if n not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; stages are {', '.join(STAGES)}")
    if "normalize" not in names:
        names.insert(0, "normalize")
    return sorted(set(names), key=STAGES.index)


def build_pipeline(
    settings: Settings, stages: str | Sequence[str] | None = None, *, nlp: Any = None, wire: bool | None = None
) -> Pipeline:
    """The embedded pipeline: the given stages (default all) in flow order, no servers.

    `wire` (default `settings.embedded_wire`) encodes and decodes between stages as workers do.
    """
    deps = embedded_deps(settings, nlp)
    return Pipeline(
        [build_stage(n, settings, deps) for n in parse_stages(stages)],
        batch_size=settings.batch_size,
        max_message_bytes=settings.max_message_bytes,
        max_input_bytes=settings.max_input_bytes("normalize"),
        wire=settings.embedded_wire if wire is None else wire,
    )


def run_worker(settings: Settings, name: str, loglevel: str = "info") -> None:
    """Build stage `name` and run one faust worker of it until SIGTERM/SIGINT; topics are created first if missing."""
    from shared.adapters.faust_runner import StageWorker, run_until_stopped
    from shared.adapters.kafka import ensure_topics, wait_for_broker
    from shared.adapters.observability.runtime import WorkerObservability

    stage = build_stage(name, settings)
    obs = WorkerObservability(settings, stage.name, settings.topics.of_stage(stage.name)[0])
    obs.start()  # /metrics, /healthz, /readyz when metrics_port is set
    try:
        wait_for_broker(settings)
        ensure_topics(settings)
        run_until_stopped(StageWorker(settings, stage, observer=obs.observer), obs, loglevel)
    finally:
        obs.close()


__all__ = ["STAGE_BUILDERS", "build_stage", "embedded_deps", "parse_stages", "build_pipeline", "run_worker"]
