"""Ballots in per group in big digits, readable from the back of the room (tall screens only)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from ...model import Group


class BigCounts(Horizontal):
    def __init__(self, groups: tuple[Group, ...], **kwargs):
        super().__init__(**kwargs)
        self.groups = groups

    def compose(self) -> ComposeResult:
        # Every group's label is one line of the same shape, so the digits line up under them.
        for g in self.groups:
            with Vertical(classes="big-count"):
                yield Static(g.name, classes="big-count-name")
                yield Static("ballots in", classes="big-count-of", id=f"of-{g.id}")
                yield Digits("0", id=f"count-{g.id}")

    def show(self, counts: dict[str, int], sizes: dict[str, int | None] | None = None) -> None:
        sizes = sizes or {}
        for g in self.groups:
            self.query_one(f"#count-{g.id}", Digits).update(str(counts.get(g.id, 0)))
            size = sizes.get(g.id)
            self.query_one(f"#of-{g.id}", Static).update("ballots in" + (f" (of {size})" if size is not None else ""))
