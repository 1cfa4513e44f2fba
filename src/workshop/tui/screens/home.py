"""Home: the plans in sessions/ and the sessions in the database; Enter starts or resumes.

Every plan file is parsed, and the newest sessions and every unfinished one listed, in a thread each
time Home is shown (History lists them all); the tables fill when they arrive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from ...model import SessionSummary
from ...wording import plural
from ...inputs.plan import load_plan
from ...inputs.problems import InputError
from ..widgets.keybar import KeyBar
from ..widgets.line_table import LineTable
from ..workers import read_and_post
from .history import HistoryScreen, id_width, wrapped
from .styled import StyledOnce

NARROW = 96  # below this many columns, a session's locality goes under its title
NEWEST = 50  # sessions Home lists besides the unfinished ones; History lists every one
SESSIONS_HEADING = "Sessions — newest first; Enter resumes or opens"


def lines(*cells: Text) -> int:
    """The lines a row of wrapped cells needs."""
    return max(cell.plain.count("\n") + 1 for cell in cells)


class PlanFile(NamedTuple):
    """A plan file as Home lists it: its title, date and size, or how many problems stop it."""

    path: Path
    title: str = ""
    date: date | None = None
    principles: int = 0
    problems: int = 0


def read_plans(folder: Path) -> list[PlanFile]:
    """Every plan in folder, parsed (slow with many plans: called in a thread)."""
    listed = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            plan, _ = load_plan(path)
        except InputError as exc:
            listed.append(PlanFile(path, problems=len(exc.problems)))
        else:
            listed.append(PlanFile(path, plan.title, plan.date, len(plan.principles)))
    return listed


class HomeScreen(StyledOnce, Screen):
    BINDINGS = [
        Binding("enter", "open", "Start / resume", priority=True, id="home.open"),
        # No id: moving the focus is a key, not a command for the palette.
        Binding("tab", "app.focus_next", "Plans ⇄ sessions", show=True),
        Binding("h", "history", "History", id="home.history"),
        # Escape is "back" everywhere else, so here it asks first: one Escape too many must not put
        # the shell on the projector. ctrl+q quits at once.
        Binding("escape", "quit", "Quit", show=False, id="home.quit"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        """The plan files and the sessions, read in a thread."""

        plans: list[PlanFile]
        sessions: list[SessionSummary]
        total: int
        """How many sessions the database holds (Home lists the newest and the unfinished)."""

    def __init__(self, sessions_dir: Path):
        super().__init__()
        self.sessions_dir = sessions_dir
        self.plans: list[Path] = []
        """The plan files listed, in the plans table's order."""
        self.session_ids: list[str] = []
        """The sessions listed, newest first, in the sessions table's order."""
        self.listed: list[SessionSummary] | None = None
        """The sessions as last read; None until the first read arrives."""
        self.narrow = False
        """Below NARROW columns a session's locality goes under its title."""
        self.plan_title_width = self.title_width = 12
        """The title columns' widths: what the other columns leave."""
        self.plan_columns: list[tuple[str, int]] = []
        self.session_columns: list[tuple[str, int]] = []
        """Each table's column labels and widths (the sessions' once the first read arrives)."""
        self.came_from: str | None = None
        """The session just left for Home (WorkshopApp.back): the cursor goes to it once listed."""

    def compose(self) -> ComposeResult:
        with Vertical(id="home-body"):
            yield Static(Text("workshop · partnership health check", style="bold"), id="home-title")
            yield Static(f"Plans in {self.sessions_dir}/ — Enter starts a new session", classes="section")
            yield LineTable(id="plans")
            yield Static(SESSIONS_HEADING, classes="section", id="sessions-heading")
            yield LineTable(id="sessions")
        yield KeyBar()

    def on_mount(self) -> None:
        # Column widths from the screen's: the title takes what the rest leave (2 cells of padding each).
        # Titles wrap, never cut; a narrow screen puts the locality under the title, and keeps the id.
        width = self.app.size.width - 4
        self.narrow = width < NARROW
        self.plan_title_width = max(12, width - 22 - 10 - 3 - 8)
        self.plan_columns = [("Plan file", 22), ("Title", self.plan_title_width), ("Date", 10), ("#", 3)]
        plans = self.query_one("#plans", LineTable)
        plans.show(self.plan_columns, [])
        plans.loading = True

    def on_screen_resume(self) -> None:
        # Back on Home the cursors start at the top, as they always have; the tables fill in when read,
        # and a row chosen meanwhile stays chosen (keys never land on a row that moved under them).
        for table in self.query(LineTable):
            table.cursor_row = 0
        self.load()

    @work(thread=True, exclusive=True, group="home")
    def load(self) -> None:
        read_and_post(self, "Listing the plans and sessions",
                      lambda store: self.Loaded(read_plans(self.sessions_dir), store.home_sessions(NEWEST),
                                                store.count_sessions()))

    def on_home_screen_loaded(self, message: Loaded) -> None:
        first = self.listed is None
        if first:
            self.add_session_columns(message.sessions)
        self.show_plans(message.plans)
        self.show_sessions(message.sessions)
        more = message.total - len(message.sessions)
        self.query_one("#sessions-heading", Static).update(
            SESSIONS_HEADING + (f" · {plural(more, 'older session')} in History (h)" if more > 0 else ""))
        if self.came_from in self.session_ids:  # back from a session: it is under the cursor
            sessions = self.query_one("#sessions", LineTable)
            sessions.cursor_row = self.session_ids.index(self.came_from)
            sessions.focus()
            self.came_from = None
        # Coming back to an unfinished workshop is the likelier wish than starting another.
        elif first:
            wanted = "#sessions" if any(s.status == "open" for s in message.sessions) else "#plans"
            self.query_one(wanted, LineTable).focus()

    def add_session_columns(self, listed: list[SessionSummary]) -> None:
        width = self.app.size.width - 4
        columns = [("Date", 10), ("Ballots", 7), ("Status", 8), ("Id", id_width(listed))]
        if not self.narrow:
            columns.insert(1, ("Locality", 12))
        self.title_width = max(12, width - sum(w + 2 for _, w in columns) - 2)
        columns.insert(1, ("Title", self.title_width))
        self.session_columns = columns

    def show_plans(self, files: list[PlanFile]) -> None:
        plans = self.query_one("#plans", LineTable)
        plans.loading = False
        chosen = self.chosen(plans, self.plans)
        self.plans = [f.path for f in files]
        rows = []
        for f in files:
            name = wrapped(f.path.name, 22)
            if f.problems:
                problem = wrapped(f"⚠ {f.problems} problem(s): Enter shows them", self.plan_title_width,
                                  style="bold")
                rows.append(([name, problem, "", ""], lines(name, problem)))
            else:
                title = wrapped(f.title, self.plan_title_width)
                rows.append(([name, title, f.date.isoformat(), str(f.principles)], lines(name, title)))
        plans.show(self.plan_columns, rows, cursor=self.choose(self.plans, chosen))

    def show_sessions(self, listed: list[SessionSummary]) -> None:
        sessions = self.query_one("#sessions", LineTable)
        chosen = self.chosen(sessions, self.session_ids)
        self.listed = listed
        self.session_ids = [s.id for s in listed]
        rows = []
        for s in listed:
            title = wrapped(s.title, self.title_width)
            if self.narrow and s.locality:
                title.append("\n")
                title.append_text(wrapped(s.locality, self.title_width, style="dim"))
            locality = [] if self.narrow else [wrapped(s.locality, 12)]
            rows.append(([s.date, title, *locality, str(s.ballots), s.status, s.id], lines(title, *locality)))
        sessions.show(self.session_columns, rows, cursor=self.choose(self.session_ids, chosen))

    @staticmethod
    def chosen(table: LineTable, keys: list) -> str | Path | None:
        """What the row under the cursor lists (a plan's path, a session's id), if the table has rows."""
        return keys[table.cursor_row] if table.row_count and table.cursor_row < len(keys) else None

    @staticmethod
    def choose(keys: list, key) -> int:
        """The row listing key now, wherever it moved; the top if it is gone."""
        return keys.index(key) if key is not None and key in keys else 0

    def action_open(self) -> None:
        table = self.focused
        if not isinstance(table, LineTable) or not table.row_count:
            return
        if table.id == "plans":
            self.app.start_plan(self.plans[table.cursor_row])
        else:
            self.app.resume_session(self.session_ids[table.cursor_row])

    @on(LineTable.RowSelected)
    def selected(self) -> None:
        self.action_open()

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen())

    def action_quit(self) -> None:
        from .dialogs import ConfirmScreen

        self.app.push_screen(ConfirmScreen("Quit workshop? Everything is saved.", yes="quit", no="stay"),
                             callback=lambda yes: self.app.exit() if yes else None)
