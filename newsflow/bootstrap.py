"""The composition root: the registry of stages, and the settings, models, indexes and topics wired into them.

Every entry point builds stages here and nowhere else: `newsflow worker` (`run_worker`),
`newsflow run` and `newsflow eval` (`build_pipeline`), the process pool of `newsflow run --jobs`,
the benchmark and the tests. This module builds the heavy parts (spaCy models, the Redis dedup
index) and hands them to each builder of `STAGE_BUILDERS` as `StageDeps`; a builder never loads a
model or opens a connection. Tests call the same functions with in-memory parts (`nlp=`, `dedup_index=`).
"""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from newsflow.runners.pipeline import Pipeline
from services.dedup import app as dedup
from services.dedup.memory_index import MemoryDedupIndex
from services.entities import app as entities
from services.normalize import app as normalize
from services.quotes import app as quotes
from shared.core.settings import STAGES, Settings
from shared.core.stage import Stage, StageBuilder, StageDeps

STAGE_BUILDERS: Mapping[str, StageBuilder] = {
    "normalize": normalize.build_stage,
    "dedup": dedup.build_stage,
    "entities": entities.build_stage,
    "quotes": quotes.build_stage,
}
assert tuple(STAGE_BUILDERS) == STAGES, "the registry lists every stage, in flow order"


def load_english_model(settings: Settings) -> Any:
    """The English spaCy pipeline the entities stage runs (`settings.model`: NER and the parser the
    parse scope needs), loaded once per process."""
    return entities.load_pipeline(settings)


def build_deps(
    settings: Settings,
    stages: Sequence[str],
    *,
    embedded: bool,
    nlp: Any = None,
    dedup_index: Any = None,
) -> StageDeps:
    """The parts `stages` need: spaCy models for entities (`nlp` if given, else `settings.model` loaded now;
    French on first use), and for dedup `dedup_index` if given, else an in-memory index (`embedded`) or
    the Redis index at `settings.redis_url`, connected now."""
    if "entities" in stages:
        if nlp is None:
            nlp = load_english_model(settings)
        french = _french_loader(settings)
    else:
        french = None
    if "dedup" in stages and dedup_index is None:
        params = dedup.index_params(settings)
        if embedded:
            dedup_index = MemoryDedupIndex(params)
        else:
            from services.dedup.redis_index import connect  # only workers need the redis client

            dedup_index = connect(settings, params)
    return StageDeps(nlp=nlp, nlp_fr=french, dedup_index=dedup_index)


def _french_loader(settings: Settings) -> Any:
    def load() -> Any:
        return entities.load_pipeline(settings, "fr")

    return load


