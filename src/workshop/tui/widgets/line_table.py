"""A table of wrapped rows drawn line by line: only the lines on screen are rendered, each once.

Textual's DataTable measures and lays out every cell of every row before the first frame; the
gap view (60 principles with whole statements) and History (years of sessions) spent most of
their time there. Here a row's height comes from its cells' line breaks (given, or found by
wrapping once), and a row is turned into strips only when it scrolls into view. Nothing is cut:
a cell wraps onto as many lines as it needs, and a word longer than its column folds.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich._wrap import divide_line  # Rich's own line breaking, which Text.wrap uses: the heights agree
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

PADDING = 1  # blank columns either side of each cell, as DataTable draws them
_MEASURE = Console(width=1000, color_system=None)  # wrapping needs no terminal, only widths


def cell_lines(cell: Text | str, width: int) -> list[Text]:
    """A cell broken into lines of at most width cells: at its own line breaks, then by wrapping."""
    text = cell if isinstance(cell, Text) else Text(cell)
    if "\n" not in text.plain and text.cell_len <= width:
        return [text]
    lines: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        if line.cell_len <= width:
            lines.append(line)
        else:
            lines.extend(line.wrap(_MEASURE, width, overflow="fold"))
    return lines or [Text()]


def cell_height(cell: Text | str, width: int) -> int:
    """How many lines cell_lines breaks a cell into, found without building them: a row's height
    is needed for every row at once (to scroll), its lines only for the rows drawn."""
    plain = cell.plain if isinstance(cell, Text) else cell
    if "\t" in plain:  # tabs expand by column: rare enough to measure the slow way
        return len(cell_lines(cell, width))
    height = 0
    for line in plain.split("\n"):
        height += 1 if cell_len(line) <= width else len(divide_line(line, width, fold=True)) + 1
    return height


@dataclass
class Row:
    """One row (or the header): its cells and how many lines it takes."""

    cells: list
    height: int
    lines: list[list[Text]] | None = None
    """Each cell broken into lines, once it has been (for its height, or when first drawn)."""


class LineTable(ScrollView, can_focus=True):
    """Fixed-width columns with a header; rows of wrapped cells; a row cursor, zebra stripes."""

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--even-row",
                         "line-table--odd-row"}

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)
    """The row under the cursor (0 when there are no rows)."""

    @dataclass
    class RowSelected(Message):
        """Enter, or a click, on a row."""

        table: LineTable
        row: int

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(self, *, zebra_stripes: bool = False, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.zebra_stripes = zebra_stripes
        self.widths: list[int] = []
        self.header: Row = Row([], 0)
        self.rows: list[Row] = []
        self.starts: list[int] = [0]
        """Each row's first line (after the header), and one past the last row's last line."""
        self._strips: dict[tuple[int, int, bool], list[Strip]] = {}
        """Rendered lines by (row, width, under the cursor); row -1 is the header."""
        self._styles: dict[tuple[str, bool], Style] = {}
        """Each kind of row's colours, with and without the cursor, until the next restyle."""

    # --- content --------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def show(self, columns: list[tuple[Text | str, int]], rows: list[tuple[list, int | None]],
             cursor: int | None = None) -> None:
        """Replace the columns and rows. A row's height, when given, is trusted (its cells are
        already broken to their widths); otherwise its cells are wrapped to find it."""
        self.widths = [w for _, w in columns]
        self.header = self._row([label for label, _ in columns], None)
        self.rows, self.starts = [], [0]
        self._strips.clear()
        self.virtual_size = Size(sum(w + 2 * PADDING for w in self.widths), self.header.height)
        self.append_rows(rows)
        self.cursor_row = self.cursor_row if cursor is None else cursor  # kept within the rows

    def append_rows(self, rows: list[tuple[list, int | None]]) -> None:
        """More rows after the last; the lines already drawn stay drawn."""
        starts = self.starts
        for cells, height in rows:
            row = self._row(cells, height)
            self.rows.append(row)
            starts.append(starts[-1] + row.height)
        self.virtual_size = Size(self.virtual_size.width, self.header.height + starts[-1])
        self.refresh()

    def _row(self, cells: list, height: int | None) -> Row:
        if height is None:
            height = max([cell_height(c, w) for c, w in zip(cells, self.widths)] + [1])
        return Row(list(cells), height)

    # --- the cursor -----------------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh()
        if self.rows:
            self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        top, bottom = self.starts[self.cursor_row], self.starts[self.cursor_row + 1]
        region = Region(0, top + self.header.height, 1, bottom - top)
        self.scroll_to_region(region, animate=False, force=True, immediate=True,
                              spacing=Spacing(top=self.header.height))

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def _page_rows(self) -> int:
        """How many rows about fill the view: a page moves by lines, so tall rows page alike."""
        lines = max(1, self.scrollable_content_region.height - self.header.height)
        here = self.starts[self.cursor_row]
        return bisect_right(self.starts, here + lines) - 1 - self.cursor_row or 1

    def action_page_down(self) -> None:
        self.cursor_row += self._page_rows()

    def action_page_up(self) -> None:
        lines = max(1, self.scrollable_content_region.height - self.header.height)
        self.cursor_row = bisect_right(self.starts, max(0, self.starts[self.cursor_row] - lines)) - 1

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        line = event.y - self.header.height + self.scroll_offset.y
        if event.y >= self.header.height and self.rows and 0 <= line < self.starts[-1]:
            self.cursor_row = bisect_right(self.starts, line) - 1
            self.post_message(self.RowSelected(self, self.cursor_row))

    # --- drawing ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme or focus change recolours every line
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        if y < self.header.height:
            strip = self._lines(-1, width)[y]
        else:
            line = y - self.header.height + scroll_y
            if line >= self.starts[-1]:
                return Strip.blank(width, self.rich_style)  # below the last row
            index = bisect_right(self.starts, line) - 1
            strip = self._lines(index, width)[line - self.starts[index]]
        if scroll_x == 0 and strip.cell_length == width:
            return strip  # the usual case: no new strip per line drawn
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _style(self, kind: str, cursor: bool) -> Style:
        """A row's colours, worked out once per restyle: the cursor's over its stripe's, as DataTable does."""
        style = self._styles.get((kind, cursor))
        if style is None:
            style = self.rich_style + self.get_component_rich_style(f"line-table--{kind}")
            if cursor:
                style += self.get_component_rich_style("line-table--cursor")
            self._styles[kind, cursor] = style
        return style

    def _lines(self, index: int, width: int) -> list[Strip]:
        """Row index drawn (-1: the header) at least width cells wide, from the cache while nothing
        about it changed."""
        cursor = index == self.cursor_row
        key = (index, width, cursor)
        strips = self._strips.get(key)
        if strips is None:
            strips = self._strips[key] = self._render_row(index, cursor, width)
        return strips

    def _render_row(self, index: int, cursor: bool, width: int) -> list[Strip]:
        if index < 0:
            row, kind = self.header, "header"
        else:
            row = self.rows[index]
            kind = "odd-row" if not self.zebra_stripes or index % 2 else "even-row"
        base = self._style(kind, cursor)
        if row.lines is None:
            row.lines = [cell_lines(c, w) for c, w in zip(row.cells, self.widths)]
        columns = row.lines
        total = sum(w + 2 * PADDING for w in self.widths)
        width = max(total, width)
        pad = " " * PADDING
        strips = []
        for n in range(row.height):
            line = Text(end="", no_wrap=True)
            for lines, w in zip(columns, self.widths):
                piece = lines[n] if n < len(lines) else Text()
                line.append(pad)
                line.append_text(piece)
                line.append(" " * max(0, w - piece.cell_len) + pad)
            line.append(" " * (width - total))  # a row's colours run to the table's edge
            # The row's colours go under every segment (Text.render alone drops a Text's own style).
            strips.append(Strip(Segment.apply_style(line.render(self.app.console), style=base), width))
        return strips
