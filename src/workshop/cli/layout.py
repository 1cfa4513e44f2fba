"""Results on the terminal: a table where it is wide, one principle a block where it is narrow or piped.

Either way every statement and every flag is shown whole: text wraps at spaces and a word too long
for its place folds; nothing is ever cut short with "…". Numbers read as wording.py words them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

from ..analytics import GroupStats
from ..renderables import diverging_bar, sort_results, stacked_labels
from ..export.report import perception_sentences, priority_rows
from ..export.report import (
    TREND_LEGEND, WORDING_LEGEND, WORDING_MARK, comparison_explained, comparison_groups, comparison_pair,
    comparison_rows, gap_explained, gap_heading, pair_of, trend_gap_heading, trend_row,
)
from ..wording import DASH, TOO_FEW, fact_answer, move, number, plural, result_gap, result_gap_words, signed

if TYPE_CHECKING:  # Rich's console is loaded for a terminal only: piped, cli/plain.py draws the blocks
    from rich.console import Console, ConsoleOptions, RenderResult

WIDE = 110  # a terminal at least this wide gets tables; narrower ones, and every pipe, get blocks
STATEMENT_MIN = 36  # a table is used only when its statement column gets at least this much
CELL = 3  # a table cell's padding and border
TABLE_BAR = 6  # half a gap bar in a table; a block has room for the full one


class Layout:
    """Renders as a table or as blocks, chosen when printed: by the console's width and whether it is a terminal."""

    def __init__(self, heading: list[Text], table_width: int, table, blocks, footer: list = ()):
        self.heading, self.table_width, self.table, self.blocks = heading, table_width, table, blocks
        self.footer = list(footer)

    def wide(self, console: Console, width: int) -> bool:
        return console.is_terminal and width >= WIDE and width - self.table_width >= STATEMENT_MIN

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.wide(console, options.max_width):
            yield from self.heading
            yield self.table()
            if self.footer:
                yield Text("")
                yield from self.footer
        else:
            yield from self.items()

    def items(self):
        """The layout as blocks, one after another: the heading, each block after a blank line, the footer."""
        yield from self.heading
        for block in self.blocks():
            yield Text("")
            yield block
        if self.footer:
            yield Text("")
            yield from self.footer


def folding_table():
    """A results table (only a wide terminal gets one: Rich's tables are loaded for it alone)."""
    from rich.table import Table

    # Lines between rows: a statement wraps over several, and the rows must not run together.
    return Table(expand=True, header_style="bold", show_lines=True)


# Blocks are drawn line by line rather than as Rich tables: a trend of fifty sessions or a gap view
# of sixty principles piped to a file took seconds in table layout, for the same lines.

def _text(value: Text | str) -> Text:
    return value if isinstance(value, Text) else Text(value)


def part_lines(console: Console, part, options: ConsoleOptions) -> list[list[Segment]]:
    """What console.render_lines(part, options, pad=False) gives, found directly for the parts a
    block is made of, without Rich's general pipeline joining lines and splitting them again at
    every level (most of a gap view's time): a Text is wrapped and its lines rendered the way Text
    renders itself; Figures and Flow make their lines already the width they are given."""
    if type(part) is Text:
        justify = part.justify or options.justify or "default"
        plain = part.plain
        if justify == "default" and "\n" not in plain and "\t" not in plain and cell_len(plain) <= options.max_width:
            return [_segments(console, part)]  # what wrapping a line that fits gives: the line itself
        no_wrap = part.no_wrap if part.no_wrap is not None else bool(options.no_wrap)
        lines = part.wrap(console, options.max_width, justify=justify,
                          overflow=part.overflow or options.overflow or "fold",
                          tab_size=part.tab_size or console.tab_size or 8, no_wrap=no_wrap)
        return [_segments(console, line) for line in lines]
    if isinstance(part, Lines):
        lines = part.lines(console, options)
        if not any("\n" in segment.text for line in lines for segment in line):
            return lines
    return console.render_lines(part, options, pad=False)


def _segments(console: Console, line: Text) -> list[Segment]:
    """One line of a Text as segments, its own style kept: Text.render applies a Text's style only
    under its spans, and one with no spans comes out plain."""
    if getattr(console, "uncoloured", False):  # cli/plain.py's, which keeps only the words: styles are skipped
        return [Segment(line.plain)] if line.plain else []
    if line.spans:
        return list(line.render(console, end=""))
    return [Segment(line.plain, console.get_style(line.style) if line.style else None)] if line.plain else []


