"""Small dialogs: jump to a principle by number; type a score that is not a single key."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...model import Scale


class JumpScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

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


class ScoreScreen(ModalScreen[int | None | str]):
    """A score typed in full, for scales with points that are not single keys (like 0 to 10)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, scale: Scale, masked: bool = False):
        super().__init__()
        self.scale = scale
        self.masked = masked

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Score ({self.scale.describe()}), then Enter", classes="dialog-title")
            yield Input(placeholder="score", password=self.masked, id="score")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip().lower()
        if value in ("d", "dk") and self.scale.dont_know:
            self.dismiss(None)
            return
        try:
            score = int(value)
        except ValueError:
            score = None
        if score is not None and self.scale.accepts(score):
            self.dismiss(score)
        else:
            self.query_one(Input).value = ""
            self.notify(f"Give a score from {self.scale.describe()}", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class TextScreen(ModalScreen[str | None]):
    """One line of text (may be empty); Escape gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str):
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.prompt, classes="dialog-title")  # wraps: never cut
            yield Input(id="text")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
