"""Loss reports: what an importer or exporter could not carry, and warnings it raised.

"Lossless" is a claim a test proves: nothing in :attr:`LossReport.losses`. Each :class:`Loss`
says what was dropped, where, and how many times, so the CLI can print one line per kind of loss.

Some things are not lost but kept in another form: a theme written for NVivo becomes a set of
codes, a code's inclusion criteria go into its description. Such a line carries ``kept_as`` (the
form it was kept in) and goes into :attr:`LossReport.kept`, apart from the losses: it does not
make a report lossy, so ``--strict`` does not refuse it, but it is shown, so that nobody is
surprised to find a theme as a set.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs


@attrs.frozen
class Loss:
    """One kind of thing that could not be carried, or (with ``kept_as``) was carried changed."""

    what: str
    where: str = ""
    count: int = 1
    kept_as: str = ""
    """Empty for a loss. Otherwise the thing was kept in another form, which this names in a
    reader's words (``"sets of codes"``)."""

    @property
    def lost(self) -> bool:
        """Whether the thing is gone (not kept in another form)."""
        return not self.kept_as

    def __str__(self) -> str:
        kept = f", as {self.kept_as}" if self.kept_as else ""
        where = f" in {self.where}" if self.where else ""
        times = f" ({self.count}x)" if self.count != 1 else ""
        return f"{self.what}{kept}{where}{times}"


@attrs.define
class LossReport:
    """What an import or export dropped, what it kept in another form, and its warnings.

    ``losses`` holds only what is gone; ``kept`` what was kept in another form (see
    :class:`Loss`). Iterating over a report, and its length, cover the losses alone.
    """

    losses: list[Loss] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)
    kept: list[Loss] = attrs.field(factory=list)
    target: str = ""
    """For an export written for one program's reading rules (a REFI-QDA ``target``): its name
    (``"nvivo"``, ``"spec"``, ...); empty otherwise."""
    written_for: str = ""
    """That choice in words, for the report's first line (e.g. ``"NVivo (target nvivo, the
    program the project came from)"``)."""

    def add(self, what: str, where: str = "", count: int = 1, *, kept_as: str = "") -> None:
        """Record a loss, or with ``kept_as`` a thing kept in another form; the same ``what``,
        ``where`` and ``kept_as`` add up their counts."""
        entries = self.kept if kept_as else self.losses
        for index, loss in enumerate(entries):
            if loss.what == what and loss.where == where and loss.kept_as == kept_as:
                entries[index] = attrs.evolve(loss, count=loss.count + count)
                return
        entries.append(Loss(what, where, count, kept_as))

    def warn(self, message: str) -> None:
        """Record a warning (it does not count as a loss)."""
        self.warnings.append(message)

    def extend(self, other: LossReport) -> None:
        """Add ``other``'s losses, kept lines and warnings (and its target, if this has none)."""
        for loss in [*other.losses, *other.kept]:
            self.add(loss.what, loss.where, loss.count, kept_as=loss.kept_as)
        self.warnings.extend(other.warnings)
        if not self.target:
            self.target, self.written_for = other.target, other.written_for

    @property
    def lossless(self) -> bool:
        """True when nothing was lost (warnings and things kept in another form do not count)."""
        return not self.losses

    def __iter__(self) -> Iterator[Loss]:
        return iter(self.losses)

    def __len__(self) -> int:
        return len(self.losses)

    def lines(self) -> list[str]:
        """One human-readable line for the target written, per loss, per thing kept in another
        form, then per warning."""
        head = [f"written for {self.written_for}"] if self.written_for else []
        return (
            head
            + [f"lost: {loss}" for loss in self.losses]
            + [f"kept in another form: {loss}" for loss in self.kept]
            + [f"warning: {w}" for w in self.warnings]
        )
