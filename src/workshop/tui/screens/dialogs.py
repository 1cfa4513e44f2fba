"""Dialogs shared by several screens: a yes/no question, a number per group, a score, a line of text,
and what went wrong when something could not be done."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...inputs.problems import InputError
from ...model import Scale
from ...store import StoreError


class TypeAhead:
    """For dialogs with text fields: keys typed straight after the key that opened the dialog, in
    one burst, land in its fields in order instead of being lost.

    The key that opens such a dialog is a priority binding, so the dialog is on the stack before the
    next key is delivered; keys that arrive before its fields exist are kept and typed in on resume.
    Tab moves to the next field at once (set_focus, not focus(), which would wait behind the rest of
    the burst and send it to the field it started in).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.early: list[events.Key] = []
        """Keys that arrived before the dialog's fields existed, typed in on resume."""

    def type_ahead(self, event: events.Key) -> bool:
        fields = [f for f in self.query(Input) if f.display and f.parent is not None and f.parent.display]
        if not fields:  # not composed yet: kept, and typed in once the dialog is on screen
            self.early.append(event)
            return True
        field = self.focused if self.focused in fields else fields[0]
        if event.key in ("tab", "shift+tab"):
            field = fields[(fields.index(field) + (1 if event.key == "tab" else -1)) % len(fields)]
        elif event.key == "enter":
            self.call_next(field.action_submit)  # a coroutine: called bare, it would never run
        elif event.key == "backspace":
            field.action_delete_left()
        elif event.is_printable and event.character:
            if field.selection.is_empty:
                field.insert_text_at_cursor(event.character)
            else:  # a suggested wording, selected: typing replaces it, as in the field itself
                field.replace(event.character, *field.selection)
        else:
            return False
        if self.focused is not field:
            self.set_focus(field)
        return True

    def on_key(self, event: events.Key) -> None:
        # A key reaches the screen itself when nothing had the focus as it arrived (the app hands it
        # to the screen, which handles it after composing and focusing its first field): text keys
        # never bubble here from a focused field, which takes them. Keys from the list or the
        # buttons bubble through untouched, to their bindings.
        if (self.focused is None or isinstance(self.focused, Input)) and self.type_ahead(event):
            event.stop()
            event.prevent_default()

    def on_screen_resume(self) -> None:
        early, self.early = self.early, []
        for event in early:
            self.type_ahead(event)


class ConfirmScreen(ModalScreen[bool]):
    """A question the facilitator answers with y (or Enter) for yes, n (or Escape) for no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", priority=True, id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", priority=True, id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "yes", no: str = "no"):
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title")  # wraps: a long question is never cut
            yield Label(f"y or Enter: {self.yes}    n or Escape: {self.no}", classes="dialog-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class GroupNumbersScreen(TypeAhead, ModalScreen[dict[str, int | None] | None]):
    """A whole number per group (how many of each are in the room); blank means not known.

    Tab moves between the fields and Enter saves from any of them, so it types in one burst.
    """

    # Tab as a priority binding: it moves the focus when it is pressed, so the digits typed after
    # it in one burst land in the next field (a plain binding would run after they were delivered).
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="room.cancel"),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(self, title: str, groups: list[tuple[str, str, int | None]]):
        super().__init__()
        self.title_text = title
        self.groups = groups  # (id, name, current value)

    def compose(self) -> ComposeResult:
        width = max(len(name) for _, name, _ in self.groups) + 1
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            for gid, name, value in self.groups:
                with Horizontal(classes="dialog-row"):
                    yield Label(f"{name:<{width}}", classes="dialog-label")
                    yield Input("" if value is None else str(value), type="integer", max_length=4,
                                id=f"n-{gid}", placeholder="how many")
            yield Label("Tab: next group   Enter: save   Escape: cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def save(self) -> None:
        values: dict[str, int | None] = {}
        for gid, _, _ in self.groups:
            text = self.query_one(f"#n-{gid}", Input).value.strip()
            values[gid] = int(text) if text.isdigit() else None
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_room_sizes(screen, live, then: Callable[[], None]) -> None:
    """How many of each group are in the room: asked over the screen, stored, then `then()`."""
    sizes = live.room_sizes()

    def saved(values: dict[str, int | None] | None) -> None:
        if values is not None:
            live.set_room_sizes(values)
            then()

    screen.app.push_screen(GroupNumbersScreen("How many people of each group are in the room?",
                                              [(g.id, g.name, sizes[g.id]) for g in live.groups]), callback=saved)


class ScoreScreen(ModalScreen[int | None | str]):
    """A score typed in full, for scales with points that are not single keys (like 0 to 10)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="score.cancel")]

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

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="text.cancel")]

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


def cause(error: Exception) -> str:
    """Why something failed, in the words a facilitator can act on: the reason and the file it is about."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    if isinstance(error, (StoreError, InputError)):
        return str(error)
    if isinstance(error, sqlite3.Error):
        return f"the database refused it ({error})"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class ErrorScreen(ModalScreen[None]):
    """Something the facilitator asked for could not be done: what, why, and where the details are kept."""

    BINDINGS = [Binding("escape,enter", "close", "Close", id="error.close")]

    def __init__(self, what: str, error: Exception, log_file: Path | None = None):
        super().__init__()
        self.what = what
        self.error = error
        self.log_file = log_file

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="error-dialog"):
            yield Static(f"{self.what} failed", classes="dialog-title")
            yield Static(f"Cause: {cause(self.error)}", id="error-cause")  # wraps: never cut
            if self.log_file is not None:
                yield Static(f"The details are kept in {self.log_file}", classes="dialog-help")
            yield Label("The workshop carries on. Escape or Enter closes", classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)
