"""Comments on principles in the running session: checking the text, moderating, the projector.

A comment keeps its principle and the author's group, nothing else. Phones send theirs through the
phone server (web/commenting.py); the facilitator types one heard from the floor. Pending ones wait
for the facilitator, who approves or hides each; only an approved comment, from a group whose
result on that principle is shown, can go on the projector.
"""

from __future__ import annotations

import unicodedata

from ..analytics import comments_shown
from ..model import Comment
from ..store import BallotError, Store

MAX_COMMENT = 280  # characters, as a phone counts them
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
EMPTY = "write a comment first: an empty one is not sent"
NOT_TAKEN = "this workshop takes no comments"


class CommentError(ValueError):
    """A comment that cannot be taken: the message says why, for the person who wrote it."""


def clean_comment(raw: object) -> str:
    """The text a comment is stored with: plain text on one line, or CommentError.

    Line breaks, tabs and other control characters become spaces, runs of spaces one; characters
    that reorder text on screen (bidirectional controls) and broken surrogates are dropped. Nothing
    is cut: a comment over MAX_COMMENT characters is refused, so nobody's words are shortened.
    """
    if not isinstance(raw, str):
        raise CommentError("send the comment as text")
    text = unicodedata.normalize("NFC", raw[:MAX_COMMENT * 8])
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or char in BIDI_CONTROLS:
            continue
        kept.append(" " if category in ("Cc", "Zl", "Zp") else char)
    text = " ".join("".join(kept).split())
    if not text:
        raise CommentError(EMPTY)
    if len(text) > MAX_COMMENT:
        raise CommentError(f"a comment is at most {MAX_COMMENT} characters and this one has {len(text)}: "
                           "shorten it and send it again")
    return text


class RoomComments:
    """The comments of one running session (LiveSession.comments).

    Which comment the projector shows is kept in memory only: it is a moment in the room, not a record.
    """

    def __init__(self, live):
        self.live = live
        self.shown_id: str | None = None  # the approved comment on the projector, if any

    @property
    def enabled(self) -> bool:
        return self.live.plan.comments

    def all(self) -> list[Comment]:
        return self.live.store.comments(self.live.id)

    def waiting(self) -> dict[str, int]:
        """Principle id -> comments that wait for the facilitator."""
        return self.live.store.comments_waiting(self.live.id)

    def waiting_words(self) -> str:
        """'2 comments wait (1 on this principle)' for the vote screen, or '' when none wait."""
        waiting = self.waiting()
        total, here = sum(waiting.values()), waiting.get(self.live.principle.id, 0)
        if not total:
            return ""
        verb = "waits" if total == 1 else "wait"
        where = "on this principle" if here == total else f"{here} on this principle"
        return f"{total} comment{'s' if total != 1 else ''} {verb} ({where})"

    # --- writing ----------------------------------------------------------------------------

    def from_floor(self, group: str, raw: str) -> bool:
        """A comment heard from the floor on the principle on screen, typed by the facilitator: approved
        as it is stored (the facilitator is its moderator). CommentError for an empty or long one;
        True once committed, False while it waits for another program's lock."""
        text, principle = clean_comment(raw), self.live.principle.id
        if group not in self.live.plan.group_names:
            raise CommentError(f"group '{group}' is not in this session")
        return self.live._write("comment", lambda: self.live.store.add_comment(
            self.live.id, principle, group, text, status="approved"))

    def moderate(self, comment: Comment, status: str) -> bool:
        """Approve or hide a comment (or put it back to pending); a hidden one leaves the projector."""
        if status != "approved" and self.shown_id == comment.id:
            self.shown_id = None
        return self.live._write("comment", lambda: self.live.store.set_comment_status(comment.id, status))

    def record_phone_comment(self, principle_id: str, group: str, text: str, store: Store,
                             open_now: str | None) -> str:
        """A phone's comment, within the phone server's transaction: BallotError unless its
        principle is still the one open to phones as committed (open_now)."""
        if principle_id != open_now:
            from .running import NOT_OPEN

            raise BallotError(NOT_OPEN)
        return store.add_comment(self.live.id, principle_id, group, text)

    # --- the projector ----------------------------------------------------------------------

    def showable(self, comment: Comment) -> str:
        """'' when the comment may go on the projector, else why not, in the facilitator's words."""
        if comment.status != "approved":
            return "only an approved comment can be shown: approve it first (a)"
        principle = next((p for p in self.live.principles if p.id == comment.principle_id), None)
        if principle is None:
            return "that comment's principle is not in this session"
        stats = self.live.result(principle).groups[comment.group]
        if not comments_shown(stats, self.live.plan.min_group_size):
            name = self.live.plan.group_names[comment.group]
            return (f"{name} has fewer than {self.live.plan.min_group_size} scores on that principle: "
                    "its comments are too few to show")
        return ""

    def show(self, comment: Comment | None) -> str:
        """Put a comment on the projector (None takes it off); '' when done, else why not."""
        if comment is None:
            self.shown_id = None
            return ""
        why = self.showable(comment)
        if not why:
            self.shown_id = comment.id
        return why

    def on_projector(self) -> Comment | None:
        """The comment the projector shows now: approved, on the principle on screen, still showable."""
        if self.shown_id is None:
            return None
        comment = next((c for c in self.all() if c.id == self.shown_id), None)
        if comment is None or comment.principle_id != self.live.principle.id or self.showable(comment):
            return None
        return comment
