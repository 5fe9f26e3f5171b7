"""The geometry of the report's charts, worked out here and drawn as SVG by the templates.

Each chart is a small frozen value holding positions and labels in SVG user units, so the
templates only place what is computed here and a test can check a chart without a browser:

- :class:`BarMatrix`: codes down the side, time points or cases across, a bar and a number
  in each cell (code frequencies by time point and by case);
- :class:`HeatMap`: codes against codes, each cell shaded by how often the two occur together;
- :class:`ThemeMap`: themes (and subthemes) as boxes joined to the codes they group.

Labels are shortened to fit by their width on screen (a Chinese character takes about two
Latin ones); the full text goes in each shape's tooltip.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import attrs

LABEL_WIDTH = 250
"""Room for the row labels at the left of a chart, in SVG units."""
CHAR_WIDTH = 7.0
"""The width of one narrow character at the charts' font size, roughly."""


def display_width(text: str) -> int:
    """The width of ``text`` in narrow characters: wide (CJK) ones and emoji count two."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or char in "\u200d\ufe0f":
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def shorten(text: str, room: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``room`` SVG units at the charts' font size."""
    limit = max(4, int(room / CHAR_WIDTH))
    if display_width(text) <= limit:
        return text
    kept: list[str] = []
    width = 0
    for char in text:
        step = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if width + step > limit - 1:
            break
        kept.append(char)
        width += step
    return "".join(kept).rstrip() + "…"


def shorten_path(path: str, room: float) -> str:
    """A code path cut to fit ``room``, keeping its end (which tells codes apart): whole last
    parts after ``…/`` where they fill most of the room, else the last characters after ``…``."""
    limit = max(4, int(room / CHAR_WIDTH))
    if display_width(path) <= limit:
        return path
    parts = path.split("/")
    kept: list[str] = []
    for part in reversed(parts[1:]):
        if display_width("…/" + "/".join([part, *kept])) > limit:
            break
        kept.insert(0, part)
    short = "…/" + "/".join(kept)
    if kept and display_width(short) >= 0.6 * limit:
        return short
    tail: list[str] = []
    width = 0
    for char in reversed(path):
        step = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if width + step > limit - 1:
            break
        tail.append(char)
        width += step
    return "…" + "".join(reversed(tail)).lstrip()


def shade(share: float) -> str:
    """A colour from very light to deep blue for a share between 0 and 1."""
    share = min(1.0, max(0.0, share))
    low, high = (239, 244, 251), (16, 63, 135)
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


@attrs.frozen
class Bar:
    """One cell of a :class:`BarMatrix`: a bar from ``x`` of ``width``, and its number."""

    x: float
    y: float
    width: float
    value: int
    tooltip: str


@attrs.frozen
class Label:
    """A text at ``x``, ``y``: ``text`` shown, ``full`` in its tooltip."""

    x: float
    y: float
    text: str
    full: str


@attrs.frozen
class BarMatrix:
    """Codes (rows) against columns (time points or cases), a bar in each cell."""

    title: str
    width: float
    height: float
    row_labels: tuple[Label, ...]
    column_labels: tuple[Label, ...]
    bars: tuple[Bar, ...]
    bar_height: float
    gridlines: tuple[float, ...]
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.bars


ROW = 22.0
CELL = 96.0
HEADER = 34.0


def bar_matrix(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    note: str = "",
) -> BarMatrix:
    """A :class:`BarMatrix` of ``counts[row][column]``; bars are scaled to the largest count."""
    largest = max((value for row in counts for value in row), default=0)
    room = CELL - 34
    bars = []
    for r, (row, values) in enumerate(zip(rows, counts, strict=True)):
        for c, (column, value) in enumerate(zip(columns, values, strict=True)):
            if value:
                bars.append(
                    Bar(
                        x=LABEL_WIDTH + c * CELL + 4,
                        y=HEADER + r * ROW + 4,
                        width=max(1.5, room * value / largest),
                        value=value,
                        tooltip=f"{row} — {column}: {value}",
                    )
                )
    row_labels = tuple(
        Label(
            LABEL_WIDTH - 8,
            HEADER + r * ROW + ROW / 2 + 4,
            shorten_path(row, LABEL_WIDTH - 12),
            row,
        )
        for r, row in enumerate(rows)
    )
    column_labels = tuple(
        Label(LABEL_WIDTH + c * CELL + CELL / 2, HEADER - 12, shorten(column, CELL - 6), column)
        for c, column in enumerate(columns)
    )
    return BarMatrix(
        title=title,
        width=LABEL_WIDTH + len(columns) * CELL + 8,
        height=HEADER + len(rows) * ROW + 8,
        row_labels=row_labels,
        column_labels=column_labels,
        bars=tuple(bars),
        bar_height=ROW - 8,
        gridlines=tuple(LABEL_WIDTH + c * CELL for c in range(len(columns) + 1)),
        note=note,
    )


