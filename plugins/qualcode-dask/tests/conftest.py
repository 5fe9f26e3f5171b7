"""Fixtures for the Dask runner's tests: a local cluster started by the tests themselves."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator

import pytest

INSTALLED = all(importlib.util.find_spec(name) for name in ("distributed", "qualcode_dask"))
"""Without the plugin installed (pip install -e plugins/qualcode-dask) its tests are not run."""

collect_ignore_glob = [] if INSTALLED else ["test_*.py"]


def pytest_report_header() -> str | None:
    if INSTALLED:
        return None
    return "qualcode-dask is not installed, so its tests are skipped (pip install -e it)"


@pytest.fixture(scope="session")
def scheduler_address() -> Iterator[str]:
    """The address of a cluster of two single-threaded worker processes on 127.0.0.1."""
    from distributed import LocalCluster
    from qualcode_dask.runner import LOOPBACK_HTTP

    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs=LOOPBACK_HTTP,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        assert isinstance(address, str)
        yield address
