"""Rich renderings for the command line: the gap view table, the session list, the catalogue."""

from __future__ import annotations

from rich.console import Group as RichGroup
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .analytics import GroupStats, PrincipleResult
from .wording import result_gap_words
from .model import SessionSummary

SORTS = ("order", "gap", "theme")
BAR_HALF = 8


def diverging_bar(gap: float | None, span: int, half: int = BAR_HALF) -> str:
    """A text bar centred on '│': filled to the left when the second group rates lower."""
    if gap is None:
        return " " * half + "┆" + " " * half
    cells = min(half, round(abs(gap) / span * 2 * half)) if span else 0
    left = " " * (half - cells) + "█" * cells if gap < 0 else " " * half
    right = "█" * cells + " " * (half - cells) if gap > 0 else " " * half
    return left + "│" + right


def group_cell(stats: GroupStats) -> Text:
    if stats.suppressed:
        return Text("too few to show", style="italic")
    if stats.mean is None:
        return Text("no scores" + (f" ({stats.dont_know} dk)" if stats.dont_know else ""), style="dim")
    text = Text(f"{stats.mean:.1f}", style="bold")
    text.append(f"  n {stats.n}" + (f", {stats.dont_know} dk" if stats.dont_know else ""), style="dim")
    return text


def sort_results(results: list[PrincipleResult], sort: str) -> list[tuple[int, PrincipleResult]]:
    numbered = list(enumerate(results, 1))
    if sort == "gap":
        return sorted(numbered, key=lambda item: (item[1].gap is None, -abs(item[1].gap or 0), item[0]))
    if sort == "theme":
        order = list(dict.fromkeys(r.principle.theme for r in results))
        return sorted(numbered, key=lambda item: (order.index(item[1].principle.theme), item[0]))
    return numbered


def gap_view(record, sort: str = "order") -> RichGroup:
    plan = record.plan
    a, b = plan.groups[0], plan.groups[1]
    title = Text(plan.title, style="bold")
    details = " · ".join(x for x in (plan.date.isoformat(), plan.place, plan.locality) if x)
    title.append(f"\n{details} · session {record.session.id} · {record.session.status}", style="dim")
    table = Table(show_lines=False, expand=True, header_style="bold")
    table.add_column("#", justify="right", width=3)
    table.add_column("Principle", ratio=3)
    table.add_column(a.name, no_wrap=True)
    table.add_column(b.name, no_wrap=True)
    table.add_column(f"Gap ({b.name} − {a.name})", no_wrap=True)
    table.add_column("Flags", ratio=1)
    for number, r in sort_results(record.results, sort):
        gap_text = Text("   –" if r.gap is None else f"{r.gap:+4.1f}", style="bold")
        gap_text.append(" " + diverging_bar(r.gap, plan.scale.range))
        table.add_row(str(number), r.principle.statement, group_cell(r.groups[a.id]), group_cell(r.groups[b.id]),
                      gap_text, ", ".join(r.flags))
    notes = []
    biggest = [r for _, r in sort_results(record.results, "gap") if r.gap is not None][:3]
    if biggest:
        notes.append(Text("Largest gaps:", style="bold"))
        for r in biggest:
            notes.append(Text(f"  {result_gap_words(r, plan.group_names)}: {r.principle.statement}"))
    return RichGroup(title, table, *notes)


