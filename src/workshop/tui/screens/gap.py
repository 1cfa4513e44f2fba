"""The gap view: every principle side by side, sortable and filterable, then a short summary."""

from __future__ import annotations

import dataclasses
from textwrap import wrap

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from ...analytics import (
    BLIND_SPOT,
    FLAGS,
    SHARED_CONCERN,
    SHARED_STRENGTH,
    GroupStats,
    PrincipleResult,
    summary,
)
from ...perception import MISREAD
from ...priorities import Priority, placed
from ...renderables import SORTS, diverging_bar, sort_results, spark
from ...session.running import LiveSession
from ...wording import (
    DASH, TOO_FEW, number, owner_due, pair_label, perception_words, plural, priority_words, result_gap,
    result_gap_words, signed,
)
from ..messages import OpenPrinciple
from ..widgets.keybar import KeyBar
from ..widgets.line_table import LineTable
from .export import ExportScreen
from .styled import StyledOnce

STATEMENT = 44  # the narrowest statement column that still reads as prose at a glance
TOP_PRIORITIES = 5  # the summary lists the ranking's first few; x shows all of it
SORT_NAMES = {"order": "plan order", "gap": "biggest gap first", "theme": "theme"}


def mean_cell(result: PrincipleResult, group: str) -> Text:
    stats = result.groups[group]
    if stats.suppressed:
        return Text(TOO_FEW, style="italic")
    if stats.mean is None:
        return Text(DASH, style="dim")
    return Text(number(stats.mean), style="bold")


def hide(result: PrincipleResult) -> PrincipleResult:
    """The result of a principle still open: how many ballots, but no scores, gap or flags."""
    groups = {g: GroupStats(g, s.n, s.dont_know, None, None, None, {}) for g, s in result.groups.items()}
    return dataclasses.replace(result, groups=groups, gap=None, flags=(), perceptions={})