def settle_heap() -> None:
    """Collect the garbage of start-up, then leave every object alive now out of later collections.

    What a process holds once its stages are built (the spaCy model, lexicons, the attribution model)
    lives as long as the process: Python's full collections walked all of it again and again while the
    stages made their short-lived events, 0.6 ms per article in the embedded pipeline (docs/performance.md).
    Objects freed by reference counting are freed as before; a cycle among the objects alive at this call is
    collected only when it is called again (what an earlier call froze is unfrozen and collected first, so a
    process that builds many pipelines, as the tests do, leaks none). Called by each entry point once its
    stages are built.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def build_stage(name: str, settings: Settings, deps: StageDeps | None = None) -> Stage:
    """One stage by name, with `deps` (none: the parts a worker of it needs, built now: Redis, the model)."""
    builder = STAGE_BUILDERS.get(name)
    if builder is None:
        raise ValueError(f"unknown stage {name!r}; stages are {', '.join(STAGES)}")
    return builder(settings, deps if deps is not None else build_deps(settings, [name], embedded=False))


def embedded_deps(settings: Settings, stages: Sequence[str] = STAGES, nlp: Any = None) -> StageDeps:
    """The parts of `stages` in one process: a dedup index in memory instead of Redis, the model (`nlp` if given)."""
    return build_deps(settings, stages, embedded=True, nlp=nlp)


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
    names = parse_stages(stages)
    deps = embedded_deps(settings, names, nlp)
    pipeline = Pipeline(
        [build_stage(n, settings, deps) for n in names],
        batch_size=settings.batch_size,
        max_message_bytes=settings.max_message_bytes,
        max_input_bytes=settings.max_input_bytes("normalize"),
        wire=settings.embedded_wire if wire is None else wire,
    )
    settle_heap()
    return pipeline


# `newsflow store reprocess` re-runs these on stored articles; dedup's verdict stays as stored (run again over an
# archive, it would find each article's own first copy and call it a duplicate of itself).
REPROCESS_STAGES = ("normalize", "entities", "quotes")
# What the output of the stages depends on besides their code: these settings, and the model's version.
REPROCESS_SETTINGS = ("model", "model_fr", "parse_scope", "default_language", "max_body_chars", "max_raw_bytes")
_DATA_SUFFIXES = (".py", ".json", ".txt", ".tsv", ".csv")


def build_reprocess_stages(
    settings: Settings, builders: Mapping[str, StageBuilder] | None = None, nlp: Any = None
) -> dict[str, Stage]:
    """The stages `newsflow store reprocess` runs, built once (the model: `nlp` if given, else loaded now).
    `builders` replaces stage builders by name (a test's quotes stage that attributes otherwise)."""
    table = {**STAGE_BUILDERS, **(builders or {})}
    deps = embedded_deps(settings, REPROCESS_STAGES, nlp)
    stages = {n: table[n](settings, deps) for n in REPROCESS_STAGES}
    settle_heap()
    return stages


def _model_version(model: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(model)
    except (metadata.PackageNotFoundError, ValueError):  # a model folder: its meta.json says
        meta = Path(model) / "meta.json"
        if meta.is_file():
            import json

            return str(json.loads(meta.read_text(encoding="utf-8")).get("version", "?"))
        return "?"


def reprocess_version(settings: Settings, builders: Mapping[str, StageBuilder] | None = None) -> str:
    """What the stages of `build_reprocess_stages` make depends on, in one line: the model and its version, and a
    digest of the stages' code and data (rules, lexicons, attribution models), the settings they read and any
    builder replaced. Another version of any of these is another version of the output."""
    import shared.core
    import shared.lexicon
    import shared.text

    digest = hashlib.sha1()
    modules = (normalize, entities, quotes, shared.core, shared.lexicon, shared.text)
    folders = [Path(str(m.__file__)).parent for m in modules]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in _DATA_SUFFIXES and p.is_file()):
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    for name in REPROCESS_SETTINGS:
        digest.update(f"{name}={getattr(settings, name)}\0".encode())
    for name, builder in sorted((builders or {}).items()):
        digest.update(f"{name}:{builder.__module__}.{builder.__qualname__}\0".encode())
    return f"{settings.model} {_model_version(settings.model)}, stages {digest.hexdigest()[:12]}"


def run_worker(settings: Settings, name: str, loglevel: str = "info") -> None:
    """Build stage `name` and run one faust worker of it until SIGTERM/SIGINT; topics are created first if missing."""
    from newsflow.runners.faust_worker import StageWorker, run_until_stopped
    from shared.adapters.kafka import ensure_topics, wait_for_broker
    from shared.adapters.observability.runtime import WorkerObservability

    stage = build_stage(name, settings)
    settle_heap()
    obs = WorkerObservability(settings, stage.name, settings.topics.of_stage(stage.name)[0])
    obs.start()  # /metrics, /healthz, /readyz when metrics_port is set
    try:
        wait_for_broker(settings)
        ensure_topics(settings)
        run_until_stopped(StageWorker(settings, stage, observer=obs.observer), obs, loglevel)
    finally:
        obs.close()


__all__ = [
    "STAGE_BUILDERS",
    "build_deps",
    "build_stage",
    "embedded_deps",
    "load_english_model",
    "parse_stages",
    "build_pipeline",
    "build_reprocess_stages",
    "reprocess_version",
    "REPROCESS_STAGES",
    "run_worker",
    "settle_heap",
]
