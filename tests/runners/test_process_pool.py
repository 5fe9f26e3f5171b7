"""The process-pool runner: task order, streaming results, and tasks shared with forked workers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from qualcode.cli.coding_commands import PROGRESS_STEPS, ProgressRunner
from qualcode.strategies.base import Runner, SerialRunner
from qualcode.strategies.runners import ProcessPoolRunner, can_share_by_fork

T = TypeVar("T")
R = TypeVar("R")

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers share tasks by forking on Linux only"
)


class Unpicklable:
    """A task that cannot be sent to a worker through a pipe."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("this task cannot be pickled")


def double(task: Unpicklable) -> int:
    return task.value * 2


def square(number: int) -> int:
    return number * number


class MapOnly(Runner):
    """A third party's runner that has only ``map``."""

    name = "map-only"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        self.calls.append(len(tasks))
        return [function(task) for task in tasks]


@pytest.mark.parametrize("fork", [None, False])
def test_results_come_in_task_order_from_map_and_imap(fork: bool | None) -> None:
    tasks = list(range(101))
    expected = [n * n for n in tasks]
    runner = ProcessPoolRunner(jobs=2, fork=fork)
    try:
        assert runner.map(square, tasks) == expected
        assert list(runner.imap(square, tasks)) == expected
        assert runner.map(square, []) == []
        assert runner.map(square, [7]) == [49]
    finally:
        runner.close()


def test_one_job_runs_in_this_process() -> None:
    tasks = [Unpicklable(n) for n in range(5)]  # would fail if sent to a worker
    assert ProcessPoolRunner(jobs=1).map(double, tasks) == [0, 2, 4, 6, 8]


FORKED_RUN = """
import sys
from qualcode.strategies.runners import ProcessPoolRunner, can_share_by_fork

class Unpicklable:
    def __init__(self, value):
        self.value = value
    def __reduce__(self):
        raise TypeError("this task cannot be pickled")

def double(task):
    return task.value * 2

if __name__ == "__main__":
    assert can_share_by_fork()
    tasks = [Unpicklable(n) for n in range(40)]
    assert ProcessPoolRunner(jobs=2).map(double, tasks) == [2 * n for n in range(40)]
    runner = ProcessPoolRunner(jobs=2, fork=False)
    try:
        runner.map(double, tasks)
    except TypeError as error:
        print("sent through pipes:", error)
    finally:
        runner.close()
"""


@linux_only
def test_forked_workers_inherit_the_tasks_instead_of_receiving_them(tmp_path: Path) -> None:
    # in a fresh interpreter, as a command runs: other tests may leave threads in this one
    # (Dask's), and then tasks are rightly sent through pipes
    script = tmp_path / "forked_run.py"
    script.write_text(FORKED_RUN, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sent through pipes: this task cannot be pickled"


@linux_only
def test_tasks_are_sent_through_pipes_while_another_thread_runs() -> None:
    # forking a process that runs other threads can leave their locks held in the child
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_share_by_fork()
        runner = ProcessPoolRunner(jobs=2)
        try:
            with pytest.raises(TypeError, match="cannot be pickled"):
                runner.map(double, [Unpicklable(n) for n in range(10)])
            assert runner.map(square, [1, 2, 3]) == [1, 4, 9]  # picklable tasks still run
        finally:
            runner.close()
    finally:
        release.set()
        other.join()


class WaitForSignal:
    """The last task waits until the caller has seen the first result (or times out)."""

    def __init__(self, signal: Path, last: int) -> None:
        self.signal = signal
        self.last = last

    def __call__(self, task: int) -> tuple[int, bool]:
        if task != self.last:
            return task, True
        deadline = time.monotonic() + 20
        while not self.signal.exists():
            if time.monotonic() > deadline:
                return task, False
            time.sleep(0.01)
        return task, True


@pytest.mark.parametrize("fork", [None, False])
def test_imap_hands_over_early_results_while_later_tasks_run(
    tmp_path: Path, fork: bool | None
) -> None:
    signal = tmp_path / "first result seen"
    tasks = list(range(16))
    runner = ProcessPoolRunner(jobs=2, fork=fork)
    try:
        results = runner.imap(WaitForSignal(signal, last=15), tasks)
        first = next(results)
        signal.touch()  # only now can the last task finish
        rest = list(results)
    finally:
        runner.close()
    assert [first, *rest] == [(n, True) for n in tasks]


def test_a_runner_with_only_map_hands_over_its_results_in_one_call() -> None:
    runner = MapOnly()
    tasks = list(range(45))
    assert not runner.streams
    assert list(runner.imap(square, tasks)) == [n * n for n in tasks]
    assert runner.calls == [45]  # no batches: a cluster pays for each call
    assert SerialRunner().streams
    assert ProcessPoolRunner(jobs=2).streams


def test_progress_over_a_runner_with_only_map_comes_in_batches() -> None:
    runner = MapOnly()
    seen: list[tuple[int, int]] = []
    tasks = list(range(45))
    assert ProgressRunner(runner, lambda done, total: seen.append((done, total))).map(
        square, tasks
    ) == [n * n for n in tasks]
    size = -(-45 // PROGRESS_STEPS)
    assert runner.calls == [size] * (45 // size) + ([45 % size] if 45 % size else [])
    assert seen == [(0, 45)] + [(min(45, done), 45) for done in range(size, 45 + size, size)]


def test_serial_imap_is_lazy_and_ordered() -> None:
    seen: list[int] = []

    def note(task: int) -> int:
        seen.append(task)
        return task

    iterator = SerialRunner().imap(note, [3, 1, 2])
    assert seen == []
    assert list(iterator) == [3, 1, 2]
    assert seen == [3, 1, 2]


def test_a_worker_error_reaches_the_caller() -> None:
    runner = ProcessPoolRunner(jobs=2)
    try:
        with pytest.raises(ZeroDivisionError):
            runner.map(divide_into_one, [1, 2, 0, 4])
    finally:
        runner.close()


def divide_into_one(number: int) -> float:
    return 1 / number
