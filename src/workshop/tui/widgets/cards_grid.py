"""Card counting: groups × scale points; digits build a count until the cursor leaves the cell.

Nothing here depends on how fast anyone types: a count is what was typed into the cell, stored
when the facilitator leaves it (an arrow, Tab, Enter, or any key that acts on the screen). Before
the reveal the room sees only the cell being typed; every other cell is masked.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from ...model import Group, Scale
from ..keys import KeyFamily

MASK = "·"  # a stored count, hidden until the reveal
MAX_DIGITS = 3
DIGITS = KeyFamily("Cards: type how many cards were raised; the count is stored when you leave the cell", keys="digits")
ARROWS = KeyFamily("Cards: store the count and move in the grid (never to another principle)", keys="arrows")

# store(group, score, count) -> True once committed, False when the screen asked first and is waiting.
Store = Callable[[str, "int | None", int], bool]


class CardsGrid(DataTable):
    """Counts of cards raised per group and score, entered cell by cell."""

    # Digits are bindings, like the arrow keys, so a burst of keys is handled in the order typed.
    # The arrows are DataTable's own actions, declared again to be explained in the help as one line.
    # An id makes a key a command in the palette: typing a digit or erasing one only makes sense as a key.
    BINDINGS = [
        *[Binding(str(d), f"type_digit({d})", f"Type {d}", show=False, group=DIGITS) for d in range(10)],
        *[Binding(key, f"cursor_{key}", f"Cursor {key}", show=False, group=ARROWS)
          for key in ("up", "down", "left", "right")],
        Binding("enter", "next_row", "Store count", show=False, id="cards.store",
                tooltip="Cards: store the count and go down a group"),
        Binding("tab", "next_cell", "Next cell", show=False, id="cards.next-cell",
                tooltip="Cards: store and go right"),
        Binding("shift+tab", "previous_cell", "Previous cell", show=False, id="cards.previous-cell",
                tooltip="Cards: store and go left"),
        Binding("backspace", "erase", "Erase digit", show=False, tooltip="Cards: take back the last digit"),
        Binding("delete", "clear", "Clear cell", show=False, key_display="Del", id="cards.clear",
                tooltip="Cards: no cards in this cell"),
        Binding("escape", "cancel", "Cancel typing", show=False, id="cards.cancel",
                tooltip="Cards: forget the digits being typed"),
        Binding("plus,equals_sign", "adjust(1)", "+1 card", show=False, key_display="+", id="cards.add-one",
                tooltip="Cards: one more card in the cell"),
        Binding("minus", "adjust(-1)", "-1 card", show=False, key_display="-", id="cards.take-one",
                tooltip="Cards: one fewer card in the cell"),
        Binding("d", "dont_know", "Don't know column", show=False, id="cards.dont-know",
                tooltip="Cards: to the don't-know cell"),
    ]

    def __init__(self, groups: tuple[Group, ...], scale: Scale, store: Store, **kwargs):
        super().__init__(cursor_type="cell", zebra_stripes=False, **kwargs)
        self.groups = groups
        self.scale = scale
        self.store = store
        self.points: list[int | None] = list(scale.points) + ([None] if scale.dont_know else [])
        self.counts: dict[tuple[str, int | None], int] = {}
        self.private = False  # the typed digits are masked too
        self.typed = ""  # digits typed into the cell at typed_cell, not stored yet
        self.typed_cell: Coordinate | None = None
        self.built_width: int | None = None
        """The app width the columns were sized for; None before they are built."""
        self.shown: dict[tuple[int, int], tuple[str, str]] = {}
        """Each cell's text and style as last drawn: redraw touches only the cells that change."""

    def on_mount(self) -> None:
        self.build()
        self.home()

    def build(self) -> None:
        """Columns as wide as the screen allows (a projector is read from afar), 3 to 12 characters."""
        self.built_width = width = self.app.size.width
        cells = len(self.points)
        longest = max(len(g.name) for g in self.groups)
        cell = max(3, min(12, (width - min(longest, 16) - 12) // cells - 2))
        # Group names whole when there is room: the cells give way down to 3 characters first. A name
        # longer still wraps, and leaves room for the scroll bar its taller rows may bring the screen.
        room = width - 12 - cells * (cell + 2)
        name_width = max(8, longest if longest <= room else room - 2)
        where = self.cursor_coordinate
        self.clear(columns=True)
        self.shown = {}
        self.add_column(Text("Group"), key="group", width=name_width)  # a str would go through Rich markup
        for p in self.points:
            label = ("Don't know" if cell >= 10 else "dk") if p is None else str(p)
            self.add_column(Text(label, justify="center"), key=str(p), width=cell)
        self.add_column(Text("Cards", justify="center"), key="total", width=5)
        for r, g in enumerate(self.groups):
            cells = self._row(g)
            self.add_row(*cells, key=g.id, height=None)  # a long name ("X about Y") wraps, never cut
            self.shown.update({(r, c): (cell.plain, str(cell.style)) for c, cell in enumerate(cells)})
        self.cursor_coordinate = where

    def on_resize(self) -> None:
        if self.row_count and self.app.size.width != self.built_width:
            self.build()

    def home(self) -> None:
        """The first group's first score: where counting starts on every principle."""
        self.typed, self.typed_cell = "", None
        self.cursor_coordinate = Coordinate(0, 1)

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        # Only the score cells take counts: the cursor never rests on a name or a total.
        value = super().validate_cursor_coordinate(value)
        if len(self.columns) > len(self.points):
            value = Coordinate(value.row, min(max(value.column, 1), len(self.points)))
        return value

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.typed_cell is not None and new != self.typed_cell:
            self.commit()  # a click elsewhere leaves the cell too
        if self.has_focus:  # a wrapped name makes the grid taller: the screen shows it whole
            self.call_after_refresh(self.scroll_visible, animate=False)

    # --- what the cells show ------------------------------------------------------------------

    def _row(self, group: Group) -> list:
        cells: list = [Text(group.name, style="bold")]
        row = [g.id for g in self.groups].index(group.id)
        for c, p in enumerate(self.points, 1):
            if self.typed_cell == Coordinate(row, c):
                shown = "•" * len(self.typed) if self.private else self.typed
                cells.append(Text(shown + "▏", style="bold reverse", justify="center"))
            else:
                cells.append(Text(MASK, style="dim", justify="center"))
        total = sum(self.counts.get((group.id, p), 0) for p in self.points)
        cells.append(Text(str(total), style="bold", justify="center"))
        return cells

    def redraw(self) -> None:
        if not self.row_count:
            return
        # A cell updated in a DataTable redraws the whole table: moving to the next principle with
        # nothing counted yet changes no cell, and draws nothing again.
        for r, g in enumerate(self.groups):
            for c, value in enumerate(self._row(g)):
                look = (value.plain, str(value.style))
                if self.shown.get((r, c)) != look:
                    self.shown[r, c] = look
                    self.update_cell_at(Coordinate(r, c), value)

    def set_counts(self, counts: dict[tuple[str, int | None], int], private: bool = False) -> None:
        self.counts = dict(counts)
        self.private = private
        self.redraw()

    # --- typing -------------------------------------------------------------------------------

    def _cell(self, coordinate: Coordinate | None = None) -> tuple[str, int | None] | None:
        row, column = coordinate or self.cursor_coordinate
        if column == 0 or column > len(self.points) or row >= len(self.groups):
            return None
        return self.groups[row].id, self.points[column - 1]

    @property
    def typing(self) -> bool:
        return self.typed_cell is not None

    def commit(self) -> bool:
        """Store what was typed into the cell being typed. False while the screen asks first."""
        if self.typed_cell is None:
            return True
        cell, digits = self._cell(self.typed_cell), self.typed
        self.typed, self.typed_cell = "", None
        self.redraw()
        if cell is None or not digits:
            return True
        return self._store(cell, int(digits))

    def _store(self, cell: tuple[str, int | None], count: int) -> bool:
        if count == self.counts.get(cell, 0):
            return True
        done = self.store(cell[0], cell[1], count)
        if done:
            self.counts[cell] = count
            self.redraw()
        return done

    def action_type_digit(self, digit: int) -> None:
        if self._cell() is None:
            return
        if self.typed_cell != self.cursor_coordinate:
            self.commit()
            self.typed, self.typed_cell = "", self.cursor_coordinate
        if len(self.typed) < MAX_DIGITS:
            self.typed = str(int(self.typed + str(digit)))  # "0" then "7" is 7
        self.redraw()

    def action_erase(self) -> None:
        """Backspace: the last digit typed goes; on a cell not being typed, edit its stored count."""
        if self._cell() is None:
            return
        if self.typed_cell != self.cursor_coordinate:
            self.commit()
            self.typed, self.typed_cell = str(self.counts.get(self._cell(), 0)), self.cursor_coordinate
        self.typed = self.typed[:-1]
        if not self.typed:
            self.typed = "0"
        self.redraw()

    def action_clear(self) -> None:
        """Delete: the cell goes back to no cards at once."""
        cell = self._cell()
        if cell is not None:
            self.typed, self.typed_cell = "", None
            self._store(cell, 0)

    def action_cancel(self) -> None:
        self.typed, self.typed_cell = "", None
        self.redraw()

    def action_adjust(self, delta: int) -> None:
        cell = self._cell()
        if cell is not None and self.commit():
            self._store(cell, max(0, self.counts.get(cell, 0) + delta))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.typing  # otherwise Escape goes on to the screen
        return True

    # --- leaving the cell -----------------------------------------------------------------------

    def _leave(self, move: Callable[[], None]) -> None:
        if self.commit():
            move()

    def action_cursor_up(self) -> None:
        self._leave(super().action_cursor_up)

    def action_cursor_down(self) -> None:
        self._leave(super().action_cursor_down)

    def action_cursor_left(self) -> None:
        self._leave(super().action_cursor_left)

    def action_cursor_right(self) -> None:
        self._leave(super().action_cursor_right)

    def action_next_row(self) -> None:
        """Enter: store the count and go down a group, to the next score after the last group."""
        row, column = self.cursor_coordinate
        if row + 1 < len(self.groups):
            target = Coordinate(row + 1, column)
        else:
            target = Coordinate(0, column % len(self.points) + 1)
        self._leave(lambda: setattr(self, "cursor_coordinate", target))

    def action_next_cell(self) -> None:
        row, column = self.cursor_coordinate
        target = Coordinate(row, column + 1) if column < len(self.points) else \
            Coordinate((row + 1) % len(self.groups), 1)
        self._leave(lambda: setattr(self, "cursor_coordinate", target))

    def action_previous_cell(self) -> None:
        row, column = self.cursor_coordinate
        target = Coordinate(row, column - 1) if column > 1 else \
            Coordinate((row - 1) % len(self.groups), len(self.points))
        self._leave(lambda: setattr(self, "cursor_coordinate", target))

    def action_dont_know(self) -> None:
        """d: to the don't-know cell of the row."""
        if None in self.points:
            self._leave(lambda: setattr(self, "cursor_coordinate", Coordinate(self.cursor_row, len(self.points))))
