"""Built-in runners: serial (in this process) and a local process pool."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Runner, SerialRunner, is_deterministic

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 8
"""Tasks go to the workers in chunks, several per worker: few messages, and the last chunks, which
the other workers cannot share, are short."""

_shared_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and tasks of the running :meth:`ProcessPoolRunner.map`, set just before its
workers are forked: they inherit both and are sent only the bounds of each chunk."""


def _run_shared_chunk(bounds: tuple[int, int]) -> list[Any]:
    """Run the inherited function over the inherited tasks ``bounds[0]:bounds[1]`` (in a worker)."""
    assert _shared_work is not None, "the worker was not forked from a sharing map"
    function, tasks = _shared_work
    return [function(task) for task in tasks[bounds[0] : bounds[1]]]


def _run_chunk(function: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """Run ``function`` over a chunk of tasks sent to the worker (in a worker)."""
    return [function(task) for task in chunk]


def can_share_by_fork() -> bool:
    """Whether workers can be forked from this process to inherit the tasks: on Linux (where
    forking is the long-standing default), and only while this process runs a single thread
    (forking a process with other threads can leave locks held in the child)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class ProcessPoolRunner(Runner):
    """Runs tasks in a pool of worker processes; results come back in task order.

    Where it can (:func:`can_share_by_fork`), each :meth:`map` forks its own workers after
    setting the tasks aside, so the workers inherit the documents instead of receiving them
    through pipes, and are sent only which tasks to run. Elsewhere, tasks are pickled to a pool
    that starts with the first :meth:`map` and lives until :meth:`close`.
    """

    name = "processes"
    description = "run in a pool of local worker processes (--jobs N)"

    def __init__(
        self, *, jobs: int | None = None, scheduler: str | None = None, fork: bool | None = None
    ) -> None:
        """``fork``: share the tasks with forked workers (None: wherever possible; False: always
        send them to a lasting pool)."""
        super().__init__(jobs=jobs, scheduler=scheduler)
        self.fork = fork
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        return list(self.imap(function, tasks))

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """The results in task order, a chunk at a time as the workers finish them."""
        total = len(tasks)
        jobs = self.jobs or os.cpu_count() or 1
        if jobs <= 1 or total <= 1 or not is_deterministic(function):
            # a function marked nondeterministic runs once per task, here (see base.py)
            yield from map(function, tasks)
            return
        size = -(-total // (jobs * CHUNKS_PER_WORKER))
        bounds = [(first, min(total, first + size)) for first in range(0, total, size)]
        if self.fork is not False and _shared_work is None and can_share_by_fork():
            yield from self._forked(function, tasks, bounds, jobs)
            return
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs)
        futures = [
            self._pool.submit(_run_chunk, function, tasks[first:last]) for first, last in bounds
        ]
        try:
            for future in futures:
                yield from future.result()
        finally:
            for future in futures:
                future.cancel()

    def _forked(
        self,
        function: Callable[[T], R],
        tasks: Sequence[T],
        bounds: list[tuple[int, int]],
        jobs: int,
    ) -> Iterator[R]:
        global _shared_work
        _shared_work = (function, tasks)
        pool = None
        try:
            # the workers are forked from here (CPython forks them all at the first submit),
            # after the work is set aside above; it stays set until they are done
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=min(jobs, len(bounds)), mp_context=multiprocessing.get_context("fork")
            )
            futures = [pool.submit(_run_shared_chunk, chunk) for chunk in bounds]
            for future in futures:
                yield from future.result()
        finally:
            _shared_work = None
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __del__(self) -> None:
        self.close()


PROGRESS_STEPS = 20
"""How many times progress is reported during a run (a runner with only ``map`` gets the tasks
in this many batches)."""


class ProgressRunner(Runner):
    """Wraps a runner to report progress as its :meth:`Runner.imap` hands over results, or, for
    a runner with only ``map``, as batches of tasks come back from it.

    Results are those of the wrapped runner, in task order, so the output does not change.
    """

    name = "progress"
    description = "reports progress while another runner works"

    def __init__(self, inner: Runner, advance: Callable[[int, int], None]) -> None:
        super().__init__(jobs=inner.jobs, scheduler=inner.scheduler)
        self.inner = inner
        self.advance = advance

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        return list(self.imap(function, tasks))

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        total = len(tasks)
        self.advance(0, total)
        if not self.inner.streams:  # a runner with only map gets the tasks in batches
            size = max(1, -(-total // PROGRESS_STEPS))
            for first in range(0, total, size):
                yield from self.inner.map(function, tasks[first : first + size])
                self.advance(min(total, first + size), total)
            return
        step = max(1, total // PROGRESS_STEPS)
        for done, result in enumerate(self.inner.imap(function, tasks), start=1):
            if done % step == 0 or done == total:
                self.advance(done, total)
            yield result

    def close(self) -> None:
        self.inner.close()


@hookimpl
def register_runners() -> list[type[Runner]]:
    return [SerialRunner, ProcessPoolRunner]