class GapScreen(StyledOnce, Screen[int | None]):
    """Over a vote screen (over_vote) it dismisses with a principle's position (Enter) or None (Escape);
    on its own (a finished or reviewed session) Enter asks the app for a vote screen on top of it."""

    BINDINGS = [
        Binding("enter", "open", "Open principle", priority=True, id="gap.open"),
        Binding("o", "sort", "Sort", id="gap.sort"),
        Binding("f", "filter", "Filter flag", id="gap.filter"),
        Binding("b", "pair", "Compare pair", id="gap.pair"),
        Binding("x", "priorities", "Priorities", id="gap.priorities"),
        Binding("e", "export", "Export", id="gap.export"),
        Binding("escape", "back", "Back", id="gap.back"),
    ]

    results: var[list[PrincipleResult]] = var(list)
    """The results as the room may see them (load): a principle not yet revealed shows no numbers."""
    states: var[dict[str, str]] = var(dict)
    """Each principle's state when the results were loaded."""
    filled_width: var[int | None] = var(None)
    """The screen width the table was last drawn for; None before it is drawn."""
    left: var[bool] = var(False)
    """The screen was covered by another (a principle, a dialog): its results may have changed."""
    show_bars: var[bool] = var(False)
    """The table has room for a bar beside each gap (columns decides)."""
    show_distributions: var[bool] = var(False)
    """The table has room for each group's score distribution (columns decides)."""

    def __init__(self, live: LiveSession, *, over_vote: bool = False):
        super().__init__()
        self.live = live
        self.over_vote = over_vote
        """Opened from a vote screen, which takes the chosen principle back (else the app opens one)."""
        self.sort = "gap" if live.session.status == "finished" else "order"
        self.flag: str | None = None
        self.priorities: dict[str, Priority] = {}
        """The priorities round's ranking by principle id, once shown (x opens the round)."""
        self.rows: list[int] = []
        """Each table row's principle position, in the order shown."""

    def compose(self) -> ComposeResult:
        with Vertical(id="gap-body"):
            yield Static(id="gap-title")
            yield LineTable(zebra_stripes=True, id="gap-table")
            yield Static(id="summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()
        self.fill()
        self.query_one(LineTable).focus()

    def load(self) -> None:
        """Results as the room may see them: a principle not yet revealed shows no numbers (nor the
        priorities round's dots before its ranking is shown)."""
        self.states = self.live.states()
        shown = self.live.readonly or self.live.priorities_state() == "closed"
        self.priorities = {p.id: p for p in self.live.priorities()} if shown else {}
        self.results = [r if self.live.readonly or self.states[r.principle.id] == "closed" else hide(r)
                        for r in self.live.results()]

    def columns(self) -> list[tuple[Text | str, int]]:
        """Every group's mean, the gap and the flags; the statement takes the rest (at least STATEMENT
        columns where the screen allows: the bars and distributions give way first).

        Statements, flags and long group names wrap onto as many lines as they need: nothing is cut off.
        """
        width = self.app.size.width
        names = [g.name for g in self.live.groups]
        # A group's column is as wide as its longest word; a longer name wraps in a taller header.
        means = [max(5, max(len(w) for w in name.split()), 7 if width >= 100 else 5) for name in names]
        heads = [Text("\n".join(wrap(name, w))) for name, w in zip(names, means)]

        dots = [5] if self.priorities else []  # the priorities round's dots, once its ranking is shown

        def statement_width(bars: bool, scores: bool, flags: int) -> int:
            fixed = [3, *means, 14 if bars else 5, *dots] + ([11] if scores else []) + [flags]
            return width - 2 - sum(w + 2 for w in fixed) - 4

        # Richest layout whose statement column still reads as prose; else the plainest one.
        layouts = [(True, True, 20), (False, True, 16), (False, False, 16), (False, False, 12)]
        bars, scores, flags = next((lay for lay in layouts if statement_width(*lay) >= STATEMENT), layouts[-1])
        columns = [("#", 3), ("Principle", max(16, statement_width(bars, scores, flags))),
                   *zip(heads, means), ("Gap", 14 if bars else 5), *(("Dots", w) for w in dots)]
        if scores:
            columns.append(("Scores", 11))
        columns.append(("Flags", flags))
        self.show_bars, self.show_distributions = bars, scores
        return columns

    def on_resize(self) -> None:
        # The principle column takes what the others leave: redraw only when the width changed.
        if self.filled_width is not None and self.app.size.width != self.filled_width:
            self.fill()

    def fill(self) -> None:
        table = self.query_one(LineTable)
        plan = self.live.plan
        a, b = self.live.pair[:2]
        names = plan.group_names
        self.rows = []
        columns = self.columns()
        rows: list[tuple[list, None]] = []
        self.filled_width = self.app.size.width  # the width the columns were worked out for
        states = self.states
        noted = self.noted()
        for number_, r in sort_results(self.results, self.sort):
            if self.flag and self.flag not in r.flags:
                continue
            self.rows.append(number_ - 1)
            statement = Text(r.principle.statement)
            if self.sort == "theme":
                statement = Text.assemble((f"{plan.theme_title(r.principle.theme)}: ", "dim"), statement)
            gap = result_gap(r)
            gap_text = Text(signed(gap), style="bold")
            if self.show_bars:
                gap_text.append(" " + diverging_bar(gap, plan.scale.range, half=4, whole_range=True))
            cells = [str(number_), statement, *(mean_cell(r, g.id) for g in plan.groups), gap_text]
            if self.priorities:
                cells.append(Text(str(self.priorities[r.principle.id].total)
                                  if self.priorities[r.principle.id].total else ""))
            if self.show_distributions:
                shown = self.live.readonly or states[r.principle.id] == "closed"
                cells.append(Text(spark(r.groups[a], plan.scale) + " " + spark(r.groups[b], plan.scale)
                                  if shown else ""))
            flags = self.flags_cell(r, states[r.principle.id], self.live.readonly)
            if noted.get(r.principle.id):
                flags.append(("\n" if flags else "") + noted[r.principle.id], style="italic")
            cells.append(flags)
            rows.append((cells, None))
        if not self.rows:
            empty = [""] * len(columns)
            empty[1] = Text(f"No principle is flagged {self.flag} (f shows the next flag)", style="italic")
            rows.append((empty, None))
        table.show(columns, rows, cursor=0)  # a new sort, filter or pair starts at the top, as it always has
        title = Text(f"Gap view · {plan.title}", style="bold")
        title.append(f"\nSorted by {SORT_NAMES[self.sort]} (o) · showing {self.flag or 'all principles'} (f) · "
                     f"gap = {pair_label(self.live.pair, names)}"
                     + (" (b: another pair)" if len(plan.groups) > 2 else ""))
        legend = []
        if self.show_bars:
            legend.append(f"a gap bar to the left: {names[b]} rates lower")
        if self.show_distributions:
            legend.append(f"Scores: how many gave each score, {plan.scale.min} on the left to {plan.scale.max} "
                          f"on the right, {names[a]} then {names[b]}")
        if legend:
            title.append("\n" + "; ".join(legend), style="dim")
        self.query_one("#gap-title", Static).update(title)
        self.query_one("#summary", Static).update(self.summary())

    def noted(self) -> dict[str, str]:
        """Principle id -> '2 actions · 1 note' where the room noted or agreed something."""
        counts: dict[str, list[int]] = {}
        for n in self.live.store.notes(self.live.id):
            counts.setdefault(n.principle_id, [0, 0])[1] += 1
        for act in self.live.actions(everywhere=True):
            counts.setdefault(act.principle_id, [0, 0])[0] += 1
        return {pid: " · ".join(plural(n, w) for n, w in zip(c, ("action", "note")) if n)
                for pid, c in counts.items() if pid}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pair":
            return len(self.live.groups) > 2
        if action == "priorities":
            return self.live.plan.priorities
        return True

    def action_priorities(self) -> None:
        from .priorities import open_priorities

        open_priorities(self.app, self.live)

    def action_pair(self) -> None:
        self.live.next_pair()
        self.load()
        self.fill()

    @staticmethod
    def flags_cell(result: PrincipleResult, state: str, readonly: bool) -> Text:
        if state == "pending" and not any(s.ballots for s in result.groups.values()):
            return Text("not voted yet", style="dim")
        if state != "closed" and not readonly:
            return Text("not revealed yet", style="dim")
        return Text(", ".join(result.flags))

    def summary(self) -> Group:
        """Shared strengths, shared concerns, blind spots and actions, each item with a hanging indent."""
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
        if self.live.plan.perception:
            names = self.live.plan.group_names
            section("Misread", [(f"{i}.", r.principle.statement + " — " + "; ".join(
                perception_words(p, names) for p in r.perceptions.values()))
                for i, r in enumerate(self.results, 1) if MISREAD in r.flags], "none")
        if self.priorities:
            top = placed(sorted(self.priorities.values(), key=lambda p: p.rank))[:TOP_PRIORITIES]
            section("Priorities", [(f"{p.rank}.", f"{p.principle.statement} — {priority_words(p, self.live.plan.group_names)}")
                                   for p in top], "no dots placed")
        actions = []
        for act in self.live.actions(everywhere=True):
            extra = owner_due(act.owner, act.due)
            actions.append(("•", act.text + (f" ({extra})" if extra else "")))
        section("Actions", actions, "none yet (a on a principle)")
        return Group(*parts)

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.fill()

    def action_filter(self) -> None:
        options = [None, *FLAGS, *((MISREAD,) if self.live.plan.perception else ())]
        self.flag = options[(options.index(self.flag) + 1) % len(options)]
        self.fill()

    @on(LineTable.RowSelected)
    def action_open(self) -> None:
        table = self.query_one(LineTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        position = self.rows[table.cursor_row]
        if self.over_vote:
            self.dismiss(position)
        else:
            self.post_message(OpenPrinciple(self.live, position))

    def on_screen_suspend(self) -> None:
        self.left = True

    def on_screen_resume(self) -> None:
        # Back from a principle: its ballots or state may have changed.
        if self.left:
            self.load()
            self.fill()

    def action_export(self) -> None:
        self.app.push_screen(ExportScreen(self.live.session))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss(None)
        else:
            self.app.back()
