"""One locality over time: each principle's gap in every session, a column per session, oldest first.

The trend reads every session of the locality: it is loaded in a thread and drawn when it arrives."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...renderables import stacked_labels
from ...export.report import TREND_LEGEND, trend_gap_heading, trend_row
from ...session.records import TrendRecord, load_trend
from ...wording import plural
from ..widgets.keybar import KeyBar
from ..workers import read_and_post
from .compare import statement_cell
from .export import ExportScreen

VALUE_WIDTH = 5  # "−2.3", and the stacked heading: 2026 / 12-03 / ab12


class TrendScreen(Screen):
    BINDINGS = [
        Binding("e", "export", "Export", id="trend.export"),
        Binding("escape", "back", "Back", id="trend.back"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        """The locality's trend, read in a thread."""

        record: TrendRecord

    def __init__(self, locality: str):
        super().__init__()
        self.locality = locality

    def compose(self) -> ComposeResult:
        with Vertical(id="trend-body"):
            yield Static(id="trend-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="trend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#trend-title", Static).update(Text(f"Trend: {self.locality} · loading the sessions …",
                                                           style="bold"))
        self.load()

    @work(thread=True, exclusive=True, group="trend")
    def load(self) -> None:
        read_and_post(self, f"The trend for {self.locality}",
                      lambda store: self.Loaded(load_trend(store, self.locality)))

    def on_trend_screen_loaded(self, message: Loaded) -> None:
        record = message.record
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
            shown, line = trend_row(record, t)
            values = [Text(v, justify="right", style="" if p.asked else "dim") for v, p in zip(shown, t.points)]
            table.add_row(statement_cell(t.principle.statement), *values, Text(line, style="bold"), height=None)
        table.focus()

    def action_export(self) -> None:
        self.app.push_screen(ExportScreen(trend=self.locality))

    def action_back(self) -> None:
        self.app.back()
