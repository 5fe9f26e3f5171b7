"""Applying a coding strategy to a project: :func:`code`, what ``qualcode code`` runs.

The strategy is looked up by name, the options are checked against what it declares, the runner
is chosen (or given), and what the strategy proposes is added to the project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from qualcode.errors import OptionError
from qualcode.fileio import check_input
from qualcode.options import check_plugin_options
from qualcode.plugins import Plugins, default_plugins
from qualcode.project import Project
from qualcode.strategies.base import Runner, Strategy, StrategyResult

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while a strategy's tasks come back."""


@attrs.frozen
class CodingResult:
    """What :func:`code` did: the strategy and runner used and what the strategy proposed."""

    strategy: str
    runner: str
    proposed: StrategyResult
    """The coder, new codes, codings and cases the strategy proposed (now in the project)."""

    @property
    def warnings(self) -> list[str]:
        """What the person running the strategy should know (e.g. an option that matched
        nothing)."""
        return list(self.proposed.warnings)

    @property
    def hints(self) -> list[str]:
        """Suggestions the strategy made besides its warnings (empty if it makes none)."""
        for field in ("hints", "notes"):
            found = getattr(self.proposed, field, None)
            if found:
                return [str(item) for item in found]
        return []

    @property
    def documents_coded(self) -> int:
        """How many documents received at least one of the new codings."""
        return len({coding.document_id for coding in self.proposed.codings})

    def summary(self) -> str:
        """One line: ``keywords: 12 codings in 3 documents by keywords 1.0, 2 new codes``."""
        proposed = self.proposed
        text = (
            f"{self.strategy}: {_count(len(proposed.codings), 'coding')} in "
            f"{_count(self.documents_coded, 'document')} by {proposed.coder.name}"
        )
        if proposed.codes:
            text += f", {_count(len(proposed.codes), 'new code')}"
        return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def choose_runner(name: str | None, jobs: int | None, scheduler: str | None) -> str:
    """The runner to use: the one named, else ``processes`` for ``jobs`` above 1, ``dask`` for
    a ``scheduler`` address, else ``serial``."""
    if name:
        return name
    if scheduler:
        return "dask"
    if jobs is not None and jobs > 1:
        return "processes"
    return "serial"


def check_strategy_options(strategy: type[Strategy], given: Mapping[str, Any]) -> None:
    """An :class:`~qualcode.errors.OptionError` naming an option ``strategy`` does not declare,
    with the ones it does."""
    check_plugin_options(strategy, given, owner=f"strategy {strategy.name!r}")


@attrs.frozen
class CodingPlan:
    """A strategy, its checked options and the runner to use: everything :func:`code` checks
    before it touches a project (so a command can fail on a bad option before reading a file)."""

    strategy: type[Strategy]
    options: dict[str, Any]
    runner: Runner | None
    """A runner given by the caller (left open), or None to build :attr:`runner_class`."""
    runner_class: type[Runner]
    jobs: int | None = None
    scheduler: str | None = None

    @property
    def runner_name(self) -> str:
        """The name of the runner that will do the work."""
        return self.runner.name if self.runner is not None else self.runner_class.name

    def apply(self, project: Project, progress: Progress | None = None) -> CodingResult:
        """Run the strategy over ``project`` and add what it proposes (see :func:`code`)."""
        owned: Runner | None = None
        chosen = self.runner
        if chosen is None:
            chosen = owned = self.runner_class(jobs=self.jobs, scheduler=self.scheduler)
        try:
            used: Runner = chosen
            if progress is not None:  # the runners module starts pools: imported when needed
                from qualcode.strategies.runners import ProgressRunner

                used = ProgressRunner(chosen, progress)
            proposed = self.strategy().run(project, used, **self.options)
        finally:
            if owned is not None:
                owned.close()
        proposed.apply_to(project)
        return CodingResult(strategy=self.strategy.name, runner=chosen.name, proposed=proposed)


def plan_coding(
    strategy: str,
    *,
    rules: str | Path | None = None,
    jobs: int | None = None,
    runner: str | Runner | None = None,
    scheduler: str | None = None,
    plugins: Plugins | None = None,
    **options: Any,
) -> CodingPlan:
    """Look up the strategy and runner and check the options, as :func:`code` does, without a
    project: a bad name or option is an error before any file is read."""
    plugins = plugins or default_plugins()
    strategy_class = plugins.strategies.get(strategy)
    if rules is not None:
        options["rules"] = check_input(rules)
    check_strategy_options(strategy_class, options)
    if isinstance(runner, Runner):
        return CodingPlan(strategy_class, options, runner, type(runner), jobs, scheduler)
    runner_class = plugins.runners.get(choose_runner(runner, jobs, scheduler))
    if scheduler and not runner_class.uses_scheduler:
        raise OptionError(
            f"--scheduler names a cluster; the {runner_class.name} runner does not use one",
            hint="leave out --runner (or use --runner dask) to run on that cluster",
        )
    return CodingPlan(strategy_class, options, None, runner_class, jobs, scheduler)


def code(
    project: Project,
    strategy: str,
    *,
    rules: str | Path | None = None,
    jobs: int | None = None,
    runner: str | Runner | None = None,
    scheduler: str | None = None,
    plugins: Plugins | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> CodingResult:
    """Apply the coding strategy named ``strategy`` to ``project`` and add what it proposes.

    The project is changed in place: the strategy's machine coder, any new codes and its
    codings are added; existing codings are never changed. ``options`` are the strategy's own
    (see ``qualcode strategies``; an unknown one is an :class:`~qualcode.errors.OptionError`);
    ``rules`` is a rules file for strategies that take one (e.g. keywords' TOML rules).

    ``runner`` is a runner object (left open: the caller closes it) or a runner's name; without
    it, ``processes`` runs ``jobs`` above 1, ``dask`` runs on a ``scheduler`` address, else
    ``serial``. ``progress(done, total)`` is called as the tasks come back.

    An unknown strategy is an :class:`~qualcode.errors.UnknownStrategyError`, an unknown runner
    an :class:`~qualcode.errors.UnknownRunnerError` (both are ``KeyError`` too).

    Example::

        result = qualcode.code(project, "keywords", rules="rules.toml", unit="sentence")
        print(result.summary())
    """
    plan = plan_coding(
        strategy,
        rules=rules,
        jobs=jobs,
        runner=runner,
        scheduler=scheduler,
        plugins=plugins,
        **options,
    )
    return plan.apply(project, progress)
