"""A text field that keeps what was typed in it when the focus comes back (Tab, Shift+Tab, a click),
and selects only a value the app put there (a suggested wording, an action being edited), so that
typing replaces an offer but never the facilitator's own words."""

from __future__ import annotations

from textual.events import Focus
from textual.widgets import Input
from textual.widgets.input import Selection


class KeptInput(Input):
    def __init__(self, value: str = "", **kwargs):
        super().__init__(value, select_on_focus=False, **kwargs)
        self.offered = value
        """The value the app put in the field, selected on focus until it is typed over."""

    def offer(self, value: str) -> None:
        self.offered = self.value = value
        self.select_offer()

    def select_offer(self) -> None:
        if self.offered and self.value == self.offered:
            # From the end back to the start: the field shows the beginning of a long offer.
            self.selection = Selection(len(self.value), 0)

    def on_focus(self, _: Focus) -> None:
        self.select_offer()
