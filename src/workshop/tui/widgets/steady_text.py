"""Redrawing a line of text in place: without laying the screen out again when its size stays put.

A `Static.update` lays out the whole screen by default, which on the Vote screen blocks the keys
and the phones for a frame; the counts line changes many times a second while phones vote, and
almost never changes its height.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

# What update_text last showed in a widget: the text, its lines, whether they all fit, at what width.
_shown: WeakKeyDictionary[Static, tuple[Text, int, bool, int]] = WeakKeyDictionary()


def update_text(widget: Static, text: Text) -> None:
    """Show text in widget, laid out again only when its height could change: when the number of its
    lines changes, when a line is or was wider than the widget (so wraps), when the widget's width has
    changed or follows its content, or when something else was shown in it since."""
    width = widget.content_size.width
    lines = text.plain.split("\n")
    fits = width > 0 and all(cell_len(line) <= width for line in lines)
    last = _shown.get(widget)
    steady = (fits and last is not None and last[0] is widget.content and last[1:] == (len(lines), True, width)
              and not (widget.styles.width and widget.styles.width.is_auto))
    _shown[widget] = (text, len(lines), fits, width)
    widget.update(text, layout=not steady)
