"""A comment heard from the floor, typed by the facilitator for the principle on screen.

Unlike a note (the facilitator's own words), a comment is the room's: it keeps only the principle and
the speaker's side, and is listed, reported and shown like the comments phones send.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from ...session.comments import MAX_COMMENT, CommentError, clean_comment
from ...session.running import LiveSession
from ..widgets.kept_input import KeptInput
from .dialogs import TypeAhead
from .note import WAITING


class FloorCommentScreen(TypeAhead, ModalScreen[bool]):
    """Dismissed with True when a comment was stored (or kept to store), False when cancelled."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="floor.close"),
        Binding("ctrl+s", "save", "Save", id="floor.save"),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]
    AUTO_FOCUS = "#floor-text"

    def __init__(self, live: LiveSession):
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="floor-dialog"):
            yield Label(f"A comment from the floor on principle {self.live.position + 1}", classes="dialog-title")
            yield Static(self.live.principle.statement, classes="dialog-statement")
            # Back from the sides (Shift+Tab), what was typed stays as typed: the next key adds to it.
            yield KeptInput(placeholder=f"What was said (at most {MAX_COMMENT} characters)", max_length=MAX_COMMENT,
                            id="floor-text")
            yield Label("Whose comment is it?", id="floor-group-label")
            with RadioSet(id="floor-group"):
                for group in self.live.groups:
                    yield RadioButton(group.name, id=f"floor-{group.id}", name=group.id)
            yield Label("Only the side is kept with it, never a name. It is approved as you save it.",
                        classes="dialog-help")
            yield Label("Tab: the sides (arrows, Enter)   Enter in the text: save   Escape: cancel",
                        classes="dialog-keys")

    def chosen_group(self) -> str | None:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None else None

    @on(Input.Submitted)
    def action_save(self) -> None:
        field = self.query_one("#floor-text", Input)
        try:
            clean_comment(field.value)  # the text first: it is where the typing is
        except CommentError as exc:
            self.notify(str(exc)[:1].upper() + str(exc)[1:], severity="warning")
            field.focus()
            return
        group = self.chosen_group()
        if group is None:
            self.notify("Choose whose comment it is: Tab to the sides, then arrows and Enter", severity="warning")
            self.query_one(RadioSet).focus()
            return
        saved = self.live.comments.from_floor(group, field.value)
        self.notify("Comment saved and approved" if saved else WAITING)
        self.dismiss(True)

    @on(RadioSet.Changed)
    def group_chosen(self) -> None:
        self.query_one("#floor-text", Input).focus()  # back to the text: Enter there saves

    def action_close(self) -> None:
        self.dismiss(False)
