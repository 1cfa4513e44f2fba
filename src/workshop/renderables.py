"""Rich pieces shared by the command line and the screens: bars, sorts, the session list, the catalogue,
the actions to follow up. The command line's results layouts are in cli/layout.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from .analytics import GroupStats, PrincipleResult
from .model import SessionSummary
from .wording import DASH, TOO_FEW, plural, rounded

if TYPE_CHECKING:
    from rich.table import Table
# Rich's tables are imported by the functions that build one: a gap view piped to a file, and the
# screens at start-up, use the bars and sorts here and no table.

SORTS = ("order", "gap", "theme")
BAR_HALF = 8


def diverging_bar(gap: float | None, span: int, half: int = BAR_HALF, *, whole_range: bool = False) -> str:
    """A text bar centred on '│': filled to the left when the second group rates lower.

    whole_range: a gap of the scale's whole range fills a side, in steps of half a cell, so gaps
    a few tenths apart draw differently (the command line). Otherwise a gap of half the range
    fills it, in whole cells (the gap view).
    """
    if gap is None:
        return " " * half + "┆" + " " * half
    if not span:
        return " " * half + "│" + " " * half
    if whole_range:
        halves = min(2 * half, int(rounded(abs(gap) / span * 2 * half, 0)))
        cells, extra = divmod(halves, 2)
    else:
        cells, extra = min(half, round(abs(gap) / span * 2 * half)), 0
    blank = " " * (half - cells - extra)
    left = blank + "▐" * extra + "█" * cells if gap < 0 else " " * half
    right = "█" * cells + "▌" * extra + blank if gap > 0 else " " * half
    return left + "│" + right


def sort_results(results: list[PrincipleResult], sort: str) -> list[tuple[int, PrincipleResult]]:
    numbered = list(enumerate(results, 1))
    if sort == "gap":
        return sorted(numbered, key=lambda item: (item[1].gap is None, -abs(item[1].gap or 0), item[0]))
    if sort == "theme":
        order = list(dict.fromkeys(r.principle.theme for r in results))
        return sorted(numbered, key=lambda item: (order.index(item[1].principle.theme), item[0]))
    return numbered


class SessionList:
    """Sessions, newest first, laid out for the width there is: below NARROW columns the date,
    locality, ballots and status go on a dim line under the title, so the id and the title stay whole."""

    NARROW = 72

    def __init__(self, sessions: list[SessionSummary]):
        self.sessions = sessions

    def __rich_console__(self, console, options):
        yield self.table(options.max_width)

    def table(self, width: int = 80) -> Table:
        from rich.table import Table

        narrow = width < self.NARROW
        table = Table(header_style="bold", expand=True)
        table.add_column("id", no_wrap=True)
        if not narrow:
            table.add_column("date", no_wrap=True)
        table.add_column("title", ratio=1, overflow="fold")
        if not narrow:
            table.add_column("locality", overflow="fold")
            table.add_column("ballots", justify="right", no_wrap=True)
            table.add_column("status", no_wrap=True)
        for s in self.sessions:
            if narrow:
                title = Text(s.title, overflow="fold")
                facts = (s.date, s.locality, plural(s.ballots, "ballot"), s.status)
                title.append("\n" + ", ".join(x for x in facts if x), style="dim")
                table.add_row(s.id, title)
            else:
                table.add_row(s.id, s.date, s.title, s.locality, str(s.ballots), s.status)
        return table


def session_list(sessions: list[SessionSummary]) -> SessionList:
    """The session list as a table that fits the console it is printed on."""
    return SessionList(sessions)


def source_text(source) -> Text:
    """A source as people read it: “quote” — Title (the file name where the text has no title)."""
    text = Text(f"“{source.quote}”", style="italic")
    text.append(f" — {source.label}")
    return text


def principle_table(principles, *, quotes: bool = False) -> Table:
    """The catalogue: each id on a line of its own, never cut (people paste them into plans)."""
    from rich.console import Group as RichGroup
    from rich.padding import Padding
    from rich.table import Table

    table = Table(header_style="bold", expand=True, show_lines=True)
    table.add_column("principle: id, statement, theme" + (", sources" if quotes else ""), ratio=1)
    table.add_column("about", no_wrap=True)
    for p in principles:
        cell = Text(p.id, style="bold", overflow="fold")
        cell.append("\n" + p.statement)
        cell.append(f"\ntheme: {p.theme}", style="dim")
        # Each source indented as a block under the statement, so a quote never reads as part of it.
        sources = [Padding(source_text(s), (0, 0, 0, 2)) for s in p.sources] if quotes else []
        table.add_row(RichGroup(cell, *sources) if sources else cell, p.addressed_to)
    return table


def distribution_lines(stats: GroupStats, scale, width: int = 16, top: int | None = None,
                       labels: bool = True) -> Text:
    """One bar per scale point, labelled with the point, its words and the count: never colour alone.

    top: the count a full-width bar stands for; give groups shown side by side the same one.
    """
    text = Text()
    if stats.suppressed:
        return Text(TOO_FEW, style="italic")
    top = top or max(list(stats.counts.values()) + [stats.dont_know, 1])
    label_width = max([len(scale.labels.get(p, "")) for p in scale.points] + [0]) if labels else 0
    rows = [(str(p), scale.labels.get(p, ""), stats.counts.get(p, 0)) for p in reversed(scale.points)]
    if scale.dont_know:
        rows.append(("dk", "Don't know", stats.dont_know))
    for i, (point, words, count) in enumerate(rows):
        cells = round(count / top * width)
        text.append(f"{point:>2} ", style="bold")
        if label_width:
            text.append(f"{words:<{label_width}} ", style="dim")
        text.append("█" * cells, style="bold")
        text.append("▏" if not cells else "")
        text.append(f" {count}")
        if i < len(rows) - 1:
            text.append("\n")
    return text


def spark(stats: GroupStats, scale) -> str:
    """The distribution in one line of block heights, lowest score first."""
    if stats.suppressed or not stats.n:
        return "·" * len(scale.points)
    blocks = " ▁▂▃▄▅▆▇█"
    top = max(stats.counts.values()) or 1
    return "".join(blocks[round(stats.counts.get(p, 0) / top * 8)] for p in scale.points)


def stacked_labels(labels: list[str]) -> list[str]:
    """'2026-12-03 ab12' as 2026 / 12-03 / ab12 on three lines: a narrow column for each session.

    Every heading gets the same number of lines, so the years, the days and the ids line up.
    """
    stacked = []
    for label in labels:
        date, _, short = label.partition(" ")
        year, _, day = date.partition("-")
        stacked.append([x for x in (year, day, short) if x])
    height = max((len(lines) for lines in stacked), default=1)
    return ["\n".join(lines + [""] * (height - len(lines))) for lines in stacked]


class ActionsTable:
    """Actions to follow up, laid out for the width there is: the number never wraps, the action
    takes most of the width. Under each action, on dim indented lines of their own, the principle it
    is about (whole) and the session it was agreed in; the locality goes in the title when every action shares one, else beside the
    session; on a narrow screen the date agreed joins it there too."""

    NARROW = 72  # below this the "Agreed" column would squeeze the action

    def __init__(self, rows, principles: dict[int, tuple[int, str]] | None = None):
        self.rows = rows
        self.principles = principles or {}

    def __rich_console__(self, console, options):
        yield self.table(options.max_width)

    def table(self, width: int = 80) -> Table:
        from rich.console import Group as RichGroup
        from rich.padding import Padding
        from rich.table import Table

        rows = self.rows
        localities = {session.locality for _, session in rows}
        one_place = len(localities) == 1 and bool(next(iter(localities)))
        narrow = width < self.NARROW
        table = Table(expand=True, header_style="bold", show_lines=True,
                      title=f"Actions agreed in {next(iter(localities))}" if one_place else None,
                      title_justify="left", title_style="bold")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Action", ratio=1, overflow="fold")  # the only column that flexes
        table.add_column("Owner, due", max_width=max(14, width // 6), overflow="fold")
        if not narrow:
            table.add_column("Agreed", no_wrap=True)
        table.add_column("Status", max_width=max(12, width // 6), overflow="fold")
        for action, session in rows:
            what = [Text(action.text, overflow="fold")]
            if action.id in self.principles:
                # Its own dim, indented line: read on from the action it would seem part of the sentence.
                number, statement = self.principles[action.id]
                about = Text(f"Principle {number}: {statement}", style="dim", overflow="fold")
                what.append(Padding(about, (0, 0, 0, 2)))
            where = [session.title] + ([] if one_place or not session.locality else [session.locality])
            if narrow:
                where.append(f"agreed {session.date}")
            what.append(Padding(Text("Session: " + ", ".join(where), style="dim", overflow="fold"), (0, 0, 0, 2)))
            who = Text(action.owner or DASH, overflow="fold")
            if action.due:
                who.append(f"\ndue {action.due}", style="dim")
            status = Text(action.status, style="bold", overflow="fold")
            if action.status_note:
                status.append(f": {action.status_note}")
            table.add_row(str(action.id), RichGroup(*what), who, *([] if narrow else [session.date]), status)
        return table


def actions_table(rows, principles: dict[int, tuple[int, str]] | None = None) -> ActionsTable:
    """The actions as a table that fits the console it is printed on; principles: action id -> (number, statement)."""
    return ActionsTable(rows, principles)
