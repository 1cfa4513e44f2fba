"""Ballots in per group in big digits, readable from the back of the room (tall screens only)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.renderables.digits import Digits
from textual.widget import Widget

from ...model import Group

COLUMN = 20  # a group's column is at least this wide, with GAP after it
GAP = 4


class Columns:
    """Each group's column: its name, "ballots in" and the count in Digits' 3x3 figures."""

    def __init__(self, columns: list[tuple[list[tuple[str, Style]], int]], blank: Style):
        self.columns = columns
        self.blank = blank

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for y in range(5):
            line = []
            for lines, width in self.columns:
                text, style = lines[y]
                line += [Segment(text, style), Segment(" " * (width + GAP - cell_len(text)), self.blank)]
            yield from Segment.simplify(line)  # the gaps join the text beside them in the same style
            yield Segment.line()


class BigCounts(Widget):
    """One widget draws every group's column (it was three widgets and a container per group: each a
    node for the first frame to style and lay out). The name and "ballots in" take their colours
    from the stylesheet's component classes, the digits the widget's own."""

    COMPONENT_CLASSES = {"big-counts--name", "big-counts--of"}

    def __init__(self, groups: tuple[Group, ...], **kwargs):
        super().__init__(**kwargs)
        self.groups = groups
        self.counts: dict[str, int] = {}
        self.sizes: dict[str, int | None] = {}

    def show(self, counts: dict[str, int], sizes: dict[str, int | None] | None = None) -> None:
        widths = [self.column_width(g) for g in self.groups]
        self.counts, self.sizes = dict(counts), dict(sizes or {})
        # Always 5 lines high: laid out again only when a column widens or narrows (a count's digits).
        self.refresh(layout=widths != [self.column_width(g) for g in self.groups])

    def texts(self, group: Group) -> tuple[str, str, str]:
        size = self.sizes.get(group.id)
        return group.name, "ballots in" + (f" (of {size})" if size is not None else ""), str(self.counts.get(group.id, 0))

    def column_width(self, group: Group) -> int:
        name, of, count = self.texts(group)
        return max(COLUMN, cell_len(name), cell_len(of), Digits.get_width(count))

    def get_content_height(self, container, viewport, width: int) -> int:
        return 5

    def render(self) -> Columns:
        name_style = self.get_component_rich_style("big-counts--name")
        of_style = self.get_component_rich_style("big-counts--of")
        digits_style = self.rich_style
        columns = []
        for g in self.groups:
            name, of, count = self.texts(g)
            figures = [s.text for s in Digits(count).render(digits_style) if s.text != "\n"]  # text only
            lines = [(name, name_style), (of, of_style)] + [(line, digits_style) for line in figures]
            columns.append((lines, self.column_width(g)))
        return Columns(columns, digits_style)
