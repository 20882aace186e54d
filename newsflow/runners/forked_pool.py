"""Worker processes forked from one template process that built their stages: the model is loaded once.

A process pool that starts each worker on its own makes every worker import spaCy and load the
model with its parser (about a second of CPU each, paid again per job). Here one *template* process
is started with `spawn` (a fresh interpreter: none of the caller's threads or locks come along), builds
what the workers need once, and then forks the workers from itself. The template runs no Python thread
of its own when it forks (checked), which is what makes `fork` safe there (OpenBLAS, whose threads
numpy may have started, stops them before a fork and starts them again when next needed); the workers share the loaded model's
memory pages until they write to them (`settle_heap` has already frozen those objects out of the
garbage collector, which would otherwise touch them all).

Each worker has its own pipe to the caller. It announces itself, then runs its tasks one after the
other and sends back each result; a thread of the worker reads the tasks as they arrive, so the
caller never blocks on a full pipe while the worker blocks on the other direction. A worker whose
task raises sends the exception back; a worker that dies (killed, out of memory) breaks the pool,
as in `concurrent.futures.ProcessPoolExecutor`.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections import deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection, wait
from typing import Any, Callable

from newsflow.runners.heap import keep_heap

_READY, _OK, _ERROR = "ready", "ok", "error"


class ForkedPool:
    """`jobs` workers running the handler that `build(*args)` returns, built once in a template process.

    `build` and `args` must pickle (a module-level function). `submit` queues a task and returns a
    Future; results arrive as the caller calls `wait`, which reads what the workers sent and hands
    queued tasks on, those of the lowest priority first. A worker holds at most `depth` tasks: the
    one it runs and, while more tasks wait here than there are workers, the next, so that it never
    waits for the caller between two tasks; near the end of the queue a task goes only to a worker
    with nothing to do, so that none is left with two while another is idle. Not thread-safe: one
    caller thread drives it.
    """

    def __init__(self, jobs: int, build: Callable[..., Callable[[Any], Any]], args: tuple = (), depth: int = 2) -> None:
        if jobs < 1:
            raise ValueError(f"jobs={jobs}: give 1 or more")
        context = multiprocessing.get_context("spawn")
        ends = [context.Pipe(duplex=True) for _ in range(jobs)]
        self._conns: list[Connection] = [mine for mine, _ in ends]
        self._template = context.Process(
            target=_template_main,
            args=(build, args, [theirs for _, theirs in ends]),
            name="newsflow-jobs-template",
            daemon=True,  # never outlives the caller; its workers stop when their pipe closes
        )
        self._template.start()
        for _, theirs in ends:
            theirs.close()  # the template and its workers hold them now; their exit must reach us as EOF
        self.depth = max(1, depth)
        self._starting: list[Connection] = list(self._conns)
        self._assigned: dict[Connection, deque[Future]] = {}  # per announced worker, its tasks in order
        self._queue: list[tuple[Any, int, Future, bytes]] = []  # a heap: (priority, order of submission, ...)
        self._submitted = 0
        self._broken: BaseException | None = None
        self.worker_pids: list[int] = []  # as each worker announces itself
        self.template_pid = self._template.pid

    def submit(self, task: Any, priority: Any = 0) -> Future:
        """Queue `task` for the next worker free to take it, lowest `priority` first (then first come); its
        Future is completed by a later `wait`."""
        future: Future = Future()
        if self._broken is not None:
            future.set_exception(self._broken)
            return future
        self._submitted += 1
        data = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        heapq.heappush(self._queue, (priority, self._submitted, future, data))
        self._dispatch()
        return future

    def wait(self, timeout: float | None = None) -> None:
        """Block until a worker sends something (or `timeout` seconds), take in all that has arrived,
        and hand queued tasks on."""
        listening = self._starting + [c for c, tasks in self._assigned.items() if tasks]
        if not listening:
            return
        for conn in wait(listening, timeout):
            if self._broken is not None:
                return
            self._receive(conn)  # type: ignore[arg-type]
        self._dispatch()

    def close(self) -> None:
        """Stop the workers once the tasks they hold are done (queued ones are cancelled), then the template."""
        for _, _, future, _ in self._queue:
            future.cancel()
        self._queue.clear()
        for conn in self._conns:
            conn.close()  # a worker reads EOF after its last task and exits
        if self._starting:  # still building or forking: nothing of it is wanted any more
            self._template.terminate()
        self._template.join()

    @property
    def workers_ready(self) -> int:
        """Workers forked and announced so far."""
        return len(self.worker_pids)

    def _dispatch(self) -> None:
        while self._queue:
            held = min(self._assigned.items(), key=lambda kv: len(kv[1]), default=None)
            if held is None:
                return
            conn, tasks = held
            if tasks and (len(tasks) >= self.depth or len(self._queue) <= len(self._assigned)):
                return  # every worker has work; keep the rest for whoever finishes first
            _, _, future, task = heapq.heappop(self._queue)
            if not future.set_running_or_notify_cancel():
                continue
            tasks.append(future)
            try:
                conn.send_bytes(task)  # the worker's reader thread takes it at once, even while busy
            except OSError as err:
                self._lose(conn, err)

    def _receive(self, conn: Connection) -> None:
        try:
            kind, value = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError) as err:
            self._lose(conn, err)
            return
        if kind == _READY:
            self._starting.remove(conn)
            self.worker_pids.append(value)
            self._assigned[conn] = deque()
        elif self._assigned.get(conn):
            future = self._assigned[conn].popleft()
            if kind == _OK:
                future.set_result(value)
            else:
                future.set_exception(value)
        else:  # the template could not build the workers' handler: nothing will ever run
            self._break(value)

    def _lose(self, conn: Connection, err: BaseException) -> None:
        if conn in self._starting or conn in self._assigned:
            self._break(BrokenProcessPool(f"a worker process of newsflow run --jobs ended unexpectedly ({err!r})"))

    def _break(self, error: BaseException) -> None:
        if self._broken is None:
            self._broken = error
        for tasks in self._assigned.values():
            for future in tasks:
                if not future.done():
                    future.set_exception(self._broken)
        for _, _, future, _ in self._queue:
            if future.set_running_or_notify_cancel():
                future.set_exception(self._broken)
        self._assigned.clear()
        self._queue.clear()
        self._starting.clear()


def _template_main(build: Callable[..., Callable[[Any], Any]], args: tuple, conns: list[Connection]) -> None:
    """The template process: build the handler once, fork one worker per pipe, wait for them to end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller stops the pool (Ctrl-C reaches every process)
    keep_heap()  # a spawned interpreter starts with glibc's defaults; the forked workers inherit this
    try:
        handler = build(*args)
        if threading.active_count() != 1:
            raise RuntimeError(f"{threading.active_count()} threads in the template process: forking it is not safe")
    except BaseException as err:  # noqa: BLE001 - sent to the caller, which raises it
        for conn in conns:
            try:
                _send(conn, _ERROR, err)
            except OSError:  # the caller has gone
                pass
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pids = []
    for n, conn in enumerate(conns):
        pid = os.fork()
        if pid == 0:
            _worker_main(handler, conn, [c for i, c in enumerate(conns) if i != n])
        pids.append(pid)
    for conn in conns:
        conn.close()
    for pid in pids:
        os.waitpid(pid, 0)


