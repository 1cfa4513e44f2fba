"""How phones join: the address, the join code and a QR code, drawn black on white whatever the theme."""

from __future__ import annotations

from rich.console import Group as RichGroup
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from .steady_text import update_text

INK = Style(color="#000000", bgcolor="#ffffff")


def qr_text(data: str) -> Text:
    """A real QR code (not Micro QR) with its full quiet zone, two modules per character cell."""
    import segno  # only when phones vote: keeps start-up light

    rows = [list(row) for row in segno.make_qr(data, error="m").matrix_iter(border=4)]
    text = Text()
    pairs = list(zip(rows[0::2], rows[1::2] + [[0] * len(rows[0])] * (len(rows) % 2)))
    for i, (top, bottom) in enumerate(pairs):
        for upper, lower in zip(top, bottom):
            # Dark modules are ink: "▀" paints the upper half in the foreground colour.
            if upper and lower:
                text.append("█", INK)
            elif upper:
                text.append("▀", INK)
            elif lower:
                text.append("▄", INK)
            else:
                text.append(" ", INK)
        if i < len(pairs) - 1:
            text.append("\n")  # never strip: the white rows at the bottom are the quiet zone
    return text


HEADING_ROWS = 4  # above the QR code: the heading, the address, the code and a blank line


def qr_rows(data: str) -> int:
    """How many rows the QR code of data takes, quiet zone included."""
    import segno

    return (len(list(segno.make_qr(data, error="m").matrix_iter(border=4))) + 1) // 2


class JoinPanel(Static):
    """Join details for phones; `big` adds the QR code, or when `qr_room` says it cannot stand whole,
    the address set large and how to see the QR code: a QR code cut short cannot be scanned."""

    def __init__(self, url: str, code: str, qr_url: str, joined: int = 0, *, big: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.big = big
        self.qr_room: int | None = None
        """Rows the panel may take: a QR code that needs more is left out. None: no limit."""
        self.show_join(url, code, qr_url, joined)

    def show_join(self, url: str, code: str, qr_url: str, joined: int = 0) -> None:
        phones = f"{joined} phone{'' if joined == 1 else 's'} joined"
        if not self.big:
            line = Text("Vote on your phone: ", style="bold")
            line.append(url, style="bold underline")
            line.append("   code ")
            line.append(f" {code} ", style="bold reverse")
            line.append(f"   {phones}")
            update_text(self, line)  # phones joining: in place, unless its height may change
            return
        # Short lines as wide as the QR code, so the panel stands beside the lobby's facts.
        heading = Text("Vote on your phone", style="bold")
        address = Text(url, style="bold underline")
        code_line = Text("code ")
        code_line.append(f" {code} ", style="bold reverse")
        code_line.append(f"   {phones}")
        if self.qr_room is None or not qr_url or HEADING_ROWS + qr_rows(qr_url) <= self.qr_room:
            self.update(RichGroup(heading, address, code_line, Text(""), qr_text(qr_url)))
            return
        # No room for the whole code: the address the room types instead, as large as text goes.
        address = Text("Open ", style="bold")
        address.append(f" {url} ", style="bold reverse")
        address.append(" and type the code", style="bold")
        code_line = Text("code ", style="bold")
        code_line.append(f" {code} ", style="bold reverse")
        code_line.append(f"   {phones}")
        note = Text("The QR code needs a taller window to show here: press q to show it on its own.",
                    style="italic")
        self.update(RichGroup(heading, Text(""), address, Text(""), code_line, Text(""), note))
