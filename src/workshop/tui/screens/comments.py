"""The comments list: every comment of the session, approved or hidden one by one, and the approved
ones put on the projector for the room to discuss.

The laptop's screen is often what the projector shows: the text of a comment that waits or is hidden is
covered in the list, and v reads the highlighted one until the cursor moves (the remote lists them too).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...model import Comment
from ...session.running import LiveSession
from ..widgets.keybar import KeyBar
from .floor_comment import FloorCommentScreen
from .note import WAITING

STATUS_WORDS = {"pending": "waiting", "approved": "approved", "hidden": "hidden"}
PRIVATE = ("Comments that wait or are hidden are not for the room: their text is covered here. "
           "v reads the highlighted one (the projector shows it too), or read them on your remote.")
# What the list shows instead of a text the room has not been let see.
COVERED = {"pending": "(waiting: press v to read it here, or read it on your remote)",
           "hidden": "(hidden: press v to read it here)"}


class CommentsScreen(Screen[None]):
    """The session's comments, the principle on screen first; Escape goes back to voting."""

    BINDINGS = [
        Binding("a", "approve", "Approve", id="comments.approve"),
        Binding("h", "hide", "Hide", id="comments.hide"),
        Binding("s", "show", "Show on projector", id="comments.show"),
        Binding("v", "read", "Read here", id="comments.read"),
        Binding("f", "floor", "Comment from the floor", priority=True, id="comments.floor"),
        Binding("escape", "back", "Back", id="comments.back"),
    ]
    AUTO_FOCUS = "#comment-list"

    reading: reactive[str | None] = reactive(None, init=False)
    """The id of the comment whose text v uncovered: only while it stays highlighted."""

    def __init__(self, live: LiveSession):
        super().__init__()
        self.live = live
        self.items: list[Comment] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="comments-body"):
            yield Static(id="comments-title")
            yield Static(Text(PRIVATE, style="bold"), id="comments-private")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="comment-list")
            yield Static(id="comments-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        width = self.app.size.width
        side = max(len(g.name) for g in self.live.groups) + 1
        table.add_column("#", key="number", width=3)
        table.add_column("Side", key="group", width=side)
        table.add_column("Status", key="status", width=10)
        # What is left of the width, less a cell's padding on each side, the screen's and a scroll bar.
        table.add_column("Comment", key="text", width=max(20, width - 3 - side - 10 - 4 * 2 - 2 - 2))
        self.show_comments()

    def show_comments(self) -> None:
        live = self.live
        here = live.principle.id
        number = {p.id: i for i, p in enumerate(live.principles, 1)}
        comments = live.comments.all()
        # The principle on screen first, then the others in plan order (the store's order within each).
        self.items = [c for c in comments if c.principle_id == here] + [c for c in comments if c.principle_id != here]
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        shown = live.comments.shown_id
        names = live.plan.group_names
        for c in self.items:
            status = Text(STATUS_WORDS[c.status], style="bold" if c.status == "pending" else "")
            if c.id == shown:
                status = Text("ON SCREEN", style="bold reverse")
            table.add_row(str(number.get(c.principle_id, "")), names.get(c.group, c.group), status, self.shown_text(c),
                          height=None)
        waiting = sum(1 for c in comments if c.status == "pending")
        title = Text(f"Comments: {len(comments)}", style="bold")
        title.append(f", {waiting} waiting" if waiting else ", none waiting")
        title.append(f"   On screen: principle {live.position + 1}")
        self.query_one("#comments-title", Static).update(title)
        table.display = bool(self.items)
        empty = self.query_one("#comments-empty", Static)
        empty.display = not self.items
        empty.update("No comments yet. Phones can comment after voting; f adds one heard from the floor.")
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1))
        self.refresh_bindings()

    def shown_text(self, comment: Comment) -> Text:
        if comment.status == "approved" or comment.id == self.reading:
            return Text(comment.text)
        return Text(COVERED[comment.status], style="italic")

    def watch_reading(self) -> None:
        self.show_comments()

    def selected(self) -> Comment | None:
        table = self.query_one(DataTable)
        return self.items[table.cursor_row] if self.items and table.cursor_row < len(self.items) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: shown dimmed in the key bar, so the facilitator sees the key exists but not for this row.
        comment = self.selected() if self.is_mounted else None
        if action == "approve":
            return (comment is not None and comment.status != "approved") or None
        if action == "hide":
            return (comment is not None and comment.status != "hidden") or None
        if action == "show":
            return (comment is not None and comment.status == "approved") or None
        if action == "read":
            return (comment is not None and comment.status != "approved") or None
        if action == "floor":
            return not self.live.readonly
        return True

    def on_data_table_row_highlighted(self) -> None:
        comment = self.selected()
        if self.reading is not None and (comment is None or comment.id != self.reading):
            self.reading = None  # the cursor moved on: covered again
        self.refresh_bindings()

    def moderate(self, status: str) -> None:
        comment = self.selected()
        if comment is None:
            return
        saved = self.live.comments.moderate(comment, status)
        self.notify(("Approved: it can be shown on the projector (s)" if status == "approved"
                     else "Hidden: the room never sees it") if saved else WAITING)
        self.show_comments()

    def action_approve(self) -> None:
        self.moderate("approved")

    def action_hide(self) -> None:
        self.moderate("hidden")

    def action_show(self) -> None:
        comment = self.selected()
        if comment is None:
            return
        comments = self.live.comments
        if comments.shown_id == comment.id:
            comments.show(None)
            self.notify("Taken off the projector")
        else:
            why = comments.show(comment)
            if why:
                self.notify(why[:1].upper() + why[1:], severity="warning")
            elif comment.principle_id != self.live.principle.id:
                self.notify("It shows when its principle is on screen (Escape, then n, p or j)")
            else:
                self.notify("On the projector once you go back (Escape)")
        self.show_comments()

    def action_read(self) -> None:
        comment = self.selected()
        if comment is not None:
            self.reading = None if self.reading == comment.id else comment.id

    def action_floor(self) -> None:
        self.app.push_screen(FloorCommentScreen(self.live), callback=lambda _: self.show_comments())

    def action_back(self) -> None:
        self.dismiss(None)