def _worker_main(handler: Callable[[Any], Any], conn: Connection, others: list[Connection]) -> None:
    """A forked worker: serve tasks until the caller closes the pipe; never returns (os._exit)."""
    code = 1
    try:
        for other in others:
            other.close()
        try:
            _send(conn, _READY, os.getpid())
            _serve(handler, conn)
        except OSError:  # the caller has gone (closed the pool, interrupted): nobody wants more
            pass
        code = 0
    except BaseException:  # noqa: BLE001 - the process ends here; say why on stderr
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)  # never back into the template's code, nor its exit handlers


def _serve(handler: Callable[[Any], Any], conn: Connection) -> None:
    # A thread reads the tasks as they come, so that the caller never blocks on a full pipe while this
    # process is busy (and perhaps itself blocked sending a large result the caller has not read yet).
    tasks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                tasks.put(conn.recv_bytes())
        except (EOFError, OSError):
            tasks.put(None)

    threading.Thread(target=read, name="newsflow-tasks", daemon=True).start()
    while (data := tasks.get()) is not None:
        try:
            reply = (_OK, handler(pickle.loads(data)))
        except Exception as err:  # noqa: BLE001 - the caller raises it, as a process pool does
            reply = (_ERROR, err)
        _send(conn, *reply)


def _send(conn: Connection, kind: str, value: Any) -> None:
    try:
        data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as err:  # noqa: BLE001 - an unpicklable result or exception: send what can be sent
        text = "".join(traceback.format_exception_only(type(value), value)) if kind == _ERROR else repr(err)
        data = pickle.dumps((_ERROR, RuntimeError(f"cannot send the worker's {kind} result: {text.strip()}")))
    conn.send_bytes(data)


__all__ = ["ForkedPool"]
