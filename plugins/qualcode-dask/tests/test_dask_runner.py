"""The Dask runner gives what the serial and process-pool runners give, in task order."""

from __future__ import annotations

import os
import random
import re
import socket
import sys
from collections.abc import Callable, Sequence
from multiprocessing import resource_tracker
from typing import Any

import cloudpickle
import dask
import psutil
import pytest
from distributed import LocalCluster
from qualcode_dask import DaskRunner, SchedulerUnreachableError
from qualcode_dask.runner import LOOPBACK_HTTP, chunked

from qualcode.errors import OptionError, PluginError, QualcodeError
from qualcode.plugins import Plugins, get_plugin_manager
from qualcode.strategies.base import Runner, SerialRunner
from qualcode.strategies.runners import ProcessPoolRunner
from qualcode.text import Span, sentences

# this test module is not importable on the workers: send its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

WORDS = (
    *("the", "trust", "nurse", "family", "care", "money", "waiting", "time", "home", "doctor"),
    *("worry", "help", "night", "team", "Vertrauen", "Pflege", "Familie"),
    *("ثقة", "رعاية", "عائلة", "信任", "护理", "家庭"),
)
TERMS = ("trust", "care", "family", "Vertrauen", "ثقة", "信任")

Task = tuple[str, str, tuple[str, ...]]
Hit = tuple[str, str, int, int]


def make_corpus(documents: int, seed: int = 7) -> list[Task]:
    """Interview-like documents built from a fixed seed: sentences in several scripts."""
    chooser = random.Random(seed)
    tasks: list[Task] = []
    for number in range(documents):
        lines = []
        for _ in range(chooser.randint(3, 30)):
            words = chooser.choices(WORDS, k=chooser.randint(4, 16))
            lines.append(" ".join(words) + chooser.choice((". ", "? ", "!\n", "。")))
        tasks.append((f"doc-{number:04d}", "".join(lines), TERMS))
    return tasks


def code_sentences(task: Task) -> list[Hit]:
    """A keyword strategy in miniature: each sentence that holds a term, coded with it."""
    document_id, text, terms = task
    patterns = [
        (term, re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)) for term in terms
    ]
    hits: list[Hit] = []
    for span in sentences(text):
        sentence = text[span.start : span.end]
        for term, pattern in patterns:
            if pattern.search(sentence):
                hits.append((document_id, term, span.start, span.end))
    return hits


def fail_on(task: int) -> int:
    if task == 13:
        raise OptionError("task 13 is not allowed", hint="leave out 13")
    return task


