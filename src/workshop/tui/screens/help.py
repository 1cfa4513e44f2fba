"""Every key that works on the screen below, and the ones that work everywhere, read from the bindings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..keys import ExplainsKeys, KeyFamily


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("question_mark", "?").replace(",", " / ")


def explained(bindings: Iterable[Binding]) -> Iterator[tuple[str, str]]:
    """(keys, what they do) for keys that explain themselves: a family once, a key by its tooltip."""
    families: set[KeyFamily] = set()
    for binding in bindings:
        family = binding.group
        if isinstance(family, KeyFamily):
            if family not in families:
                families.add(family)
                yield family.keys, family.description
        elif binding.tooltip:
            yield key_label(binding), binding.tooltip


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, below: Screen):
        super().__init__()
        self.below = below

    def rows(self) -> Iterator[tuple[str, str]]:
        """The screen's own keys that do something now; its widgets' keys; then the app's."""
        for binding in self.below.BINDINGS:
            # A family of keys (the roster's scores) is explained with the widgets' keys.
            if isinstance(binding, Binding) and not isinstance(binding.group, KeyFamily) \
                    and self.applies(binding.action):
                yield key_label(binding), binding.description
        if isinstance(self.below, ExplainsKeys):
            yield from explained(self.below.explained_keys())
        yield from explained(type(self.app).BINDINGS)

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", expand=True, box=None)
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("What it does")
        for key, what in self.rows():
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
