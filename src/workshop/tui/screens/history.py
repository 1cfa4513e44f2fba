"""History: every session; type to filter; Enter opens one read-only; mark two and compare; a trend; delete.

The list grows with the years: it is read in a thread and drawn when it arrives."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import wrap

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from ...model import SessionSummary
from ...wording import plural
from ..widgets.keybar import KeyBar
from ..widgets.line_table import LineTable
from ..workers import read_and_post
from .compare import CompareScreen
from .dialogs import ConfirmScreen
from .export import ExportScreen
from .trend import TrendScreen
from .styled import StyledOnce

GROUPS_MAX = 24  # a longer list of groups wraps in its column
SLICE = 100  # rows built per frame: more than a screen holds
FIRST_PAGE = 60  # the newest sessions, read and drawn first; the rest follow in the same worker


def wrapped(text: str, width: int, style: str = "") -> Text:
    """Text broken at spaces to fit width, so the row's height is known before it is drawn (cheap for
    thousands of rows); a word longer than the width is folded, never cut."""
    return Text("\n".join(wrap(text, width) or [""]), style=style)


def id_width(sessions: list[SessionSummary]) -> int:
    """An id column as wide as the longest id, so ids never wrap (people type them)."""
    return max([10] + [len(s.id) for s in sessions])


def searched(summary: SessionSummary) -> str:
    """What the filter looks in: date, title, locality and id, case folded."""
    return f"{summary.date} {summary.title} {summary.locality} {summary.id}".casefold()


def matching(sessions: list[SessionSummary], words: str, haystacks: dict[str, str]) -> list[SessionSummary]:
    """The sessions whose searched text holds every word typed; haystacks keeps each session's text
    from one keystroke to the next."""
    words = words.casefold().split()
    if not words:
        return list(sessions)
    shown = []
    for s in sessions:
        haystack = haystacks.get(s.id)
        if haystack is None:
            haystack = haystacks[s.id] = searched(s)
        if all(w in haystack for w in words):
            shown.append(s)
    return shown


class HistoryScreen(StyledOnce, Screen):
    AUTO_FOCUS = "#history"  # the list, where on_mount puts it: not the filter first (a restyle each)
    BINDINGS = [
        Binding("enter", "open", "Open", priority=True, id="history.open"),
        Binding("space", "mark", "Mark for compare", show=True, id="history.mark"),
        Binding("c", "compare", "Compare", id="history.compare"),
        Binding("l", "trend", "Trend", id="history.trend"),
        Binding("e", "export", "Export", id="history.export"),
        Binding("x,delete", "delete", "Delete", key_display="x", id="history.delete"),
        Binding("slash", "filter", "Filter", key_display="/", id="history.filter"),
        Binding("escape", "back", "Back", id="history.back"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        """Sessions newest first, read in a thread: the newest page, then every one (complete)."""

        sessions: list[SessionSummary]
        complete: bool = True

    def __init__(self):
        super().__init__()
        self.sessions: list[SessionSummary] = []
        """Every session, newest first (empty until read)."""
        self.shown: list[SessionSummary] = []
        """The sessions the filter lets through, in the table's order."""
        self.marked: list[str] = []
        """The ids marked for compare, at most two."""
        self.columns: list[str] = []
        """The table's column labels; empty until the sessions arrive (their ids size a column)."""
        self.wide = False
        """A wide screen has columns for the locality and the groups."""
        self.title_width = self.groups_width = 12
        """The widths of the wrapped title and groups columns."""
        self.column_widths: list[tuple[str, int]] = []
        """Each column's label and width, as the table draws them."""
        self.built: dict[str, tuple[list, int]] = {}
        """Each session's cells and height once built, by id: filtering never builds a row again."""
        self.haystacks: dict[str, str] = {}
        """What the filter looks in, by session id, made once."""
        self.complete = False
        """Whether every session has arrived (the newest page comes first)."""
        self.generation = 0
        """Counts the times the list was drawn: a slice of rows built for an older one is dropped."""

    def compose(self) -> ComposeResult:
        with Vertical(id="history-body"):
            yield Static(Text("History", style="bold"), id="history-title")
            yield Input(placeholder="Filter: locality, title or date", id="filter")
            yield LineTable(zebra_stripes=True, id="history")
            yield Static(id="history-help")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history-help", Static).update("Reading the sessions …")
        self.query_one(LineTable).focus()  # keys typed while the list is read act on it, as before
        self.load()

    @work(thread=True, exclusive=True, group="history")
    def load(self) -> None:
        def newest_then_all(store) -> HistoryScreen.Loaded:
            # Years of sessions take a while to read and lay out: the newest screenful shows first.
            newest = store.sessions(limit=FIRST_PAGE)
            if len(newest) < FIRST_PAGE:
                return self.Loaded(newest)
            self.post_message(self.Loaded(newest, complete=False))
            return self.Loaded(store.sessions())

        read_and_post(self, "Listing the sessions", newest_then_all)

    def on_history_screen_loaded(self, message: Loaded) -> None:
        self.complete = message.complete
        if message.complete and self.columns and self.extends(message.sessions):
            return
        self.sessions = message.sessions
        self.set_columns()
        self.fill()

    def set_columns(self) -> None:
        # A wide screen has a column for the groups; a narrow one puts locality and groups under the title.
        # The id is always there: two sessions can share a title and a date.
        self.wide = self.app.size.width >= 100
        columns = [("", 1), ("Date", 10), ("Ballots", 7), ("Status", 8), ("Id", id_width(self.sessions))]
        if self.wide:
            widest = max((len(", ".join(s.groups)) for s in self.sessions), default=0)
            self.groups_width = min(GROUPS_MAX, max(len("Groups"), widest))
            columns[2:2] = [("Locality", 12)]
            columns[-1:-1] = [("Groups", self.groups_width)]
        self.title_width = max(12, self.app.size.width - 4 - sum(w + 2 for _, w in columns) - 2)
        columns.insert(2, ("Title", self.title_width))
        self.columns = [label for label, _ in columns]
        self.column_widths = columns

    def extends(self, sessions: list[SessionSummary]) -> bool:
        """Take every session after the newest page: when the columns keep their widths and the
        page is where it was, the rest is appended under it (the cursor and the filter stay)."""
        shown_before = len(self.shown)
        old_widths = self.column_widths
        self.sessions = sessions
        self.set_columns()
        if self.column_widths != old_widths:
            self.built.clear()  # wrapped to the old widths
            return False
        words = self.query_one("#filter", Input).value
        shown = matching(sessions, words, self.haystacks)
        if [s.id for s in shown[:shown_before]] != [s.id for s in self.shown]:
            return False
        self.shown = shown
        self.build_more(self.generation)
        self.show_help()
        return True

    def row(self, s: SessionSummary) -> tuple[list, int]:
        """A session's cells, each wrapped to its column (nothing cut), and the lines the row needs."""
        title = wrapped(s.title, self.title_width)
        cells = {"": Text("●" if s.id in self.marked else " ", style="bold"), "Date": s.date,
                 "Ballots": str(s.ballots), "Status": s.status, "Id": s.id}
        if self.wide:
            cells |= {"Locality": wrapped(s.locality, 12), "Groups": wrapped(", ".join(s.groups), self.groups_width)}
        else:
            facts = " · ".join(x for x in (s.locality, ", ".join(s.groups)) if x)
            if facts:
                title.append("\n")
                title.append_text(wrapped(facts, self.title_width, style="dim"))
        cells["Title"] = title
        row = [cells[label] for label in self.columns]
        return row, max(1, *(cell.plain.count("\n") + 1 for cell in row if isinstance(cell, Text)))

    def fill(self) -> None:
        if not self.columns:
            return  # the sessions are still being read: the filter applies when they arrive
        words = self.query_one("#filter", Input).value
        self.shown = matching(self.sessions, words, self.haystacks)
        # Each session's cells are built once (a mark rebuilds its row): a filter keystroke only
        # picks rows, and the table draws only those on screen. Rows not built yet are built a
        # slice per frame, so the first rows show at once and keys keep flowing.
        self.generation += 1
        self.query_one(LineTable).show(self.column_widths, self.ready_rows(0))
        self.build_more(self.generation)
        self.show_help()

    def show_help(self) -> None:
        # The keys the key bar may have no room for at 80 columns, and where to find them all.
        count = (f"{len(self.shown)} of {len(self.sessions)} sessions" if self.complete
                 else f"{len(self.shown)} of the newest {len(self.sessions)} sessions, reading the rest …")
        help_text = (f"{count} · marked for compare: {len(self.marked)} "
                     "of 2 (space); c compares them, the older first · l trend · e export · x deletes · "
                     "? every key")
        self.query_one("#history-help", Static).update(help_text)

    def ready_rows(self, start: int) -> list[tuple[list, int]]:
        """The rows of the shown sessions from start on: a slice built now, then all already built."""
        built, shown = self.built, self.shown
        end = min(len(shown), start + SLICE)
        for s in shown[start:end]:
            if s.id not in built:
                built[s.id] = self.row(s)
        while end < len(shown) and shown[end].id in built:
            end += 1
        return [built[s.id] for s in shown[start:end]]

    def build_more(self, generation: int) -> None:
        """The next slice of rows, unless the list was drawn again meanwhile (a filter, a mark)."""
        table = self.query_one(LineTable)
        if generation != self.generation or table.row_count >= len(self.shown):
            return
        table.append_rows(self.ready_rows(table.row_count))
        if table.row_count < len(self.shown):
            self.set_timer(1 / 60, lambda: self.build_more(generation))  # a frame goes out between slices

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.fill()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @property
    def selected(self) -> SessionSummary | None:
        table = self.query_one(LineTable)
        return self.shown[table.cursor_row] if self.shown else None

    def action_mark(self) -> None:
        s = self.selected
        if s is None:
            return
        before = set(self.marked)
        if s.id in self.marked:
            self.marked.remove(s.id)
        else:
            self.marked = (self.marked + [s.id])[-2:]
        for sid in before ^ set(self.marked):  # the rows whose mark changed
            self.built.pop(sid, None)
        self.fill()

    def action_open(self) -> None:
        # Enter opens the selected session, from the table or straight from the filter.
        if self.selected:
            self.app.open_readonly(self.selected.id)

    def action_compare(self) -> None:
        if len(self.marked) != 2:
            self.notify("Mark two sessions with space first", severity="warning")
            return
        # The older one is "then", whichever was marked first: by date, then by when it was started.
        marked = sorted((s for s in self.sessions if s.id in self.marked), key=lambda s: (s.date, s.created_at))
        self.app.push_screen(CompareScreen(*(s.id for s in marked)))

    def action_trend(self) -> None:
        s = self.selected
        if s is None or not s.locality:
            self.notify("This session has no locality", severity="warning")
            return
        self.app.push_screen(TrendScreen(s.locality))

    def action_export(self) -> None:
        if self.selected:
            self.app.push_screen(ExportScreen(self.selected))

    def action_delete(self) -> None:
        s = self.selected
        if s is None:
            return
        question = (f"Delete session {s.date} {s.title} ({plural(s.ballots, 'ballot')}), "
                    "with its notes and actions? This cannot be undone.")
        # Wrapped here: the dialog is 60 columns wide and its question must show whole.
        self.app.push_screen(ConfirmScreen(question),
                             lambda yes: self.delete(s) if yes else None)

    def delete(self, summary: SessionSummary) -> None:
        self.app.store.delete_session(summary.id)
        self.sessions = [s for s in self.sessions if s.id != summary.id]
        self.marked = [sid for sid in self.marked if sid != summary.id]
        self.fill()
        self.notify(f"Deleted session {summary.date} {summary.title}")

    def action_back(self) -> None:
        self.app.back()
