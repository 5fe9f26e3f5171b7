"""The Dask runner: strategy tasks spread over a Dask cluster, results in task order.

With a scheduler address the runner connects to an existing cluster (its workers need qualcode,
qualcode-dask and any strategy plugins installed). Without one it starts a local cluster of
``jobs`` worker processes on 127.0.0.1 and shuts it down on :meth:`DaskRunner.close`.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from typing import Any, TypeVar

from qualcode.errors import OptionError, PluginError
from qualcode.strategies.base import Runner

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_LOCAL_WORKERS = 2
"""Worker processes of the local cluster when ``jobs`` is not given."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler (and for its first worker) before giving up."""

TIMEOUT_VARIABLE = "QUALCODE_DASK_CONNECT_TIMEOUT"
"""Environment variable that sets the connection time-out in seconds (the CLI has no flag)."""

CHUNKS_PER_WORKER = 4
"""Tasks are sent in chunks, a few per worker thread: fewer round trips, still balanced."""

LOOPBACK_HTTP = {"dashboard_address": "127.0.0.1:0"}
"""Scheduler options for a local cluster: its HTTP endpoint on a free port of 127.0.0.1."""

LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask settings for the workers of a local cluster: no statistical profiler (it samples the
running task every 10 ms for a dashboard that a local cluster here does not start)."""

_START_HINT = (
    "check the address (e.g. tcp://127.0.0.1:8786), start a scheduler with `dask scheduler` and "
    "workers with `dask worker ADDRESS`, or leave out --scheduler to start a local cluster"
)


class SchedulerUnreachableError(OptionError):
    """The Dask scheduler given with ``--scheduler`` cannot be reached or has no workers."""


def run_chunk(function: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """Run ``function`` over one chunk of tasks on a worker, in order."""
    return [function(task) for task in chunk]


def chunked(tasks: Sequence[T], chunks: int) -> list[Sequence[T]]:
    """``tasks`` cut into at most ``chunks`` consecutive slices of near-equal length."""
    if not tasks:
        return []
    size = math.ceil(len(tasks) / max(1, chunks))
    return [tasks[start : start + size] for start in range(0, len(tasks), size)]


def _timeout_from_environment() -> float:
    value = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not value:
        return DEFAULT_CONNECT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise OptionError(
            f"{TIMEOUT_VARIABLE}={value!r} is not a number of seconds above 0",
            hint=f"set it to e.g. 10, or unset it for the default of {DEFAULT_CONNECT_TIMEOUT:g}",
        )
    return seconds


def _shutdown(client: Any, cluster: Any) -> None:
    """Close the client, then the local cluster the runner started (if any)."""
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()


class DaskRunner(Runner):
    """Runs tasks on a Dask cluster: an existing one (``scheduler``) or a local one it starts."""

    name = "dask"
    description = (
        "run on a Dask cluster: --scheduler ADDR, or a local cluster of --jobs worker processes"
    )
    uses_scheduler = True

    def __init__(
        self,
        *,
        jobs: int | None = None,
        scheduler: str | None = None,
        connect_timeout: float | None = None,
    ) -> None:
        """``connect_timeout``: seconds to wait for the scheduler; default from the environment
        variable ``QUALCODE_DASK_CONNECT_TIMEOUT``, else 10."""
        super().__init__(jobs=jobs, scheduler=scheduler)
        if jobs is not None and jobs < 1:
            raise OptionError(
                f"the dask runner needs at least one worker, not {jobs}",
                hint="use --jobs 1 or more",
            )
        self.connect_timeout = (
            connect_timeout if connect_timeout is not None else _timeout_from_environment()
        )
        self._client: Any = None
        self._cluster: Any = None
        self._finalizer: weakref.finalize[Any, DaskRunner] | None = None
        self._function: tuple[Callable[..., Any], Any] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` in use, connecting (or starting a cluster) on first use."""
        if self._client is None:
            if self.scheduler:
                self._connect(self.scheduler)
            else:
                self._start_local_cluster()
            self._finalizer = weakref.finalize(self, _shutdown, self._client, self._cluster)
        return self._client

    def _connect(self, address: str) -> None:
        from distributed import Client

        bad_address: str | None = None
        unreachable: str | None = None
        try:
            client = Client(  # type: ignore[no-untyped-call]
                address, timeout=self.connect_timeout, set_as_default=False
            )
        except ValueError as error:
            bad_address = str(error)
        except OSError as error:  # includes TimeoutError and refused connections
            cause = error.__cause__ or error  # e.g. the refused connection behind a time-out
            unreachable = str(cause).rsplit(">: ", 1)[-1] or cause.__class__.__name__
        if bad_address is not None or unreachable is not None:
            # free the half-made client now, while its event loop still runs; left to the end of
            # the process, closing it waits and prints errors
            gc.collect()
        if bad_address is not None:
            raise OptionError(
                f"{address!r} is not a Dask scheduler address: {bad_address}", hint=_START_HINT
            )
        if unreachable is not None:
            raise SchedulerUnreachableError(
                f"cannot reach the Dask scheduler at {address} "
                f"within {self.connect_timeout:g} s ({unreachable})",
                hint=_START_HINT,
            )
        try:
            client.wait_for_workers(1, timeout=self.connect_timeout)
        except (OSError, TimeoutError) as error:
            client.close()  # type: ignore[no-untyped-call]
            raise SchedulerUnreachableError(
                f"the Dask scheduler at {address} has no workers after {self.connect_timeout:g} s",
                hint="start workers with `dask worker ADDRESS`",
            ) from error
        self._client = client

    def _start_local_cluster(self) -> None:
        import dask
        from distributed import Client, LocalCluster

        workers = self.jobs or DEFAULT_LOCAL_WORKERS
        try:
            # worker processes take the configuration in force when they start
            with dask.config.set(LOCAL_WORKER_CONFIG):
                cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    # the scheduler's small HTTP endpoint (health checks) would take port 8787
                    scheduler_kwargs=LOOPBACK_HTTP,
                    silence_logs=logging.ERROR,
                )
        except OSError as error:
            raise PluginError(
                f"could not start a local Dask cluster of {workers} workers: {error}",
                hint="try fewer --jobs, or the processes runner",
            ) from error
        client = None
        try:
            client = Client(cluster, set_as_default=False)  # type: ignore[no-untyped-call]
            client.wait_for_workers(workers, timeout=self.connect_timeout * 3)
        except BaseException:
            _shutdown(client, cluster)  # never leave worker processes behind
            raise
        self._client = client
        self._cluster = cluster

    def close(self) -> None:
        """Disconnect, and shut down the local cluster if this runner started one."""
        if self._finalizer is not None:
            self._finalizer()
        self._finalizer = None
        self._function = None
        self._client = None
        self._cluster = None

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- work --------------------------------------------------------------------------------

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        return list(self.imap(function, tasks))

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """The results in task order, a chunk at a time as the cluster finishes them."""
        if not tasks:
            return
        import dask
        from distributed.scheduler import KilledWorker

        client = self.client
        threads = sum(client.nthreads().values()) or 1
        chunks = chunked(list(tasks), threads * CHUNKS_PER_WORKER)
        shared_function = self._shared(function)
        # the documents travel inside the tasks, through the scheduler: it can then rerun a
        # task elsewhere when a worker dies (scattered data would be lost with the worker), so
        # Dask's advice against large graphs is knowingly not taken
        with dask.config.set({"distributed.admin.large-graph-warning-threshold": "1TiB"}):
            futures = client.map(run_chunk, [shared_function] * len(chunks), chunks, pure=False)
        try:
            for future in futures:
                yield from future.result()
        except (KilledWorker, CancelledError) as error:
            # a worker died: with it went its tasks, perhaps the only copy of the function
            self._function = None
            raise PluginError(
                f"a Dask worker died while running the tasks: {error}",
                hint="workers may be running out of memory; use more or larger workers",
            ) from error
        finally:
            client.cancel(futures)

    def _shared(self, function: Callable[..., Any]) -> Any:
        """The function as data on the cluster (a future), sent once for consecutive calls with
        the same function (a strategy's rules can be large, and the CLI maps in batches)."""
        if self._function is not None and self._function[0] is function:
            return self._function[1]
        if self._function is not None:
            self.client.cancel([self._function[1]])
        # a copy on every worker: no fetching before the first chunk, and none lost with a worker
        future = self.client.scatter(function, hash=False, broadcast=True)
        self._function = (function, future)
        return future
