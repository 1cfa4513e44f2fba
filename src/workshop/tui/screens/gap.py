"""The gap view: every principle side by side, sortable and filterable, then a short summary."""

from __future__ import annotations

import dataclasses

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...analytics import (
    BLIND_SPOT,
    FLAGS,
    SHARED_CONCERN,
    SHARED_STRENGTH,
    GroupStats,
    PrincipleResult,
    summary,
)
from ...console import SORTS, diverging_bar, sort_results, spark
from ...live import LiveSession
from ...wording import result_gap_words
from ..widgets.keybar import KeyBar

SORT_NAMES = {"order": "plan order", "gap": "biggest gap first", "theme": "theme"}


def mean_cell(result: PrincipleResult, group: str) -> Text:
    stats = result.groups[group]
    if stats.suppressed:
        return Text("too few", style="italic")
    if stats.mean is None:
        return Text("–", style="dim")
    return Text(f"{stats.mean:.1f}", style="bold")


def hide(result: PrincipleResult) -> PrincipleResult:
    """The result of a principle still open: how many ballots, but no scores, gap or flags."""
    groups = {g: GroupStats(g, s.n, s.dont_know, None, None, None, {}) for g, s in result.groups.items()}
    return dataclasses.replace(result, groups=groups, gap=None, flags=())


class GapScreen(Screen[int | None]):
    """Over a vote screen it dismisses with a principle's position (Enter) or None (Escape);
    on its own (a finished or reviewed session) Enter opens a vote screen on top of it."""

    BINDINGS = [
        Binding("enter", "open", "Open principle", priority=True),
        Binding("o", "sort", "Sort"),
        Binding("f", "filter", "Filter flag"),
        Binding("e", "export", "Export"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, live: LiveSession):
        super().__init__()
        self.live = live
        self.sort = "gap" if live.session.status == "finished" else "order"
        self.flag: str | None = None
        self.rows: list[int] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="gap-body"):
            yield Static(id="gap-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="gap-table")
            yield Static(id="summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()
        self.fill()
        self.query_one(DataTable).focus()

    def load(self) -> None:
        """Results as the room may see them: a principle not yet revealed shows no numbers."""
        self.states = self.live.states()
        self.results = [r if self.live.readonly or self.states[r.principle.id] == "closed" else hide(r)
                        for r in self.live.results()]

    def add_columns(self, table: DataTable) -> int:
        """Columns sized to the screen; returns the principle column's width."""
        a, b = self.live.groups[0].name, self.live.groups[1].name
        wide = self.app.size.width >= 100
        # Below 100 columns the bars and distributions give way to the statements (the reveal has them).
        fixed = [("#", 3), (a, max(5, len(a))), (b, max(5, len(b))), ("Gap", 14 if wide else 5)]
        if wide:
            fixed.append(("Scores", 11))
        fixed.append(("Flags", 20 if wide else 15))
        principle = max(16, self.app.size.width - 2 - sum(w + 2 for _, w in fixed) - 2 - 2)
        columns = fixed[:1] + [("Principle", principle)] + fixed[1:]
        for label, width in columns:
            table.add_column(label, width=width, key=label)
        self.show_distributions = wide
        return principle

    def on_resize(self) -> None:
        # The principle column takes what the others leave: redraw only when the width changed.
        if hasattr(self, "results") and self.size.width != getattr(self, "_filled_width", None):
            self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        plan = self.live.plan
        a, b = plan.groups[0].id, plan.groups[1].id
        table.clear(columns=True)
        self.rows = []
        width = self.add_columns(table)
        self._filled_width = self.size.width
        states = self.states
        for number, r in sort_results(self.results, self.sort):
            if self.flag and self.flag not in r.flags:
                continue
            self.rows.append(number - 1)
            statement = r.principle.statement
            if self.sort == "theme":
                statement = f"{plan.theme_title(r.principle.theme)}: {statement}"
            if len(statement) > width:
                statement = statement[: width - 1] + "…"
            gap = Text("   –" if r.gap is None else f"{r.gap:+4.1f}", style="bold")
            if self.show_distributions:
                gap.append(" " + diverging_bar(r.gap, plan.scale.range, half=4))
            cells = [str(number), statement, mean_cell(r, a), mean_cell(r, b), gap]
            if self.show_distributions:
                shown = self.live.readonly or states[r.principle.id] == "closed"
                cells.append(Text(spark(r.groups[a], plan.scale) + " " + spark(r.groups[b], plan.scale)
                                  if shown else ""))
            cells.append(self.flags_cell(r, states[r.principle.id], self.live.readonly))
            table.add_row(*cells, key=str(number))
        if not self.rows:
            empty = [""] * len(table.columns)
            empty[1] = Text(f"No principle is flagged {self.flag} (f shows the next flag)", style="italic")
            table.add_row(*empty, key="none")
        title = Text(f"Gap view · {plan.title}", style="bold")
        title.append(f"\nSorted by {SORT_NAMES[self.sort]} (o) · showing {self.flag or 'all principles'} (f) · "
                     f"gap = {plan.groups[1].name} − {plan.groups[0].name}; a bar to the left: "
                     f"{plan.groups[1].name} rates lower")
        self.query_one("#gap-title", Static).update(title)
        self.query_one("#summary", Static).update(self.summary())

    @staticmethod
    def flags_cell(result: PrincipleResult, state: str, readonly: bool) -> Text:
        if state == "pending" and not any(s.ballots for s in result.groups.values()):
            return Text("not voted yet", style="dim")
        if state != "closed" and not readonly:
            return Text("not revealed yet", style="dim")
        return Text(", ".join(result.flags))

    def summary(self) -> Group:
        """Shared strengths, shared concerns, blind spots and actions, each item with a hanging indent."""
        plan = self.live.plan
        a, b = plan.groups[0].name, plan.groups[1].name
        parts: list = []

        def section(heading: str, items: list[tuple[str, str]], empty: str) -> None:
            title = Text(heading, style="bold")
            if not items:
                title.append(f"  {empty}", style="dim")
                parts.append(title)
                return
            parts.append(title)
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, justify="right", width=4)
            grid.add_column(ratio=1)
            for mark, text in items:
                grid.add_row(mark, text)
            parts.append(grid)

        headings = {SHARED_STRENGTH: "Shared strengths", SHARED_CONCERN: "Shared concerns", BLIND_SPOT: "Blind spots"}
        for flag, found in summary(self.results).items():
            items = [(f"{i}.", r.principle.statement + (f" — {result_gap_words(r, self.live.plan.group_names)}" if flag == BLIND_SPOT else ""))
                     for i, r in found]
            section(headings[flag], items, "none")
        actions = []
        for act in self.live.actions(everywhere=True):
            extra = ", ".join(x for x in (act.owner, f"due {act.due}" if act.due else "") if x)
            actions.append(("•", act.text + (f" ({extra})" if extra else "")))
        section("Actions", actions, "none yet (a on a principle)")
        return Group(*parts)

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.fill()

    def action_filter(self) -> None:
        options = [None, *FLAGS]
        self.flag = options[(options.index(self.flag) + 1) % len(options)]
        self.fill()

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        from .vote import VoteScreen

        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        position = self.rows[table.cursor_row]
        screens = self.app.screen_stack
        if len(screens) >= 2 and isinstance(screens[-2], VoteScreen):
            self.dismiss(position)
        else:
            self.live.go(position)
            self.app.push_screen(VoteScreen(self.live))

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Back from a principle: its ballots or state may have changed.
        if getattr(self, "_left", False):
            self.load()
            self.fill()

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen(self.live.id))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss(None)
        else:
            self.app.back()