def _line(parts: list[Segment], width: int, used: int | None = None) -> list[Segment]:
    """One output line: its segments, padded with spaces to the width (cut to it, as Rich cuts a
    line too long for its place); used, when the caller knows it, is the cells they take."""
    if used is None:
        used = sum(cell_len(s.text) for s in parts)
    if used > width:
        return Segment.adjust_line_length(parts, width, pad=False)
    return parts + [Segment(" " * (width - used))]


class Lines:
    """A renderable drawn as whole lines of its width (lines(console, options))."""

    def lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        raise NotImplementedError

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(console, options):
            yield from line
            yield Segment.line()


class Figures(Lines):
    """The lines under a statement: a label, a number (right-aligned, so numbers line up block to
    block) and words about it, which wrap under themselves."""

    def __init__(self, rows: list[tuple[Text | str, Text | str, Text | str]]):
        self.rows = [tuple(_text(cell) for cell in row) for row in rows]

    def lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        width = options.max_width
        first = max((cell_len(label.plain) for label, _, _ in self.rows), default=0)
        second = max([4] + [cell_len(number.plain) for _, number, _ in self.rows])
        third = max(1, width - first - second - 4)
        indent = Segment(" " * (first + second + 4))
        narrower = options.update(width=third)
        out = []
        for label, number, words in self.rows:
            lines = part_lines(console, words, narrower) if words.plain else [[]]
            head = list(label.render(console)) + [Segment(" " * (first - cell_len(label.plain) + 2
                                                              + second - cell_len(number.plain)))]
            head += list(number.render(console)) + [Segment("  ")]
            out.append(_line(head + lines[0], width))
            out.extend(_line([indent] + more, width) for more in lines[1:])
        return out


def figures(rows: list[tuple[Text | str, Text | str, Text | str]]) -> Figures:
    return Figures(rows)


class Flow(Lines):
    """Items of one width side by side, as many to a line as fit, three spaces apart; an item wider
    than the rest (a trend's sparkline) goes on a line of its own when it does not fit."""

    GAP = 3

    def __init__(self, items: list[Text]):
        self.items = items

    def lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        width = options.max_width
        out = []
        row: list[Segment] = []
        used = 0
        for item in self.items:
            size = cell_len(item.plain)
            if row and used + self.GAP + size > width:
                out.append(_line(row, width, used))
                row, used = [], 0
            if row:
                row.append(Segment(" " * self.GAP))
                used += self.GAP
            if size > width:  # only a sparkline of very many sessions: let it wrap
                if row:
                    out.append(_line(row, width))
                out.extend(_line(line, width) for line in part_lines(console, item, options))
                row, used = [], 0
                continue
            row += _segments(console, item) if getattr(console, "uncoloured", False) else list(item.render(console))
            used += size
        if row:
            out.append(_line(row, width, used))
        return out


class Block(Lines):
    """One principle: its number right-aligned, then the statement wrapped at the width left and what
    is under it, indented under the statement."""

    def __init__(self, label: str, statement: Text, *under):
        self.label, self.parts = label, (statement, *under)

    def lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        width = options.max_width
        label_width = max(3, cell_len(self.label))
        inner = options.update(width=max(1, width - label_width - 1))
        lines = [line for part in self.parts for line in part_lines(console, part, inner)]
        label = [Segment(" " * (label_width - cell_len(self.label))), Segment(self.label, Style(bold=True)),
                 Segment(" ")]
        margin = Segment(" " * (label_width + 1))
        return [_line((label if i == 0 else [margin]) + line, width) for i, line in enumerate(lines)]


def block(label: str, statement: Text, *under) -> Block:
    """One principle: its number, the statement wrapped at the full width, what is under it."""
    return Block(label, statement, *under)


def statement(text: str, changed: bool = False, style: str = "bold") -> Text:
    """A statement whole; the changed-wording mark after it when its wording changed between two sessions."""
    return Text(text + (f" {WORDING_MARK}" if changed else ""), style=style, overflow="fold")


# --- one session: workshop show -------------------------------------------------------------

def mean_text(stats: GroupStats) -> Text:
    """A group's mean as shown; empty when there is none to show (count_text says why)."""
    return Text(number(stats.mean), style="bold") if stats.mean is not None else Text("")


