"""The roster: one row per participant with their group and a tick once they have voted."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from ...session.running import SeatView
from ...model import Plan
from ..keys import KeyFamily

CHOOSE = KeyFamily("Roster: choose a participant", keys="arrows")


class RosterTable(DataTable):
    # DataTable's own actions, declared again so the help explains them as one line.
    BINDINGS = [Binding(key, f"cursor_{key}", f"Cursor {key}", show=False, group=CHOOSE) for key in ("up", "down")]

    def __init__(self, plan: Plan, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.plan = plan
        self.widths: tuple[int | None, int | None] | None = None
        """The name and group columns' widths as built; None (each) for as wide as its longest."""

    def on_mount(self) -> None:
        self.build((None, None))

    def build(self, widths: tuple[int | None, int | None]) -> None:
        self.widths = widths
        self.clear(columns=True)
        self.add_column("Participant", key="name", width=widths[0])
        self.add_column("Group", key="group", width=widths[1])
        self.add_column("Voted", key="voted")
        if self.plan.perception:
            self.add_column("Predicted", key="predicted")

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.has_focus:
            # The table scrolls its own rows; the screen must show the whole table too, or on a short
            # terminal the selected seat's last line hides below the edge.
            self.call_after_refresh(self.scroll_visible, animate=False)

    def fit(self, seats: list[SeatView]) -> tuple[int | None, int | None]:
        """Names and groups as wide as they are when all fits the screen; else they wrap in what the
        ticks leave, so the Predicted column is never pushed off the right edge."""
        name = max([len("Participant"), *(len(s.label) for s in seats)])
        group = max([len("Group"), *(len(self.plan.group(s.group).name) for s in seats)])
        ticks = len("✓ voted") + (len("✓ predicted") if self.plan.perception else 0)
        room = self.app.size.width - 4 - 2 * len(self.columns) - ticks - 2  # padding, cell padding, scroll bar
        if name + group <= room:
            return None, None
        group_width = max(8, min(group, room // 3))
        return max(12, room - group_width), group_width

    def show_seats(self, seats: list[SeatView], predicted: set[int] | None = None) -> None:
        """The seats with a tick once voted; with the perception round, a second once predicted
        (predicted: the seats that have), and nothing to tick for a side that is not asked."""
        row = self.cursor_row
        widths = self.fit(seats)
        if widths != self.widths:
            self.build(widths)
        else:
            self.clear()
        for s in seats:
            cells = [Text(s.label), Text(self.plan.group(s.group).name),
                     Text("✓ voted", style="bold") if s.voted else Text("–", style="dim")]
            if self.plan.perception:
                asked = self.plan.predicts_about(s.group) is not None
                cells.append(Text("✓ predicted", style="bold") if s.index in (predicted or ()) else
                             Text("–" if asked else "not asked", style="dim"))
            self.add_row(*cells, key=str(s.index), height=None if self.widths != (None, None) else 1)
        if seats:
            self.move_cursor(row=min(row, len(seats) - 1))

    @property
    def seat_index(self) -> int | None:
        return self.cursor_row if self.row_count else None
