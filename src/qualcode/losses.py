"""Loss reports: what an importer or exporter could not carry, and warnings it raised.

"Lossless" is a claim a test proves: an empty report. Each :class:`Loss` says what was dropped,
where, and how many times, so the CLI can print one line per kind of loss.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs


@attrs.frozen
class Loss:
    """One kind of thing that could not be carried."""

    what: str
    where: str = ""
    count: int = 1

    def __str__(self) -> str:
        where = f" in {self.where}" if self.where else ""
        times = f" ({self.count}x)" if self.count != 1 else ""
        return f"{self.what}{where}{times}"


@attrs.define
class LossReport:
    """What an import or export dropped, and its warnings (e.g. a position model fallback)."""

    losses: list[Loss] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)

    def add(self, what: str, where: str = "", count: int = 1) -> None:
        """Record a loss; the same ``what`` and ``where`` add up their counts."""
        for index, loss in enumerate(self.losses):
            if loss.what == what and loss.where == where:
                self.losses[index] = attrs.evolve(loss, count=loss.count + count)
                return
        self.losses.append(Loss(what, where, count))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def extend(self, other: LossReport) -> None:
        for loss in other.losses:
            self.add(loss.what, loss.where, loss.count)
        self.warnings.extend(other.warnings)

    @property
    def lossless(self) -> bool:
        """True when nothing was lost (warnings do not count as losses)."""
        return not self.losses

    def __iter__(self) -> Iterator[Loss]:
        return iter(self.losses)

    def __len__(self) -> int:
        return len(self.losses)

    def lines(self) -> list[str]:
        """One human-readable line per loss, then one per warning."""
        return [f"lost: {loss}" for loss in self.losses] + [f"warning: {w}" for w in self.warnings]
