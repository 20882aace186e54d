"""The composition root and the embedded runner: one registry, one batch core, the wire round trip."""

from __future__ import annotations

import inspect
import subprocess
import sys

import orjson
import pytest
from conftest import REPO
from data.news_corpus import articles

from newsflow.bootstrap import STAGE_BUILDERS, build_pipeline, build_stage
from newsflow.inputs import InputItem
from shared.core.batch import DeadLetter
from shared.core.events import to_dict
from shared.core.settings import STAGES, Settings


def test_the_registry_holds_every_stage_in_flow_order_with_one_signature():
    assert tuple(STAGE_BUILDERS) == STAGES
    for name, builder in STAGE_BUILDERS.items():
        params = list(inspect.signature(builder).parameters)
        assert params[:2] == ["settings", "deps"], f"{name}: {params}"


def test_an_unknown_stage_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown stage 'nope'"):
        build_stage("nope", Settings())


def _items(n: int) -> list[InputItem]:
    return [InputItem(f"gen:{i}", orjson.dumps(a)) for i, a in enumerate(articles(n, "boot"))]


def test_the_wire_round_trip_changes_no_event():
    items = _items(6) + [InputItem("bad:1", b'{"id": "x"}')]
    in_memory = build_pipeline(Settings(), wire=False).run_batch(items)
    on_wire = build_pipeline(Settings(), wire=True).run_batch(items)
    strip = lambda r: r if isinstance(r, DeadLetter) else {k: v for k, v in to_dict(r).items() if k != "trace"}  # noqa: E731
    assert [strip(r) for r in on_wire] == [strip(r) for r in in_memory]
    assert isinstance(on_wire[-1], DeadLetter) and on_wire[-1].source.origin == "bad:1"
    assert on_wire[-1].stage == "normalize" and "no 'body'" in on_wire[-1].reason


def test_the_wire_option_applies_the_output_size_check_as_a_worker_would():
    body = "A short story about nothing at all. " * 12  # its input fits, its cleaned event does not
    item = InputItem("big:1", orjson.dumps({"id": "big", "body": body}))
    limit = len(item.data) + 20
    settings = Settings(max_message_bytes=limit)
    (in_memory,) = build_pipeline(settings, ["normalize"], wire=False).run_batch([item])
    (on_wire,) = build_pipeline(settings, ["normalize"], wire=True).run_batch([item])
    assert not isinstance(in_memory, DeadLetter)
    assert isinstance(on_wire, DeadLetter) and f"exceeds the limit of {limit}" in on_wire.reason
    assert on_wire.source is item


def test_the_wire_option_comes_from_the_settings():
    assert build_pipeline(Settings(embedded_wire=True), ["normalize"]).wire is True
    assert build_pipeline(Settings(), ["normalize"]).wire is False


def test_observability_imports_no_runner_and_no_cycle():
    code = (
        "import sys; import shared.adapters.observability.runtime; "
        "print('faust' in sys.modules, 'newsflow.runners.faust_worker' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_a_built_pipeline_leaves_what_it_holds_out_of_later_collections_but_not_the_garbage_before_it():
    import gc
    import weakref

    kept, dropped = _Node(), _Node()
    gone = weakref.ref(dropped)
    del dropped
    pipeline = build_pipeline(Settings(), "normalize,dedup")
    assert gone() is None  # collected before the freeze, not frozen for good
    assert gc.is_tracked(kept) and gc.get_freeze_count() > 0
    # alive at the build: in no generation that a collection walks
    assert not any(o is kept for g in (0, 1, 2) for o in gc.get_objects(generation=g))
    assert [s.name for s in pipeline.stages] == ["normalize", "dedup"]


def test_what_one_build_froze_is_collected_by_the_next_once_it_is_garbage():
    import gc
    import weakref

    from newsflow.bootstrap import settle_heap

    frozen = _Node()
    settle_heap()
    assert not any(o is frozen for g in (0, 1, 2) for o in gc.get_objects(generation=g))
    gone = weakref.ref(frozen)
    del frozen  # a cycle: reference counting alone never frees it
    settle_heap()
    assert gone() is None
