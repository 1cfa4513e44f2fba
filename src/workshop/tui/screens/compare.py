"""Two sessions compared: each group's mean then and now, and the gap, biggest change first.

Both sessions are read in a thread; the table is drawn when they arrive."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import wrap

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...export.report import WORDING_LEGEND, WORDING_MARK, comparison_explained, comparison_groups, comparison_rows
from ...session.records import ComparisonRecord, load_comparison
from ...wording import DASH, move_parts
from ..widgets.keybar import KeyBar
from ..workers import read_and_post
from .export import ExportScreen

NARROW = 100  # below this a move takes two lines: then → now, and how it moved
PADDING = 2  # a DataTable cell's padding, one each side
EDGES = 4  # the scrollbar and the table's edges


def move_cell(before: float | None, after: float | None, *, gap: bool = False, stacked: bool = False) -> Text:
    """A move as every report words it; stacked, the change goes on a line of its own."""
    head, how = move_parts(before, after, gap=gap)
    text = Text(head)
    if how:
        text.append("\n" if stacked else " ")
        text.append(how, style="bold")
    return text


def statement_cell(statement: str, mark: str = "") -> Text:
    """A whole statement: the table wraps it onto as many lines as its row needs."""
    text = Text(" ".join(statement.split()))
    if mark:
        text.append(mark, style="bold")
    return text


class CompareScreen(Screen):
    BINDINGS = [
        Binding("e", "export", "Export", id="compare.export"),
        Binding("escape", "back", "Back", id="compare.back"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        """The two sessions compared, read in a thread."""

        comparison: ComparisonRecord

    def __init__(self, first: str, second: str):
        super().__init__()
        self.first = first
        self.second = second

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-body"):
            yield Static(id="compare-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="compare")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#compare-title", Static).update(Text("Comparing the two sessions: loading …", style="bold"))
        self.load()

    @work(thread=True, exclusive=True, group="compare")
    def load(self) -> None:
        read_and_post(self, f"Comparing sessions {self.first} and {self.second}",
                      lambda store: self.Loaded(load_comparison(store, self.first, self.second)))

    def on_compare_screen_loaded(self, message: Loaded) -> None:
        comparison = message.comparison
        # Each session by title, date and id: two sessions can share a title and a date.
        title = Text()
        for word, record in (("Then: ", comparison.before), ("Now:  ", comparison.after)):
            title.append(word, style="bold")
            title.append(f"{record.plan.title} ({record.plan.date}, session {record.session.id})\n")
        title.append(f"{comparison_explained(comparison)} {WORDING_LEGEND}", style="dim")
        self.query_one("#compare-title", Static).update(title)
        table = self.query_one(DataTable)
        groups = comparison_groups(comparison)
        stacked = self.size.width < NARROW
        move_width, gap_width = (10, 15) if stacked else (16, 28)
        width = max(16, self.size.width - (3 + PADDING) - (move_width + PADDING) * len(groups)
                    - (gap_width + PADDING) - EDGES)
        # A long group name wraps in its heading: "then → now" goes under all of it.
        table.header_height = 1 + max([len(wrap(g.name, move_width)) for g in groups] + [1])
        table.add_column(Text("#", justify="right"), key="n", width=3)
        table.add_column("Principle", key="p", width=width)
        for g in groups:
            table.add_column(f"{g.name}\nthen → now", key=g.id, width=move_width)
        table.add_column("Gap\nthen → now", key="gap", width=gap_width)
        for n, c, _, gaps in comparison_rows(comparison):
            mark = f" {WORDING_MARK}" if c.wording_changed else ""
            cells = [Text(str(n), justify="right"), statement_cell(c.principle.statement, mark)]
            for g in groups:
                change = c.groups.get(g.id)
                cells.append(move_cell(change.before, change.after, stacked=stacked) if change else Text(DASH))
            cells.append(move_cell(*gaps, gap=True, stacked=stacked))
            table.add_row(*cells, height=None)
        table.focus()

    def action_export(self) -> None:
        self.app.push_screen(ExportScreen(comparison=(self.first, self.second)))

    def action_back(self) -> None:
        self.app.back()