def session_list(sessions: list[SessionSummary]) -> Table:
    table = Table(header_style="bold", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("locality")
    table.add_column("ballots", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for s in sessions:
        table.add_row(s.id, s.date, s.title, s.locality, str(s.ballots), s.status)
    return table


def source_text(source) -> Text:
    """A source as people read it: “quote” — Title (the file name where the text has no title)."""
    text = Text(f"“{source.quote}”", style="italic")
    text.append(f" — {source.label}")
    return text


def principle_table(principles, *, quotes: bool = False) -> Table:
    """The catalogue: each id on a line of its own, never cut (people paste them into plans)."""
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
        return Text("too few to show", style="italic")
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


def arrow(change: float | None, threshold: float = 0.05) -> str:
    if change is None:
        return " "
    return "↑" if change > threshold else "↓" if change < -threshold else "→"


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def comparison_view(comparison) -> RichGroup:
    """Two sessions side by side: each group's mean then and now, and the gap, biggest change first."""
    a, b = comparison.before, comparison.after
    groups = [g for g in b.plan.groups if any(g.id in c.groups for c in comparison.changes)]
    title = Text(f"{a.plan.title} ({a.plan.date})  →  {b.plan.title} ({b.plan.date})", style="bold")
    title.append(f"\n{len(comparison.changes)} principles in both, biggest change first; "
                 "* marks a principle whose wording changed", style="dim")
    table = Table(expand=True, header_style="bold")
    table.add_column("Principle", ratio=1)
    for g in groups:
        table.add_column(f"{g.name} then → now", no_wrap=True)
    table.add_column("Gap then → now", no_wrap=True)
    for c in comparison.changes:
        cells = [c.principle.statement + (" *" if c.wording_changed else "")]
        for g in groups:
            move = c.groups.get(g.id)
            cells.append("–" if move is None else f"{_mean(move.before)} → {_mean(move.after)} {arrow(move.change)}")
        gap = "–" if c.gap_before is None and c.gap_after is None else (
            f"{_signed(c.gap_before)} → {_signed(c.gap_after)} {arrow(None if c.gap_change is None else abs(c.gap_after) - abs(c.gap_before))}")
        cells.append(gap)
        table.add_row(*cells)
    return RichGroup(title, table)


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


NOT_ASKED = "·"  # a session that did not include the principle
NO_GAP = "–"  # asked, but no gap to show (no scores, or too few to show)


def trend_cell(point) -> Text:
    """One session's gap for one principle, as the trend's value columns show it."""
    if not point.asked:
        return Text(NOT_ASKED, style="dim")
    return Text(NO_GAP if point.gap is None else f"{point.gap:+.1f}")


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


def trend_view(trend_record) -> RichGroup:
    from .analytics import sparkline

    lo, hi = trend_record.scale_range
    span = hi - lo
    count = len(trend_record.sessions)
    title = Text(f"{trend_record.locality}: {count} session{'' if count == 1 else 's'}, oldest first", style="bold")
    if len(trend_record.groups) >= 2:
        a, b = trend_record.groups[0].name, trend_record.groups[1].name
        title.append(f"\nGap = {b} − {a} in each session; {NO_GAP} no gap to show; {NOT_ASKED} not asked", style="dim")
    table = Table(expand=True, header_style="bold")
    table.add_column("Principle", ratio=1, min_width=20)
    for label in stacked_labels(trend_record.labels):
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("Trend", no_wrap=True)
    for t in trend_record.trends:
        table.add_row(t.principle.statement, *(trend_cell(p) for p in t.points), sparkline(t.gaps, -span, span))
    return RichGroup(title, table)


class ActionsTable:
    """Actions to follow up, laid out for the width there is: the number never wraps, the action
    takes most of the width. The locality goes in the title when every action shares one, else on a
    dim line under the action; on a narrow screen the date agreed joins it there too."""

    NARROW = 72  # below this the "Agreed" column would squeeze the action

    def __init__(self, rows):
        self.rows = rows

    def __rich_console__(self, console, options):
        yield self.table(options.max_width)

    def table(self, width: int = 80) -> Table:
        rows = self.rows
        localities = {session.locality for _, session in rows}
        one_place = len(localities) == 1 and bool(next(iter(localities)))
        narrow = width < self.NARROW
        table = Table(expand=True, header_style="bold", show_lines=True,
                      title=f"Actions agreed in {next(iter(localities))}" if one_place else None,
                      title_justify="left", title_style="bold")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Action", ratio=1)  # the only column that flexes
        table.add_column("Owner, due", max_width=max(14, width // 6))
        if not narrow:
            table.add_column("Agreed", no_wrap=True)
        table.add_column("Status", max_width=max(12, width // 6))
        for action, session in rows:
            what = Text(action.text, overflow="fold")
            where = [] if one_place or not session.locality else [session.locality]
            if narrow:
                where.append(f"agreed {session.date}")
            if where:
                what.append("\n" + ", ".join(where), style="dim")
            who = Text(action.owner or "–", overflow="fold")
            if action.due:
                who.append(f"\ndue {action.due}", style="dim")
            status = Text(action.status, style="bold", overflow="fold")
            if action.status_note:
                status.append(f": {action.status_note}")
            table.add_row(str(action.id), what, who, *([] if narrow else [session.date]), status)
        return table


def actions_table(rows) -> ActionsTable:
    """The actions as a table that fits the console it is printed on."""
    return ActionsTable(rows)