def count_text(stats: GroupStats) -> Text:
    """How many scored and how many did not know, or why there is no mean."""
    if stats.suppressed:
        return Text(TOO_FEW, style="italic")
    dk = [f"{stats.dont_know} dk"] if stats.dont_know else []
    if stats.mean is None:
        return Text(", ".join(["no scores"] + dk), style="dim")
    return Text(", ".join([f"n {stats.n}"] + dk), style="dim")


def gap_view(record, sort: str = "order") -> Layout:
    plan = record.plan
    names = plan.group_names
    span = plan.scale.range
    title = Text(plan.title, style="bold")
    details = " · ".join(x for x in (plan.date.isoformat(), plan.place, plan.locality) if x)
    title.append(f"\n{details} · session {record.session.id} · {record.session.status}", style="dim")
    pair = pair_of(record)
    heading = [title, Text(f"{gap_explained(plan, pair)} dk: don't know.", style="dim")]
    if plan.facts:
        heading.append(Text("Facts: " + "; ".join(f"{f.question} {fact_answer(f)}" for f in plan.facts)))
    ordered = sort_results(record.results, sort)

    def gap_cell(r) -> Text:
        gap = result_gap(r)
        text = Text((signed(gap) if gap is not None else DASH).rjust(5), style="bold")
        text.append(" " + diverging_bar(gap, span, TABLE_BAR, whole_range=True))
        return text

    def table():
        t = folding_table()
        t.add_column("#", justify="right", overflow="fold")
        t.add_column("Principle", ratio=1, min_width=STATEMENT_MIN, overflow="fold")
        for g in plan.groups:
            t.add_column(g.name, overflow="fold")
        t.add_column(gap_heading(plan, pair), overflow="fold", no_wrap=True)
        t.add_column("Flags", overflow="fold", min_width=len("shared strength"))
        for n, r in ordered:
            cells = [Text.assemble(mean_text(s), "\n" if s.mean is not None else "", count_text(s))
                     for s in r.groups.values()]
            t.add_row(str(n), statement(r.principle.statement, style=""), *cells, gap_cell(r), "\n".join(r.flags))
        return t

    def blocks():
        for n, r in ordered:
            rows = [(names.get(g, g), mean_text(s), count_text(s)) for g, s in r.groups.items()]
            if len(r.pair) >= 2:
                gap = result_gap(r)
                words = Text(result_gap_words(r, names))
                if gap is None:
                    rows.append(("Gap", "", words))
                else:
                    # The bar beside the number, the sentence on a line of its own: it never wraps under the bar.
                    rows.append(("Gap", Text(signed(gap), style="bold"), diverging_bar(gap, span, whole_range=True)))
                    rows.append(("", "", words))
            if r.flags:
                rows.append(("Flags", "", Text(", ".join(r.flags), style="bold")))
            for k, said in enumerate(perception_sentences(plan, r)):  # the perception round, when the plan has it
                rows.append(("" if k else "Expected", "", Text(said)))
            yield block(f"{n}.", statement(r.principle.statement), figures(rows))

    notes = []
    biggest = [(n, r) for n, r in sort_results(record.results, "gap") if result_gap(r)][:3]
    if biggest:
        notes.append(Text("Largest gaps:", style="bold"))
        notes += [block(f"{n}.", Text(f"{result_gap_words(r, names)}: {r.principle.statement}")) for n, r in biggest]
    ranked = priority_rows(record)  # the priorities round, when the plan has it and dots were placed
    if ranked:
        notes.append(Text("Priorities (most dots first):", style="bold"))
        notes += [block(f"{r.rank}.", Text(f"{r.principle.statement} ({r.number}): " + ", ".join(
            f"{g.name} {d}" for g, d in zip(plan.groups, r.dots)) + f"; {plural(r.total, 'dot')} in all"))
            for r in ranked]
    # The columns beside the statement: number, each group (a mean over its count), the gap, the flags.
    width = 2 + CELL + CELL + len(plan.groups) * (9 + CELL) + (5 + 2 * TABLE_BAR + 1 + CELL) + 15 + CELL + 1
    return Layout(heading, width, table, blocks, notes)


# --- two sessions: workshop compare ---------------------------------------------------------

