"""One locality over time: each principle's gap in every session, a column per session, oldest first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...renderables import stacked_labels
from ...export.report import TREND_LEGEND, trend_gap_heading, trend_sparkline, trend_value
from ...session.records import load_trend
from ...wording import plural
from ..widgets.keybar import KeyBar
from .compare import statement_cell

VALUE_WIDTH = 5  # "−2.3", and the stacked heading: 2026 / 12-03 / ab12


class TrendScreen(Screen):
    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, locality: str):
        super().__init__()
        self.locality = locality

    def compose(self) -> ComposeResult:
        with Vertical(id="trend-body"):
            yield Static(id="trend-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="trend")
        yield KeyBar()

    def on_mount(self) -> None:
        record = load_trend(self.app.store, self.locality)
        count = len(record.sessions)
        title = Text(f"Trend: {record.locality}, {plural(count, 'session')}", style="bold")
        if len(record.groups) >= 2:
            title.append(f"\n{trend_gap_heading(record)} in each session, from the means as shown, oldest first; "
                         f"{TREND_LEGEND}", style="dim")
        if len(record.sessions) < 3:
            title.append("\nA trend needs three or more sessions; this shows what there is.", style="italic")
        self.query_one("#trend-title", Static).update(title)
        labels = stacked_labels(record.labels)
        table = self.query_one(DataTable)
        table.header_height = max([1] + [label.count("\n") + 1 for label in labels])
        trend_width = max(5, count)
        # Each column has one cell of padding either side; 4 more for the scrollbar and the edges.
        width = max(24, self.size.width - (VALUE_WIDTH + 2) * count - (trend_width + 2) - 6)
        table.add_column("Principle", width=width)
        for i, label in enumerate(labels):
            table.add_column(Text(label, justify="right"), width=VALUE_WIDTH, key=f"s{i}")
        table.add_column("Trend", width=trend_width)
        for t in record.trends:
            values = [Text(trend_value(record, p), justify="right", style="" if p.asked else "dim") for p in t.points]
            table.add_row(statement_cell(t.principle.statement), *values,
                          Text(trend_sparkline(record, t), style="bold"), height=None)
        table.focus()

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen(trend=self.locality))

    def action_back(self) -> None:
        self.app.back()