@attrs.frozen
class HeatCell:
    """One square of a :class:`HeatMap`."""

    x: float
    y: float
    value: int
    fill: str
    dark: bool
    tooltip: str


@attrs.frozen
class HeatMap:
    """Codes against codes; each square shaded by how often the pair occurs together."""

    title: str
    width: float
    height: float
    size: float
    top: float
    row_labels: tuple[Label, ...]
    column_labels: tuple[Label, ...]
    cells: tuple[HeatCell, ...]
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.cells


SQUARE = 30.0


def heat_map(
    title: str,
    codes: Sequence[str],
    pairs: dict[tuple[str, str], tuple[int, float]],
    *,
    note: str = "",
) -> HeatMap:
    """A symmetric :class:`HeatMap` of ``codes``; ``pairs`` maps (code, other) to (count,
    Jaccard's index), each pair given once in either order."""
    largest = max((count for count, _ in pairs.values()), default=0)
    column_texts = [shorten_path(code, 190) for code in codes]
    longest = max((display_width(text) for text in column_texts), default=0)
    top = min(150.0, 24 + longest * CHAR_WIDTH * 0.72)  # room for the slanted column labels
    cells = []
    for r, row in enumerate(codes):
        for c, column in enumerate(codes):
            found = pairs.get((row, column)) or pairs.get((column, row))
            if r == c or found is None or not found[0]:
                continue
            count, jaccard = found
            share = count / largest
            cells.append(
                HeatCell(
                    x=LABEL_WIDTH + c * SQUARE,
                    y=top + r * SQUARE,
                    value=count,
                    fill=shade(0.12 + 0.88 * share),
                    dark=share > 0.45,
                    tooltip=f"{row} + {column}: {count} (Jaccard {jaccard:.2f})",
                )
            )
    row_labels = tuple(
        Label(
            LABEL_WIDTH - 8,
            top + r * SQUARE + SQUARE / 2 + 4,
            shorten_path(code, LABEL_WIDTH - 12),
            code,
        )
        for r, code in enumerate(codes)
    )
    column_labels = tuple(
        Label(LABEL_WIDTH + c * SQUARE + SQUARE / 2 + 4, top - 8, text, code)
        for c, (code, text) in enumerate(zip(codes, column_texts, strict=True))
    )
    return HeatMap(
        title=title,
        width=LABEL_WIDTH + len(codes) * SQUARE + 140,
        height=top + len(codes) * SQUARE + 8,
        size=SQUARE,
        top=top,
        row_labels=row_labels,
        column_labels=column_labels,
        cells=tuple(cells),
        note=note,
    )


@attrs.frozen
class Node:
    """A box of the theme map."""

    x: float
    y: float
    width: float
    label: str
    full: str
    kind: str
    """``theme``, ``subtheme`` or ``code``."""
    status: str = ""


@attrs.frozen
class Edge:
    """A curve between two boxes of the theme map, as SVG path data."""

    path: str
    kind: str
    """``groups`` (theme to code) or ``contains`` (theme to subtheme)."""


@attrs.frozen
class ThemeMap:
    """Themes as boxes in columns by depth, joined to the codes they group at the right."""

    width: float
    height: float
    node_height: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @property
    def empty(self) -> bool:
        return not self.nodes


NODE_WIDTH = 250.0
NODE_HEIGHT = 26.0
GAP = 10.0
COLUMN_GAP = 90.0


