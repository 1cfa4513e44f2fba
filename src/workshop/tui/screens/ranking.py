"""The priorities round's result: the principles ranked by their dots, overall or by one group's.

Every statement whole (wrapped, never cut). a on a priority opens the action dialog with that
principle linked: the ranking becomes actions in one step.
"""

from __future__ import annotations

from textwrap import wrap

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from ...priorities import Priority, group_ranking, placed
from ...session.running import LiveSession
from ...wording import TOO_FEW, dots_cell, plural
from ..widgets.keybar import KeyBar
from ..widgets.line_table import LineTable
from .export import ExportScreen
from .note import NoteScreen


class RankingScreen(Screen):
    """The ranking, most dots first (equal totals in plan order); o shows one group's ranking."""

    BINDINGS = [
        # A priority binding, as on the vote screen: what is typed straight after it goes to the dialog.
        Binding("a", "action", "Make it an action", priority=True, id="ranking.action"),
        Binding("o", "order", "Overall/by group", id="ranking.order"),
        Binding("u", "reopen", "Take dots again", id="ranking.reopen"),
        Binding("e", "export", "Export", id="ranking.export"),
        Binding("escape", "back", "Back", id="ranking.back"),
    ]

    def __init__(self, live: LiveSession, *, finish: bool = False):
        super().__init__()
        self.live = live
        self.finish = finish  # reached after the last principle: the session is finished
        self.by: str | None = None  # None: overall; else the group whose dots order the list
        self.shown: list[Priority] = []
        self.filled_width: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ranking-body"):
            yield Static(id="ranking-title")
            yield LineTable(zebra_stripes=True, id="ranking-table")
            yield Static(id="ranking-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.finish and not self.live.readonly:
            self.live.finish()
        self.fill()
        self.query_one(LineTable).focus()

    def on_resize(self) -> None:
        if self.filled_width is not None and self.app.size.width != self.filled_width:
            self.fill()

    def columns(self) -> list[tuple[Text | str, int]]:
        width = self.app.size.width
        names = [g.name for g in self.live.groups]
        # Wide enough for its name's longest word and for "too few to show" on two lines.
        dots = [max(7, max(len(w) for w in name.split())) for name in names]
        heads = [Text("\n".join(wrap(name, w)), justify="right") for name, w in zip(names, dots)]
        fixed = [4, *dots, 5]
        statement = max(16, width - 2 - sum(w + 2 for w in fixed) - 2 - 4)
        return [("Rank", 4), ("Principle", statement), *zip(heads, dots), ("Total", 5)]

    def fill(self) -> None:
        live = self.live
        ranked = live.priorities()
        self.shown = placed(ranked) if self.by is None else [p for p in group_ranking(live.plan, ranked, self.by)
                                                              if p.dots[self.by]]
        self.filled_width = self.app.size.width
        order = {p.id: i for i, p in enumerate(live.principles, 1)}
        rows = []
        for p in self.shown:
            statement = Text(p.principle.statement)
            statement.append(f"  (principle {order[p.id]})", style="dim")
            cells = [Text(str(p.rank), style="bold"), statement,
                     *(Text(dots_cell(p.dots[g.id]), style="italic" if p.dots[g.id] is None else "",
                            justify="right") for g in live.groups),
                     Text(str(p.total), style="bold", justify="right")]
            rows.append((cells, None))
        columns = self.columns()
        if not rows:
            empty = [""] * len(columns)
            hidden = [g for g in self.hidden(ranked) if self.by in (None, g.id)]
            if hidden:
                # Dots were placed, but by too few people to show: saying "no dots" would be untrue.
                why = (f"Too few people placed dots to show a ranking (fewer than {live.plan.min_group_size} "
                       f"in {', '.join(g.name for g in hidden)})")
            else:
                why = "No dots yet" + (f" from {live.plan.group(self.by).name}" if self.by else "")
            empty[1] = Text(why + (" (u: take dots again)" if not live.readonly else ""), style="italic")
            rows.append((empty, None))
        self.query_one(LineTable).show(columns, rows, cursor=0)
        title = Text.assemble((" PRIORITIES ", "bold reverse"), (f"  Ranking · {live.plan.title}", "bold"))
        by = "all groups' dots" if self.by is None else f"{live.plan.group(self.by).name}'s dots"
        title.append(f"\nRanked by {by} (o), most first; equal totals in plan order. "
                     f"Each participant had {plural(live.dots_allowance, 'dot')}.")
        self.query_one("#ranking-title", Static).update(title)
        self.query_one("#ranking-summary", Static).update(self.summary(ranked))

    def summary(self, ranked: list[Priority]) -> Text:
        live = self.live
        text = Text()
        hidden = [g.name for g in self.hidden(ranked)]
        none = sum(1 for p in ranked if p.total == 0)
        if none and not hidden:  # with a group hidden, a total of 0 may hide its dots
            text.append(f"{plural(none, 'principle')} got no dots. ", style="dim")
        if hidden:
            text.append(f"{', '.join(hidden)}: {TOO_FEW} (fewer than {live.plan.min_group_size} placed dots), "
                        "and left out of the totals. ", style="italic")
        if not live.readonly:
            text.append("a on a priority: make it an action", style="bold")
        return text

    def hidden(self, ranked: list[Priority]) -> list:
        """The groups whose dots are too few to show (left out of every total)."""
        return [g for g in self.live.groups if ranked and ranked[0].dots[g.id] is None]

    def selected(self) -> Priority | None:
        row = self.query_one(LineTable).cursor_row
        return self.shown[row] if self.shown and row < len(self.shown) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("action", "reopen"):
            return not self.live.readonly
        return True

    async def action_action(self) -> None:
        priority = self.selected()
        if priority is None:
            self.notify("No priority to act on yet", severity="warning")
            return
        # One step: the principle linked and a wording to take with Enter, or to type over.
        text = f"Act on priority {priority.rank}: {priority.principle.statement}"
        await self.app.push_screen(NoteScreen(self.live, priority.principle, text), callback=lambda _: self.fill())

    def action_order(self) -> None:
        options = [None, *(g.id for g in self.live.groups)]
        self.by = options[(options.index(self.by) + 1) % len(options)]
        self.fill()

    def action_reopen(self) -> None:
        from .priorities import PrioritiesScreen

        self.live.open_priorities()
        self.app.switch_screen(PrioritiesScreen(self.live))

    def action_export(self) -> None:
        self.app.push_screen(ExportScreen(self.live.session))

    def action_back(self) -> None:
        self.app.pop_screen()
