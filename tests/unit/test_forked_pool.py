"""ForkedPool: workers forked from one template that built their handler once; errors reach the caller."""

import signal
from concurrent.futures.process import BrokenProcessPool

import pytest
from pool_helpers import build_echo, build_fails

from newsflow.runners.forked_pool import ForkedPool


class Stuck(Exception):
    """Raised by the alarm of a test that would otherwise hang."""


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


def test_a_worker_takes_a_second_task_only_while_more_wait_than_there_are_workers():
    pool = ForkedPool(2, build_echo, ("t",), depth=2)
    try:
        ready(pool, 2)
        futures = [pool.submit(n) for n in range(5)]
        # Results are taken in only by wait(): this is where submit() left the tasks.
        assert sorted(len(tasks) for tasks in pool._assigned.values()) == [1, 2]
        assert len(pool._queue) == 2  # the last ones go to whichever worker is free first
        assert [result(pool, f)["task"] for f in futures] == list(range(5))
    finally:
        pool.close()


def test_large_tasks_and_results_both_ways_never_block_each_other():
    # A worker holding a task while it sends a result larger than a pipe's buffer: it must go on reading
    # the caller's next task, or the two would wait on each other forever (the alarm ends the test then).
    def stuck(signum, frame):
        raise Stuck("the caller and the worker are waiting on each other")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(120)
    pool = ForkedPool(1, build_echo, ("t",), depth=2)
    try:
        ready(pool, 1)
        payloads = [bytes([n]) * 8_000_000 + b"end" for n in range(4)]
        futures = [pool.submit(p) for p in payloads]
        assert [result(pool, f) for f in futures] == [p[::-1] for p in payloads]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        pool.close()


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
