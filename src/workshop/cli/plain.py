"""Output for a pipe or a file without Rich's console: the session list as aligned lines, and the
results' blocks as the very lines Rich's console prints there (uncoloured, so only the words count).

A person reading a terminal still gets Rich (tables, colour); a pipe gets the same words sooner."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from .layout import part_lines


class NeedsConsole(Exception):
    """Something only Rich's console can draw (or a width only it can work out): print through Rich."""


@dataclass(frozen=True)
class Options:
    """The render options a block reads, by the names Rich's ConsoleOptions gives them."""

    max_width: int
    justify: str | None = None
    overflow: str | None = None
    no_wrap: bool | None = False

    def update(self, *, width: int) -> Options:
        return replace(self, max_width=width)


class PlainConsole:
    """Stands in for Rich's console where nothing is coloured: what a Text needs to wrap and render."""

    tab_size = 8
    is_terminal = False
    uncoloured = True  # layout.py's lines skip the styles

    @staticmethod
    def get_style(name, *, default=None) -> Style:
        return Style.null()

    def render_lines(self, *args, **kwargs):
        raise NeedsConsole


def output_width() -> int:
    """The width Rich's console gives output that is not a terminal: COLUMNS, else the size of a
    terminal on standard input, output or error (`workshop show S | less`), else 80."""
    if sys.platform == "win32":
        raise NeedsConsole  # Rich keeps a column for the legacy console there
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        if int(columns) == 0:
            raise NeedsConsole
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):  # not a terminal
            pass
    return 80


def blocks_text(items, width: int) -> str:
    """Texts and blocks (Layout.items) as lines at most width wide, as Rich prints them to a file."""
    console, options = PlainConsole(), Options(width)
    out = []
    for item in items:
        for line in part_lines(console, item, options):
            if sum(cell_len(s.text) for s in line) > width:
                line = Segment.adjust_line_length(line, width, pad=False)
            out.append("".join(s.text for s in line))
    return "".join(line + "\n" for line in out)


def aligned(header: tuple[str, ...], rows: list[tuple[str, ...]], right: set[int] = frozenset()) -> list[str]:
    """Plain lines for a pipe or a file: one a row, columns two spaces apart, each as wide as its
    widest value, nothing wrapped or cut (grep finds a whole row; the first column is one word)."""
    table = [tuple(" ".join(cell.splitlines()) for cell in row) for row in [header, *rows]]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(header))]

    def pad(i: int, cell: str) -> str:
        room = " " * (widths[i] - cell_len(cell))
        return room + cell if i in right else cell + room

    return ["  ".join(pad(i, cell) for i, cell in enumerate(row)).rstrip() for row in table]
