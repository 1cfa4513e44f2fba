"""Notes and actions for the principle on screen: typed while the room talks, stored at once.

Text, owner and due date are three fields in a row of Tabs, so an action types in one burst: an
owner or a due date makes it an action. What is already saved is listed under the fields: Tab to
it, then e edits an action and x deletes a note or an action (after asking).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, RadioButton, RadioSet, Static

from ...session.capture import EntryError, checked_entry
from ...session.running import LiveSession
from ...model import Action, Note, Principle
from ...wording import owner_due
from ..widgets.kept_input import KeptInput
from .dialogs import ConfirmScreen, TypeAhead


WAITING = "Kept: another workshop command is writing to the database; it is saved as soon as it can be"


class SavedList(DataTable):
    """The principle's notes and actions; e edits the action under the cursor, x deletes."""

    BINDINGS = [
        Binding("e", "screen.edit", "Edit action"),
        Binding("x,delete", "screen.delete", "Delete"),
    ]


class NoteScreen(TypeAhead, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="note.close"),
        Binding("ctrl+s", "save", "Save", id="note.save"),
        # Priority: the focus moves as Tab is pressed, so a burst of typing lands field by field.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]
    AUTO_FOCUS = "#text"  # typing straight after `a` lands in the text box

    def __init__(self, live: LiveSession, principle: Principle | None = None, text: str = ""):
        """principle: the one the note or action is about (a priority, from the ranking), which then
        starts as an action; the principle on screen otherwise. text: the action's suggested wording,
        selected at first, so Enter takes it as it is and typing replaces it."""
        super().__init__()
        self.live = live
        self.suggested = text
        self.principle = principle or live.principle
        self.as_action = principle is not None
        self.items: list[Note | Action] = []
        self.editing: Action | None = None

    def compose(self) -> ComposeResult:
        groups = [g.name for g in self.live.groups]
        number = self.live.principles.index(self.principle) + 1
        with Vertical(classes="dialog wide", id="note-dialog"):
            yield Label(f"{'Action' if self.as_action else 'Note or action'} on principle {number}",
                        classes="dialog-title")
            yield Static(self.principle.statement, classes="dialog-statement")  # whole, wrapped
            with RadioSet(id="kind"):
                yield RadioButton("Note", value=not self.as_action, id="is-note")
                yield RadioButton("Action", value=self.as_action, id="is-action")
            # Tab and Shift+Tab back into a field keep what was typed there; a wording offered is selected.
            yield KeptInput(self.suggested, placeholder="What was said, or what was agreed", id="text")
            with Horizontal(id="action-fields"):
                yield KeptInput(placeholder="Owner: a group or a name", id="owner",
                                suggester=SuggestFromList(groups, case_sensitive=False))
                yield KeptInput(placeholder="Due: YYYY-MM-DD", id="due")
            yield SavedList(cursor_type="row", zebra_stripes=True, id="saved")
            # A Static, so the help wraps on a narrow screen rather than losing its end.
            yield Static("Enter saves · Tab moves · an owner or a due date makes it an action · "
                         "on the list: e edits an action, x deletes · Escape closes", classes="dialog-help")

    def on_mount(self) -> None:
        table = self.query_one(SavedList)
        table.add_column("", key="kind", width=7)
        # The dialog is 90% of the screen up to 110 columns: the text wraps in what is left.
        inner = min(110, self.app.size.width * 9 // 10) - 8
        table.add_column("Text", key="text", width=max(20, inner - 7 - 4))
        self.query_one("#text", KeptInput).select_offer()
        self.show_saved()

    @property
    def is_action(self) -> bool:
        return self.query_one("#is-action", RadioButton).value

    @on(Input.Changed, "#owner, #due")
    def action_field_typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#is-action", RadioButton).value = True

    def show_saved(self) -> None:
        table = self.query_one(SavedList)
        row = table.cursor_row
        table.clear()
        pid = self.principle.id
        self.items = [*self.live.notes(pid), *self.live.actions(principle_id=pid)]
        for item in self.items:
            if isinstance(item, Action):
                extra = owner_due(item.owner, item.due)
                text = Text(item.text + (f" ({extra})" if extra else ""))
            else:
                text = Text(item.text)
            table.add_row(Text("Action" if isinstance(item, Action) else "Note", style="bold"), text, height=None)
        table.display = bool(self.items)
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1))

    def selected(self) -> Note | Action | None:
        table = self.query_one(SavedList)
        return self.items[table.cursor_row] if self.items and table.cursor_row < len(self.items) else None

    def action_edit(self) -> None:
        item = self.selected()
        if not isinstance(item, Action):
            self.notify("Only actions are edited here: delete a note (x) and type it again", severity="warning")
            return
        self.editing = item
        self.query_one("#is-action", RadioButton).value = True
        self.query_one("#text", KeptInput).offer(item.text)
        self.query_one("#owner", KeptInput).offer(item.owner)
        self.query_one("#due", KeptInput).offer(item.due)
        self.query_one("#text", Input).focus()
        self.notify("Editing the action: Enter saves the change")

    def action_delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        kind = "action" if isinstance(item, Action) else "note"

        def answered(yes: bool | None) -> None:
            if yes:
                if isinstance(item, Action):
                    self.live.delete_action(item.id)
                else:
                    self.live.delete_note(item.id)
                self.notify(f"The {kind} is deleted")
                self.show_saved()

        self.app.push_screen(ConfirmScreen(f"Delete the {kind} '{item.text}'?", yes="delete", no="keep it"),
                             callback=answered)

    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            entry = checked_entry(self.query_one("#text", Input).value, self.query_one("#owner", Input).value,
                                  self.query_one("#due", Input).value, action=self.is_action)
        except EntryError as problem:
            self.notify(str(problem), severity="warning" if problem.field == "text" else "error")
            if problem.field == "due":
                self.query_one("#due", Input).focus()
            return
        if entry.is_action:
            if self.editing is not None:
                saved = self.live.update_action(self.editing.id, text=entry.text, owner=entry.owner, due=entry.due)
                self.notify("Action changed" if saved else WAITING)
            else:
                saved = self.live.add_action(entry.text, owner=entry.owner, due=entry.due, principle_id=self.principle.id)
                self.notify("Action saved" if saved else WAITING)
        else:
            self.notify("Note saved" if self.live.add_note(entry.text, self.principle.id) else WAITING)
        self.editing = None
        for field in self.query(Input):
            field.value = ""
        # Each entry starts as a note again (as an action again, for a priority).
        self.query_one("#is-action" if self.as_action else "#is-note", RadioButton).value = True
        self.query_one("#text", Input).focus()
        self.show_saved()

    def action_close(self) -> None:
        self.dismiss(None)
