"""Home: the plans in sessions/ and the sessions in the database; Enter starts or resumes."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...model import SessionSummary
from ...inputs.plan import load_plan
from ...inputs.problems import InputError
from ..widgets.keybar import KeyBar
from .history import id_width, wrapped

NARROW = 96  # below this many columns, a session's locality goes under its title


def lines(*cells: Text) -> int:
    """The lines a row of wrapped cells needs."""
    return max(cell.plain.count("\n") + 1 for cell in cells)


class HomeScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Start / resume", priority=True),
        Binding("tab", "app.focus_next", "Plans ⇄ sessions", show=True),
        Binding("h", "history", "History"),
        Binding("escape", "app.quit", "Quit", show=False),
    ]

    def __init__(self, sessions_dir: Path):
        super().__init__()
        self.sessions_dir = sessions_dir
        self.plans: list[Path] = []
        self.session_ids: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="home-body"):
            yield Static(Text("workshop · partnership health check", style="bold"), id="home-title")
            yield Static(f"Plans in {self.sessions_dir}/ — Enter starts a new session", classes="section")
            yield DataTable(cursor_type="row", id="plans")
            yield Static("Sessions — newest first; Enter resumes or opens", classes="section")
            yield DataTable(cursor_type="row", id="sessions")
        yield KeyBar()

    def on_mount(self) -> None:
        # Column widths from the screen's: the title takes what the rest leave (2 cells of padding each).
        # Titles wrap, never cut; a narrow screen puts the locality under the title, and keeps the id.
        width = self.app.size.width - 4
        self.narrow = width < NARROW
        plans = self.query_one("#plans", DataTable)
        self.plan_title_width = max(12, width - 22 - 10 - 3 - 8)
        plans.add_column("Plan file", width=22)
        plans.add_column("Title", width=self.plan_title_width)
        plans.add_column("Date", width=10)
        plans.add_column("#", width=3)
        sessions = self.query_one("#sessions", DataTable)
        listed = self.app.store.sessions()
        columns = [("Date", 10), ("Ballots", 7), ("Status", 8), ("Id", id_width(listed))]
        if not self.narrow:
            columns.insert(1, ("Locality", 12))
        self.title_width = max(12, width - sum(w + 2 for _, w in columns) - 2)
        columns.insert(1, ("Title", self.title_width))
        for label, w in columns:
            sessions.add_column(label, width=w)
        self.reload(listed)
        # Coming back to an unfinished workshop is the likelier wish than starting another.
        if any(s.status == "open" for s in self.listed):
            sessions.focus()
        else:
            plans.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, listed: list[SessionSummary] | None = None) -> None:
        plans = self.query_one("#plans", DataTable)
        plans.clear()
        self.plans = sorted(self.sessions_dir.glob("*.yaml")) if self.sessions_dir.is_dir() else []
        for path in self.plans:
            name = wrapped(path.name, 22)
            try:
                plan, _ = load_plan(path)
                title = wrapped(plan.title, self.plan_title_width)
                plans.add_row(name, title, plan.date.isoformat(), str(len(plan.principles)), height=lines(name, title))
            except InputError as exc:
                problem = wrapped(f"⚠ {len(exc.problems)} problem(s): Enter shows them", self.plan_title_width,
                                  style="bold")
                plans.add_row(name, problem, "", "", height=lines(name, problem))
        sessions = self.query_one("#sessions", DataTable)
        sessions.clear()
        self.listed = listed = self.app.store.sessions() if listed is None else listed
        self.session_ids = [s.id for s in listed]
        for s in listed:
            title = wrapped(s.title, self.title_width)
            if self.narrow and s.locality:
                title.append("\n")
                title.append_text(wrapped(s.locality, self.title_width, style="dim"))
            locality = [] if self.narrow else [wrapped(s.locality, 12)]
            sessions.add_row(s.date, title, *locality, str(s.ballots), s.status, s.id,
                             height=lines(title, *locality))

    def action_open(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or not table.row_count:
            return
        if table.id == "plans":
            self.app.start_plan(self.plans[table.cursor_row])
        else:
            self.app.resume_session(self.session_ids[table.cursor_row])

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_open()

    def action_history(self) -> None:
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen())
