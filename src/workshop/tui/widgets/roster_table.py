"""The roster: one row per participant with their group and a tick once they have voted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...session.running import SeatView
from ...model import Plan


class RosterTable(DataTable):
    def __init__(self, plan: Plan, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.plan = plan

    def on_mount(self) -> None:
        self.add_column("Participant", key="name")
        self.add_column("Group", key="group")
        self.add_column("Voted", key="voted")

    def show_seats(self, seats: list[SeatView]) -> None:
        row = self.cursor_row
        self.clear()
        for s in seats:
            self.add_row(s.label, self.plan.group(s.group).name,
                         Text("✓ voted", style="bold") if s.voted else Text("–", style="dim"), key=str(s.index))
        if seats:
            self.move_cursor(row=min(row, len(seats) - 1))

    @property
    def seat_index(self) -> int | None:
        return self.cursor_row if self.row_count else None