def session_name(record) -> str:
    """'Title (2026-12-03, session ab12cd34ef)': two sessions with one title and date still read apart."""
    return f"{record.plan.title} ({record.plan.date}, session {record.session.id})"


def comparison_view(comparison) -> Layout:
    """Two sessions: each group's mean then and now, and the gap, biggest change first."""
    a, b = comparison.before, comparison.after
    groups = comparison_groups(comparison)
    rows = comparison_rows(comparison)
    gaps = len(comparison_pair(comparison)) >= 2 and any(c.gap_before is not None or c.gap_after is not None
                                                       for c in comparison.changes)
    heading = [Text(f"Then: {session_name(a)}", style="bold"), Text(f"Now:  {session_name(b)}", style="bold"),
               Text(f"{plural(len(comparison.changes), 'principle')} in both. {comparison_explained(comparison)} "
                    f"{WORDING_LEGEND}", style="dim")]

    def wording(c, earlier: str | None, style: str) -> Text:
        text = statement(c.principle.statement, c.wording_changed, style)
        if earlier:
            text.append(f"\nthen: {earlier}", style="dim")
        return text

    def group_move(c, g) -> str:
        m = c.groups.get(g.id)
        return DASH if m is None else move(m.before, m.after)

    def table():
        t = folding_table()
        t.add_column("#", justify="right", overflow="fold")
        t.add_column("Principle", ratio=1, min_width=STATEMENT_MIN, overflow="fold")
        for g in groups:
            t.add_column(f"{g.name} then → now", overflow="fold")
        if gaps:
            t.add_column("Gap then → now", overflow="fold")
        for n, c, earlier, (then, now) in rows:
            cells = [group_move(c, g) for g in groups] + ([move(then, now, gap=True)] if gaps else [])
            t.add_row(str(n), wording(c, earlier, ""), *cells)
        return t

    def blocks():
        for n, c, earlier, (then, now) in rows:
            lines = [(g.name, "", group_move(c, g)) for g in groups]
            if gaps:
                lines.append(("Gap", "", move(then, now, gap=True)))
            yield block(f"{n}.", wording(c, earlier, "bold"), figures(lines))

    # Number, each group's move ("4.3 → 4.0 ↓ −0.3"), the gap's move (it wraps), beside the statement.
    width = 2 + CELL + CELL + len(groups) * (16 + CELL) + (20 + CELL if gaps else 0) + 1
    return Layout(heading, width, table, blocks)


# --- one locality over time: workshop trend -------------------------------------------------

def trend_view(trend_record) -> Layout:
    count = len(trend_record.sessions)
    heading = [Text(f"{trend_record.locality}: {plural(count, 'session')}, oldest first", style="bold")]
    if len(trend_record.groups) >= 2:
        heading.append(Text(f"{trend_gap_heading(trend_record)} in each session, from the means as shown; "
                            f"{TREND_LEGEND}", style="dim"))

    def table():
        t = folding_table()
        t.add_column("Principle", ratio=1, min_width=STATEMENT_MIN, overflow="fold")
        for label in stacked_labels(trend_record.labels):
            t.add_column(label, justify="right", no_wrap=True)
        t.add_column("Trend", no_wrap=True)
        for tr in trend_record.trends:
            values, line = trend_row(trend_record, tr)
            t.add_row(statement(tr.principle.statement, style=""),
                      *(Text(v, style="" if p.asked else "dim") for v, p in zip(values, tr.points)), line)
        return t

    labels = trend_record.labels
    label_width = max((len(label) for label in labels), default=0)
    dim_label = Span(0, label_width + 1, "dim")

    def blocks():
        for i, tr in enumerate(trend_record.trends, 1):
            # Every point the same width, so the sessions line up from one principle to the next.
            # A Text a point, its label dim: 3,000 of them in a 50-session trend, so made whole, not assembled.
            values, line = trend_row(trend_record, tr)
            points = [Text(f"{label.ljust(label_width)} {value:>5}", spans=[dim_label])
                      for label, value in zip(labels, values)]
            points.append(Text.assemble(("trend ", "dim"), line))
            yield block(f"{i}.", statement(tr.principle.statement), Flow(points))

    widest = max([5] + [len(line) for label in stacked_labels(labels) for line in label.split("\n")])
    width = CELL + count * (widest + CELL) + max(5, count) + CELL + 1
    return Layout(heading, width, table, blocks)
