"""ForkedPool: workers forked from one template that built their handler once; errors reach the caller."""

from concurrent.futures.process import BrokenProcessPool

import pytest
from pool_helpers import build_echo, build_fails

from newsflow.runners.forked_pool import ForkedPool


def result(pool, future):
    """Drive the pool until `future` is done; its result (or its exception, raised)."""
    while not future.done():
        pool.wait()
    return future.result()


def ready(pool, jobs):
    """Drive the pool until `jobs` workers have announced themselves."""
    while pool.workers_ready < jobs:
        pool.wait()


def test_workers_are_forked_from_the_template_that_built_the_handler_once():
    pool = ForkedPool(2, build_echo, ("t",))
    try:
        ready(pool, 2)
        futures = [pool.submit(n) for n in range(2)]  # both workers idle: one task each
        first, second = (result(pool, f) for f in futures)
        more = [result(pool, pool.submit(n)) for n in range(2, 6)]
    finally:
        pool.close()
    assert [r["task"] for r in (first, second, *more)] == list(range(6))
    assert {first["pid"], second["pid"]} == set(pool.worker_pids)
    for r in (first, second, *more):
        assert r["built_in"] == pool.template_pid != r["pid"]  # built once, before the fork
        assert r["parent"] == pool.template_pid
        assert r["tag"] == "t"
    assert not pool._template.is_alive()  # close() stopped the workers and the template


def test_a_task_error_reaches_the_caller_and_the_worker_goes_on():
    pool = ForkedPool(1, build_echo, ("t",))
    try:
        with pytest.raises(ValueError, match="the stage failed"):
            result(pool, pool.submit("raise"))
        with pytest.raises(RuntimeError, match="cannot send the worker's ok result"):
            result(pool, pool.submit("unpicklable"))
        assert result(pool, pool.submit(7))["task"] == 7
    finally:
        pool.close()


def test_a_build_error_reaches_every_task():
    pool = ForkedPool(2, build_fails, ("model 'xx_missing' is not installed",))
    try:
        futures = [pool.submit(n) for n in range(3)]
        for future in futures:
            with pytest.raises(OSError, match="xx_missing"):
                result(pool, future)
        with pytest.raises(OSError, match="xx_missing"):
            pool.submit(4).result(timeout=0)  # refused at once from now on
    finally:
        pool.close()


def test_a_worker_that_dies_breaks_the_pool():
    pool = ForkedPool(2, build_echo, ("t",))
    try:
        ready(pool, 2)
        doomed = pool.submit("die")
        with pytest.raises(BrokenProcessPool, match="ended unexpectedly"):
            result(pool, doomed)
        with pytest.raises(BrokenProcessPool):
            pool.submit(1).result(timeout=0)
    finally:
        pool.close()


def test_closing_before_the_workers_start_stops_the_template():
    pool = ForkedPool(2, build_echo, ("t",))
    future = pool.submit(1)
    pool.close()
    assert future.cancelled()
    assert not pool._template.is_alive()


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match="jobs=0"):
        ForkedPool(0, build_echo, ("t",))
