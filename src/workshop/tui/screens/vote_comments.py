"""The vote screen's part in comments: how many wait, the list on a key, one from the floor, and
the approved comment the facilitator put on the projector."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static


COMMENT_KEYS = [
    Binding("o", "comments", "Comments", id="vote.comments"),
    # A priority binding: what is typed straight after it goes to the dialog (see dialogs.TypeAhead).
    Binding("f", "floor_comment", "Comment from the floor", priority=True, id="vote.floor-comment"),
]


class CommentKeys:
    """Mixed into the vote screen (self.live is its running session)."""

    def comment_action(self, action: str) -> bool:
        """check_action for the comment keys (True for any other key): only where the plan takes comments."""
        if action == "comments":
            return self.live.plan.comments
        if action == "floor_comment":
            return self.live.plan.comments and not self.live.readonly
        return True

    def comments_line(self, text: Text) -> None:
        """'2 comments wait (on this principle) (o)' under the ballots in: the count only, never the words."""
        if not self.live.plan.comments:
            return
        waiting = self.live.comments.waiting_words()
        if waiting:
            text.append(f"\n{waiting}: o to read them", style="bold")

    def show_comment(self) -> None:
        """The approved comment the facilitator chose, large, under the statement; nothing otherwise."""
        panel = self.query_one("#comment-shown", Static)
        comment = self.live.comments.on_projector() if self.live.plan.comments else None
        panel.display = comment is not None
        if comment is not None:
            said = Text("From the room · ", style="bold")
            said.append(self.live.plan.group_names[comment.group], style="bold")
            said.append(f"\n“{comment.text}”")
            panel.update(said)

    def action_comments(self) -> None:
        if self.settled():
            from .comments import CommentsScreen

            self.app.push_screen(CommentsScreen(self.live), callback=lambda _: self.show_principle(entered=False))

    def action_floor_comment(self) -> None:
        if self.settled():
            from .floor_comment import FloorCommentScreen

            self.app.push_screen(FloorCommentScreen(self.live), callback=lambda _: self.show_principle(entered=False))
