"""The priorities round's grid: principles × groups (cards: the dots on the wall) or × seats (roster).

The card grid's rules, reused: digits build a count until the cursor leaves the cell, which then
stores it; arrows, Tab and Enter move; Backspace, Delete, + and - edit; Escape forgets what is
typed. Stored counts are masked until the ranking is shown, as cards are until the reveal. Every
statement is whole: a row is as tall as its statement needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from textwrap import wrap

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate

from ...model import Group, Principle, Scale
from ..keys import KeyFamily
from .cards_grid import ARROWS, DIGITS, MASK, CardsGrid

DOT_DIGITS = KeyFamily("Dots: type how many dots; the count is stored when you leave the cell", keys="digits")
DOT_ARROWS = KeyFamily("Dots: store the count and move in the grid (never to another principle)", keys="arrows")
PLACE_WIDTH = 9  # a group's or a seat's column: its name wraps in the header, whole
STATEMENT = 30  # the narrowest statement column: more seats than fit beside it scroll sideways

# store(principle id, group id or seat index, count) -> True once committed, False when refused or asking first.
StoreDots = Callable[[str, "str | int", int], bool]


def for_dots(binding: Binding) -> Binding:
    """One of the card grid's keys, worded for dots: the same action, a command of its own."""
    def said(text: str | None) -> str | None:
        return text and text.replace("Cards:", "Dots:").replace("card", "dot").replace("a group", "a principle")

    return dataclasses.replace(binding, description=said(binding.description), tooltip=said(binding.tooltip),
                               id=binding.id and binding.id.replace("cards.", "dots."),
                               group=DOT_ARROWS if binding.group is ARROWS else binding.group)


class DotsGrid(CardsGrid):
    """Dots per principle (rows) and per group or seat (columns), entered cell by cell."""

    BINDINGS = [
        *[Binding(str(d), f"type_digit({d})", f"Type {d}", show=False, group=DOT_DIGITS) for d in range(10)],
        *[for_dots(b) for b in CardsGrid.BINDINGS if b.group is not DIGITS and b.action != "dont_know"],
    ]

    def __init__(self, principles: tuple[Principle, ...], places: list[tuple[str | int, str]], store: StoreDots,
                 **kwargs):
        # The card grid's rows are its groups and its columns its points: here principles and places.
        super().__init__(tuple(Group(p.id, p.statement) for p in principles), Scale(), store, **kwargs)
        self.fixed_columns = 2  # with many seats the seats scroll sideways; the statements stay
        self.points = [key for key, _ in places]
        self.labels = [label for _, label in places]

    def build(self) -> None:
        self.built_width = width = self.app.size.width
        where = self.cursor_coordinate
        self.clear(columns=True)
        self.shown = {}
        self.add_column("#", key="number", width=3)
        statement = max(STATEMENT, width - 4 - (3 + 2) - len(self.points) * (PLACE_WIDTH + 2) - 2)
        # A seat's whole name, however many lines it takes: "Voluntary sector seat 4" cut to two lines
        # would read the same as seats 1 to 3.
        heads = ["\n".join(wrap(label, PLACE_WIDTH, break_long_words=True)) for label in self.labels]
        self.header_height = max(head.count("\n") + 1 for head in heads)
        self.add_column("Principle", key="statement", width=statement)
        for key, head in zip(self.points, heads):
            self.add_column(Text(head, justify="center"), key=f"place-{key}", width=PLACE_WIDTH)
        for r, row in enumerate(self.groups):
            cells = self._row(row)
            self.add_row(*cells, key=row.id, height=None)  # as tall as the statement needs: never cut
            self.shown.update({(r, c): (cell.plain, str(cell.style)) for c, cell in enumerate(cells)})
        self.cursor_coordinate = where

    def home(self) -> None:
        self.typed, self.typed_cell = "", None
        self.cursor_coordinate = Coordinate(0, 2)

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        value = super(CardsGrid, self).validate_cursor_coordinate(value)
        if len(self.columns) > 2:
            value = Coordinate(value.row, min(max(value.column, 2), len(self.points) + 1))
        return value

    def _row(self, row: Group) -> list:
        index = [g.id for g in self.groups].index(row.id)
        cells: list = [Text(str(index + 1), style="bold"), Text(row.name)]
        for c, key in enumerate(self.points, 2):
            if self.typed_cell == Coordinate(index, c):
                shown = "•" * len(self.typed) if self.private else self.typed
                cells.append(Text(shown + "▏", style="bold reverse", justify="center"))
            elif self.counts.get((row.id, key)):
                cells.append(Text(MASK, style="dim", justify="center"))
            else:
                cells.append(Text("", justify="center"))
        return cells

    def _cell(self, coordinate: Coordinate | None = None) -> tuple[str, str | int] | None:
        row, column = coordinate or self.cursor_coordinate
        if column < 2 or column > len(self.points) + 1 or row >= len(self.groups):
            return None
        return self.groups[row].id, self.points[column - 2]

    @property
    def place(self) -> str | int | None:
        """The group or seat whose column the cursor is in."""
        cell = self._cell()
        return cell[1] if cell is not None else None

    def action_next_row(self) -> None:
        """Enter: store the count and go down a principle, to the next column after the last."""
        row, column = self.cursor_coordinate
        if row + 1 < len(self.groups):
            target = Coordinate(row + 1, column)
        else:
            target = Coordinate(0, (column - 1) % len(self.points) + 2)
        self._leave(lambda: setattr(self, "cursor_coordinate", target))

    def action_next_cell(self) -> None:
        row, column = self.cursor_coordinate
        target = Coordinate(row, column + 1) if column < len(self.points) + 1 else \
            Coordinate((row + 1) % len(self.groups), 2)
        self._leave(lambda: setattr(self, "cursor_coordinate", target))

    def action_previous_cell(self) -> None:
        row, column = self.cursor_coordinate
        target = Coordinate(row, column - 1) if column > 2 else \
            Coordinate((row - 1) % len(self.groups), len(self.points) + 1)
        self._leave(lambda: setattr(self, "cursor_coordinate", target))

    def action_dont_know(self) -> None:
        """Dots have no don't know."""
