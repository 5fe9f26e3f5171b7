"""The qualcode plugin: registers the ``dask`` runner (entry point group ``qualcode``)."""

from __future__ import annotations

from qualcode.hookspecs import hookimpl
from qualcode.strategies.base import Runner
from qualcode_dask.runner import DaskRunner


@hookimpl
def register_runners() -> list[type[Runner]]:
    return [DaskRunner]
