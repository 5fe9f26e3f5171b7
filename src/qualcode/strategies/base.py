"""The contract of coding strategies and of the runners that execute their work.

A strategy proposes codings made by a machine coder; people decide what to keep. A strategy splits
its work into independent, picklable tasks (usually one per document) and hands them to a
:class:`Runner`, which may run them in this process, in a process pool or on a cluster: the result
must be the same, in the same order, whatever the runner.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, TypeVar

import attrs

from qualcode.model import Case, Code, Coder, Coding, Memo
from qualcode.options import OptionsDeclaration
from qualcode.project import Project

T = TypeVar("T")
R = TypeVar("R")


NONDETERMINISTIC = "__qualcode_nondeterministic__"


def nondeterministic(function: Callable[[T], R]) -> Callable[[T], R]:
    """Mark ``function`` as one whose result may differ between calls (it asks a model).

    Runners run each task of a marked function exactly once, in this process (where it keeps its
    connections and cache), rather than in workers that may lose a task and run it again with a
    different result. Returns ``function`` itself.
    """
    setattr(function, NONDETERMINISTIC, True)
    return function


def is_deterministic(function: Callable[..., object]) -> bool:
    """Whether ``function`` may be run anywhere, and again, with the same result."""
    return not getattr(function, NONDETERMINISTIC, False)


class Runner(ABC):
    """Executes a function over a sequence of tasks and returns the results in task order."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    uses_scheduler: ClassVar[bool] = False
    """Whether the runner works on a cluster whose scheduler address ``scheduler`` can name."""

    def __init__(self, *, jobs: int | None = None, scheduler: str | None = None) -> None:
        """Every runner is built this way; ``jobs`` is the number of workers wanted (None: the
        runner's default), ``scheduler`` the address of an existing cluster, for runners that
        use one."""
        self.jobs = jobs
        self.scheduler = scheduler

    @abstractmethod
    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        """``[function(t) for t in tasks]``, however the work is spread."""

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """The results of :meth:`map`, in task order, each as soon as the runner has it, so a
        caller can use early results while later tasks still run. By default all come when
        :meth:`map` returns; runners that see their tasks finish override this."""
        yield from self.map(function, tasks)

    @property
    def streams(self) -> bool:
        """Whether :meth:`imap` hands results over while later tasks still run."""
        return type(self).imap is not Runner.imap

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release workers or connections (default: nothing to release)."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SerialRunner(Runner):
    """Runs every task in this process, one after the other."""

    name = "serial"
    description = "run in this process (default)"

    def map(self, function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        return [function(task) for task in tasks]

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        return map(function, tasks)


@attrs.define
class StrategyResult:
    """What a strategy proposes: new codes (e.g. inductive suggestions), machine codings, and
    cases to add or extend (e.g. one case per speaker)."""

    coder: Coder
    codes: list[Code] = attrs.field(factory=list)
    codings: list[Coding] = attrs.field(factory=list)
    cases: list[Case] = attrs.field(factory=list)
    memos: list[Memo] = attrs.field(factory=list)
    """Memos about the proposed codings, e.g. a model's rationale for each."""
    warnings: list[str] = attrs.field(factory=list)
    """What the person running the strategy should know, e.g. an option that matched nothing."""
    hints: list[str] = attrs.field(factory=list)
    """Why the strategy proposed nothing (for the whole project or for some documents), and what
    to try instead, e.g. ``no speaker turns found ...; try ...``; ``qualcode code`` prints them
    on stderr. Empty when there is nothing to explain."""

    def apply_to(self, project: Project) -> None:
        """Add the coder (if new), codes, codings and cases to ``project``.

        Human codings are untouched; a case whose id exists already replaces that case. A code
        or coding the project already holds, identical, is left as it is (a strategy run again
        may propose it again); one that differs under the same id is an error.
        """
        if self.coder.id not in project.coders:
            project.add_coder(self.coder)
        for code in self.codes:
            if project.codes.get(code.id) != code:
                project.add_code(code)
        codings = project.codings
        project.add_codings(c for c in self.codings if c.id not in codings or codings[c.id] != c)
        for case in self.cases:
            project.add_case(case, replace=case.id in project.cases)
        for memo in self.memos:
            if project.memos.get(memo.id) != memo:
                project.add_memo(memo)


class Strategy(ABC):
    """Proposes codings. Subclasses set ``name``, ``version``, ``description`` and ``options``."""

    name: ClassVar[str]
    version: ClassVar[str] = "0"
    description: ClassVar[str] = ""
    options: ClassVar[OptionsDeclaration] = ()
    """Option name -> help text, shown by ``qualcode strategies``."""
    deterministic: ClassVar[bool] = True
    """False for a strategy whose answers may differ from run to run unless it replays them
    from a cache (a language model): it passes the work that is not deterministic to runners
    marked with :func:`nondeterministic`, and warns when it runs without its cache."""

    @abstractmethod
    def run(self, project: Project, runner: Runner, **options: Any) -> StrategyResult:
        """Propose codings for ``project`` without changing it.

        Deterministic: the same project and options give the same codings in the same order.
        """