def die_on(task: int) -> int:
    """Ends the worker process abruptly, as running out of memory would."""
    if task == 3:
        os._exit(3)
    return task


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run_with(runner: Runner, function: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
    """The runner's results, with the runner closed afterwards."""
    try:
        return runner.map(function, tasks)
    finally:
        runner.close()


# -- identical results -------------------------------------------------------------------------


def test_strategy_like_work_is_identical_across_runners(scheduler_address: str) -> None:
    tasks = make_corpus(400)
    serial = run_with(SerialRunner(), code_sentences, tasks)
    processes = run_with(ProcessPoolRunner(jobs=2), code_sentences, tasks)
    dask = run_with(DaskRunner(scheduler=scheduler_address), code_sentences, tasks)

    assert dask == serial
    assert processes == serial
    # the comparison is not vacuous: every script's term was found, and each hit is right
    hits = [hit for result in serial for hit in result]
    assert {hit[1] for hit in hits} == set(TERMS)
    texts = {task[0]: task[1] for task in tasks}
    for document_id, term, start, end in hits[:500]:
        assert term.lower() in texts[document_id][start:end].lower()


def test_library_function_runs_by_reference_on_the_workers(scheduler_address: str) -> None:
    texts = [task[1] for task in make_corpus(120, seed=3)]
    expected = [sentences(text) for text in texts]

    result = run_with(DaskRunner(scheduler=scheduler_address), sentences, texts)

    assert result == expected
    assert all(isinstance(span, Span) for spans in result for span in spans)


def test_results_come_back_in_task_order_for_uneven_tasks(scheduler_address: str) -> None:
    # the first tasks are the longest, so later chunks finish first
    tasks = make_corpus(60, seed=11)
    tasks.sort(key=lambda task: -len(task[1]))
    with DaskRunner(scheduler=scheduler_address) as runner:
        result = runner.map(code_sentences, tasks)
        again = runner.map(code_sentences, tasks[::-1])

    assert [hits[0][0] for hits in result if hits] == [
        task[0] for task in tasks if code_sentences(task)
    ]
    assert again == result[::-1]


def test_one_runner_serves_many_calls_with_different_functions(scheduler_address: str) -> None:
    words = [task[1][:40] for task in make_corpus(30, seed=2)]
    with DaskRunner(scheduler=scheduler_address) as runner:
        # in batches, as the command line's progress bar sends them, then with other functions
        batched = [
            result
            for first in range(0, 30, 7)
            for result in runner.map(len, words[first : first + 7])
        ]
        upper = runner.map(str.upper, words)
        lengths = runner.map(len, words)

    assert batched == lengths == [len(word) for word in words]
    assert upper == [word.upper() for word in words]


def test_closing_leaves_an_existing_cluster_running(scheduler_address: str) -> None:
    first = DaskRunner(scheduler=scheduler_address)
    assert first.map(len, ["abc"]) == [3]
    first.close()

    with DaskRunner(scheduler=scheduler_address) as second:
        assert second.map(len, ["abcd", ""]) == [4, 0]
        assert len(second.client.scheduler_info()["workers"]) == 2


def test_tasks_shaped_like_dask_tasks_are_passed_through_untouched(scheduler_address: str) -> None:
    # a tuple whose first item is callable is a task in Dask's own graphs; here it is data
    tasks: list[object] = [(len, "abc"), [repr, 1], {"key": (str, 2)}, None, "plain"]
    expected = [repr(task) for task in tasks]

    assert run_with(DaskRunner(scheduler=scheduler_address), repr, tasks) == expected


def test_no_tasks_need_no_cluster() -> None:
    runner = DaskRunner(scheduler=f"tcp://127.0.0.1:{free_port()}")
    assert runner.map(code_sentences, []) == []
    runner.close()


def test_errors_raised_by_a_task_reach_the_caller(scheduler_address: str) -> None:
    with (
        DaskRunner(scheduler=scheduler_address) as runner,
        pytest.raises(OptionError, match="task 13") as caught,
    ):
        runner.map(fail_on, list(range(40)))

    assert caught.value.hint == "leave out 13"


def test_chunks_cover_the_tasks_in_order() -> None:
    tasks = list(range(103))
    for count in (1, 2, 8, 103, 500):
        pieces = chunked(tasks, count)
        assert [task for piece in pieces for task in piece] == tasks
        assert len(pieces) <= count
        assert max(len(piece) for piece in pieces) - min(len(piece) for piece in pieces) <= max(
            1, len(pieces[0]) - 1
        )


# -- a local cluster of its own ----------------------------------------------------------------


def test_without_scheduler_a_local_cluster_is_started_and_shut_down() -> None:
    # Python's resource tracker, started with the first spawned process, lives as long as this
    # process: start it before counting children, whichever test runs first
    resource_tracker.ensure_running()
    me = psutil.Process()
    before = {child.pid for child in me.children(recursive=True)}
    tasks = make_corpus(50, seed=5)

    runner = DaskRunner(jobs=2)
    result = runner.map(code_sentences, tasks)
    workers = runner.client.scheduler_info()["workers"]
    started = [child for child in me.children(recursive=True) if child.pid not in before]
    runner.close()
    _, alive = psutil.wait_procs(started, timeout=20)

    assert result == [code_sentences(task) for task in tasks]
    assert len(workers) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
    assert {info["nthreads"] for info in workers.values()} == {1}
    assert len(started) >= 2
    assert alive == []


def profiler_running(dask_worker: Any) -> bool:
    return "profile" in dask_worker.periodic_callbacks


def test_a_local_clusters_workers_run_without_the_statistical_profiler() -> None:
    with DaskRunner(jobs=1) as runner:
        running = runner.client.run(profiler_running)
    # the setting is only for the workers the runner starts: this process keeps its own
    assert dask.config.get("distributed.worker.profile.enabled") is True

    assert list(running.values()) == [False]


def test_a_worker_that_dies_is_a_plugin_error_and_the_runner_recovers() -> None:
    # the scheduler of a local cluster runs in this process, so this setting reaches it
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        DaskRunner(jobs=1) as runner,
    ):
        with pytest.raises(PluginError, match="worker died") as caught:
            runner.map(die_on, list(range(6)))
        # the nanny starts a new worker; the function is sent again
        after = runner.map(die_on, [0, 1, 2])

    assert caught.value.hint is not None and "memory" in caught.value.hint
    assert after == [0, 1, 2]


