"""The composition root: settings, model, store and topics wired into stages.

Workers call `build_stage(name, settings)`; `newsflow run` and the tests call
`build_pipeline(settings, embedded=True)`, which swaps Redis for the in-process index.
"""
from __future__ import annotations

import importlib
from typing import Sequence

from shared.entrypoints.pipeline import Pipeline
from shared.core.settings import STAGES, Settings
from shared.core.stage import Stage


def build_stage(name: str, settings: Settings, *, embedded: bool = False, nlp=None) -> Stage:
    """One stage by name. Embedded: dedup uses the in-process index instead of Redis."""
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; stages are {', '.join(STAGES)}")
    module = importlib.import_module(f"services.{name}.app")
    if name == "dedup" and embedded:
        from services.dedup.memory_index import MemoryDedupIndex
        return module.build_stage(settings, index=MemoryDedupIndex(module.index_params(settings)))
    if name == "entities":
        return module.build_stage(settings, nlp=nlp)
    return module.build_stage(settings)


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


def build_pipeline(settings: Settings, stages: Sequence[str] | None = None, *, nlp=None) -> Pipeline:
    """The embedded pipeline: the given stages (default all) in flow order, no servers."""
    names = parse_stages(stages)
    return Pipeline([build_stage(n, settings, embedded=True, nlp=nlp) for n in names],
                    batch_size=settings.batch_size, max_message_bytes=settings.max_input_bytes("normalize"))