def theme_map(
    themes: Sequence[tuple[str, str, str | None, str, Sequence[str]]],
    code_labels: dict[str, str],
) -> ThemeMap:
    """Lay out the theme map. ``themes``: (id, name, parent id, status, code ids), parents
    before or after their subthemes; ``code_labels``: code id -> the label shown."""
    parents = {theme_id: parent for theme_id, _, parent, _, _ in themes}

    def depth(theme_id: str) -> int:
        level, seen = 0, {theme_id}
        parent = parents.get(theme_id)
        while parent is not None and parent in parents and parent not in seen:
            seen.add(parent)
            level += 1
            parent = parents.get(parent)
        return level

    depths = {theme_id: depth(theme_id) for theme_id in parents}
    columns = max(depths.values(), default=-1) + 1
    ordered = _tree_order(themes, depths)
    code_order: dict[str, None] = {}
    for _, _, _, _, code_ids in ordered:
        code_order.update((c, None) for c in code_ids if c in code_labels)
    per_column = [sum(1 for t in themes if depths[t[0]] == n) for n in range(columns)]
    rows = max([*per_column, len(code_order)], default=0)
    step = NODE_HEIGHT + GAP

    def top(count: int) -> float:
        """The first box's y, so that a shorter column is centred beside the tallest."""
        return (rows - count) * step / 2

    placed: dict[str, Node] = {}
    filled = [0] * columns
    for theme_id, name, _, status, _ in ordered:
        column = depths[theme_id]
        x = column * (NODE_WIDTH + COLUMN_GAP)
        y = top(per_column[column]) + filled[column] * step
        filled[column] += 1
        placed[theme_id] = Node(
            x,
            y,
            NODE_WIDTH,
            shorten(name, NODE_WIDTH - 16),
            f"{name} ({status})",
            "subtheme" if column else "theme",
            status,
        )
    code_x = columns * (NODE_WIDTH + COLUMN_GAP)
    code_nodes: dict[str, Node] = {}
    for n, code_id in enumerate(code_order):
        label = code_labels[code_id]
        code_nodes[code_id] = Node(
            code_x,
            top(len(code_order)) + n * step,
            NODE_WIDTH,
            shorten_path(label, NODE_WIDTH - 16),
            label,
            "code",
        )
    edges = []
    for theme_id, _, parent, _, code_ids in themes:
        node = placed[theme_id]
        if parent in placed:
            edges.append(Edge(_curve(placed[parent], node), "contains"))
        for code_id in code_ids:
            if code_id in code_nodes:
                edges.append(Edge(_curve(node, code_nodes[code_id]), "groups"))
    nodes = (*placed.values(), *code_nodes.values())
    return ThemeMap(
        width=(code_x + NODE_WIDTH + 2) if nodes else 0,
        height=rows * step,
        node_height=NODE_HEIGHT,
        nodes=tuple(nodes),
        edges=tuple(edges),
    )


Themes = Sequence[tuple[str, str, str | None, str, Sequence[str]]]


def _tree_order(
    themes: Themes, depths: dict[str, int]
) -> list[tuple[str, str, str | None, str, Sequence[str]]]:
    """The themes with each one's subthemes after it, so subthemes sit beside their parent."""
    children: dict[str | None, list[tuple[str, str, str | None, str, Sequence[str]]]] = {}
    for theme in themes:
        parent = theme[2] if depths[theme[0]] else None
        children.setdefault(parent, []).append(theme)
    ordered: list[tuple[str, str, str | None, str, Sequence[str]]] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        theme = stack.pop()
        ordered.append(theme)
        stack.extend(reversed(children.get(theme[0], [])))
    reached = {theme[0] for theme in ordered}
    ordered.extend(theme for theme in themes if theme[0] not in reached)  # a broken parent chain
    return ordered


def _curve(start: Node, end: Node) -> str:
    """A smooth curve from the right edge of ``start`` to the left edge of ``end``."""
    x1, y1 = start.x + start.width, start.y + NODE_HEIGHT / 2
    x2, y2 = end.x, end.y + NODE_HEIGHT / 2
    middle = (x1 + x2) / 2
    return f"M{x1:.1f},{y1:.1f} C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
