"""qualcode-dask: run qualcode coding strategies on a Dask cluster."""

from __future__ import annotations

from qualcode_dask.runner import DaskRunner, SchedulerUnreachableError

__all__ = ["DaskRunner", "SchedulerUnreachableError", "__version__"]

__version__ = "0.1.0"
