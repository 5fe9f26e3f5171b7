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
    """Runs tasks in a pool of worker processes; results come back in task order."""

    name = "processes"
    description = "run in a pool of local worker processes (--jobs N)"

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        jobs = self.jobs or os.cpu_count() or 1
        if jobs <= 1 or len(tasks) <= 1:
            return [function(task) for task in tasks]
        chunk = max(1, len(tasks) // (jobs * 4))
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(function, tasks, chunksize=chunk))


@hookimpl
def register_runners() -> list[type[Runner]]:
    return [SerialRunner, ProcessPoolRunner]