def test_close_is_safe_twice_and_before_use() -> None:
    runner = DaskRunner()
    runner.close()
    runner.close()
    assert runner.jobs is None


def test_fewer_than_one_job_is_refused() -> None:
    with pytest.raises(OptionError, match="at least one worker"):
        DaskRunner(jobs=0)


# -- a scheduler that cannot be used ---------------------------------------------------------


def test_unreachable_scheduler_is_a_clear_error() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    runner = DaskRunner(scheduler=address, connect_timeout=1.0)

    with pytest.raises(SchedulerUnreachableError) as caught:
        runner.map(code_sentences, make_corpus(3))

    error = caught.value
    assert isinstance(error, QualcodeError)
    assert address in str(error)
    assert error.hint is not None and "dask scheduler" in error.hint
    runner.close()


@pytest.mark.parametrize("address", ["nonsense", "foo://127.0.0.1:8786"])
def test_malformed_scheduler_address_is_an_option_error(address: str) -> None:
    with pytest.raises(OptionError, match="not a Dask scheduler address"):
        DaskRunner(scheduler=address, connect_timeout=1.0).map(repr, [1])


def test_scheduler_without_workers_is_a_clear_error() -> None:
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=0,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs=LOOPBACK_HTTP,
    ) as empty:
        runner = DaskRunner(scheduler=empty.scheduler_address, connect_timeout=1.0)
        with pytest.raises(SchedulerUnreachableError, match="has no workers"):
            runner.map(repr, [1, 2])
        runner.close()


# -- found as a plugin -----------------------------------------------------------------------


def test_the_plugin_is_found_through_its_entry_point() -> None:
    manager = get_plugin_manager(load_entrypoints=True)
    plugins = Plugins(manager)

    assert "dask" in plugins.runners
    assert plugins.runners.get("dask") is DaskRunner
    listed = {entry["name"]: entry for entry in plugins.plugin_list()}
    assert listed["dask"]["distribution"] == "qualcode-dask"
    assert listed["dask"]["provides"] == {"runners": ["dask"]}
    assert listed["dask"]["builtin"] is False


def test_the_plugin_is_not_loaded_when_entry_points_are_off() -> None:
    plugins = Plugins(get_plugin_manager(load_entrypoints=False))
    assert "dask" not in plugins.runners


def test_the_runner_is_built_the_way_the_cli_builds_runners(scheduler_address: str) -> None:
    cls = Plugins(get_plugin_manager(load_entrypoints=True)).runners.get("dask")
    runner = cls(jobs=3, scheduler=scheduler_address)

    assert run_with(runner, len, ["a", "bb", ""]) == [1, 2, 0]
    assert (runner.jobs, runner.scheduler) == (3, scheduler_address)
