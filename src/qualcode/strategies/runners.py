"""Built-in runners: serial (in this process) and a local process pool."""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Runner, SerialRunner

T = TypeVar("T")
R = TypeVar("R")


class ProcessPoolRunner(Runner):
    """Runs tasks in a pool of worker processes; results come back in task order.

    The pool starts with the first :meth:`map` that needs it and lives until :meth:`close`, so
    several calls (e.g. batches sent while a progress bar moves) share the same workers.
    """

    name = "processes"
    description = "run in a pool of local worker processes (--jobs N)"

    def __init__(self, *, jobs: int | None = None, scheduler: str | None = None) -> None:
        super().__init__(jobs=jobs, scheduler=scheduler)
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        jobs = self.jobs or os.cpu_count() or 1
        if jobs <= 1 or len(tasks) <= 1:
            return [function(task) for task in tasks]
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs)
        chunk = max(1, len(tasks) // (jobs * 4))
        return list(self._pool.map(function, tasks, chunksize=chunk))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __del__(self) -> None:
        self.close()


@hookimpl
def register_runners() -> list[type[Runner]]:
    return [SerialRunner, ProcessPoolRunner]
