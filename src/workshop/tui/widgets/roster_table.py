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

    def on_mount(self) -> None:
        self.add_column("Participant", key="name")
        self.add_column("Group", key="group")
        self.add_column("Voted", key="voted")
        if self.plan.perception:
            self.add_column("Predicted", key="predicted")

    def show_seats(self, seats: list[SeatView], predicted: set[int] | None = None) -> None:
        """The seats with a tick once voted; with the perception round, a second once predicted
        (predicted: the seats that have), and nothing to tick for a side that is not asked."""
        row = self.cursor_row
        self.clear()
        for s in seats:
            cells = [s.label, self.plan.group(s.group).name,
                     Text("✓ voted", style="bold") if s.voted else Text("–", style="dim")]
            if self.plan.perception:
                asked = self.plan.predicts_about(s.group) is not None
                cells.append(Text("✓ predicted", style="bold") if s.index in (predicted or ()) else
                             Text("–" if asked else "not asked", style="dim"))
            self.add_row(*cells, key=str(s.index))
        if seats:
            self.move_cursor(row=min(row, len(seats) - 1))

    @property
    def seat_index(self) -> int | None:
        return self.cursor_row if self.row_count else None
