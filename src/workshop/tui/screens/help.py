"""Every key that works on the screen below, and the ones that work everywhere."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

ROSTER_HELP = [
    ("1 … 9", "Roster: the selected participant votes that score"),
    ("d", "Roster: the selected participant doesn't know"),
    ("arrows", "Roster: choose a participant"),
]
CARDS_HELP = [
    ("digits", "Cards: type how many cards were raised; the count is stored when you leave the cell"),
    ("arrows", "Cards: store the count and move in the grid (never to another principle)"),
]
CARD_KEYS = {"Store count": "Cards: store the count and go down a group", "Next cell": "Cards: store and go right",
             "Previous cell": "Cards: store and go left", "Erase digit": "Cards: take back the last digit",
             "Clear cell": "Cards: no cards in this cell", "Cancel typing": "Cards: forget the digits being typed",
             "+1 card": "Cards: one more card in the cell", "-1 card": "Cards: one fewer card in the cell",
             "Don't know column": "Cards: to the don't-know cell"}


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("question_mark", "?").replace(",", " / ")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, below: Screen):
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        from .vote import VoteScreen

        table = Table(show_header=True, header_style="bold", expand=True, box=None)
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("What it does")
        for binding in self.below.BINDINGS:
            # Score keys are summarised in SCORE_HELP rather than listed one by one.
            if isinstance(binding, Binding) and not binding.action.startswith(("score(", "type_digit(")) \
                    and self.applies(binding.action):
                table.add_row(key_label(binding), binding.description)
        if isinstance(self.below, VoteScreen) and not self.below.live.revealed:
            from ..widgets.cards_grid import CardsGrid

            if "roster" in self.below.modes:
                for key, what in ROSTER_HELP:
                    table.add_row(key, what)
            if "cards" in self.below.modes:
                for key, what in CARDS_HELP:
                    table.add_row(key, what)
                for binding in CardsGrid.BINDINGS:  # the grid's own keys, from its bindings
                    if binding.description in CARD_KEYS:
                        table.add_row(key_label(binding).replace("equals_sign", "=").replace("plus", "+"),
                                      CARD_KEYS[binding.description])
        for key, what in (("?", "This help"), ("t", "Light / dark theme"), ("ctrl+p", "Command palette: every action by name"),
                          ("ctrl+q", "Quit (everything is already saved)")):
            table.add_row(key, what)
        with VerticalScroll(classes="dialog wide", id="help-dialog"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            yield Static(table)
            yield Static(Text("Escape closes this help", style="dim"))

    def applies(self, action: str) -> bool:
        """Whether a key does anything on the screen below just now (its check_action allows it)."""
        name = action.split("(")[0]
        if name.startswith("app."):
            return self.app.check_action(name[4:], ()) is not False
        return self.below.check_action(name, ()) is not False

    def action_close(self) -> None:
        self.dismiss(None)
