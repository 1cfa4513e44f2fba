"""Jump to a principle by its number in the session."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class JumpScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="jump.cancel")]

    def __init__(self, total: int):
        super().__init__()
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Jump to principle (1 to {self.total}), then Enter", classes="dialog-title")
            yield Input(placeholder="number", type="integer", id="number")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        try:
            number = int(event.value)
        except ValueError:
            number = 0
        if 1 <= number <= self.total:
            self.dismiss(number)
        else:
            self.notify(f"Give a number from 1 to {self.total}", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
