"""A plan's problems, shown instead of starting it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="problems.close")]

    def __init__(self, path, problems):
        super().__init__()
        self.path = path
        self.problems = problems

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(Text(f"{self.path} cannot start: fix these, then try again", style="bold"),
                         classes="dialog-title")
            yield Static("\n".join(str(p) for p in self.problems))
            yield Static(Text("Escape closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
