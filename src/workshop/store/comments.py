"""Comments on principles: stored with their principle and the author's group, and moderated."""

from __future__ import annotations

import functools

from ..model import COMMENT_STATUSES, Comment
from .base import BallotError, StoreError, new_id


class CommentsMixin:
    @functools.cached_property
    def _has_comments(self) -> bool:
        """False only for a file from before comments, opened read-only as it is (it has none)."""
        return self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'comments'").fetchone() is not None

    def add_comment(self, session_id: str, principle_id: str, group: str, text: str, *,
                    status: str = "pending") -> str:
        """Store a comment and return its random id; the text is checked by the caller (clean_comment)."""
        if status not in COMMENT_STATUSES:
            raise ValueError(f"unknown comment status {status!r}")
        self._check_group(session_id, group)
        if self.conn.execute("SELECT 1 FROM session_principles WHERE session_id = ? AND principle_id = ?",
                             [session_id, principle_id]).fetchone() is None:
            raise BallotError(f"principle '{principle_id}' is not in this session")
        comment_id = new_id(16)
        self.conn.execute("INSERT INTO comments (id, session_id, principle_id, group_id, text, status) "
                        "VALUES (?,?,?,?,?,?)", [comment_id, session_id, principle_id, group, text, status])
        return comment_id

    def comments(self, session_id: str, *, status: str | None = None) -> list[Comment]:
        """The session's comments (or those with one status) in plan order, then group, then text:
        never in the order they were written, which nothing stored keeps."""
        if not self._has_comments:
            return []
        where, params = "c.session_id = ?", [session_id]
        if status is not None:
            where += " AND c.status = ?"
            params.append(status)
        return [Comment(r["id"], r["principle_id"], r["group_id"], r["text"], r["status"]) for r in self.rows(
            "SELECT c.* FROM comments c "
            "JOIN session_principles p ON p.session_id = c.session_id AND p.principle_id = c.principle_id "
            "JOIN session_groups g ON g.session_id = c.session_id AND g.group_id = c.group_id "
            f"WHERE {where} ORDER BY p.position, g.position, c.text, c.id", params)]

    def comments_waiting(self, session_id: str) -> dict[str, int]:
        """Principle id -> how many of its comments wait for the facilitator (pending)."""
        if not self._has_comments:
            return {}
        return dict(self.conn.execute(
            "SELECT principle_id, COUNT(*) FROM comments WHERE session_id = ? AND status = 'pending' "
            "GROUP BY principle_id", [session_id]).fetchall())

    def set_comment_status(self, comment_id: str, status: str) -> None:
        if status not in COMMENT_STATUSES:
            raise ValueError(f"unknown comment status {status!r}")
        if not self.conn.execute("UPDATE comments SET status = ? WHERE id = ?", [status, comment_id]).rowcount:
            raise StoreError(f"no comment '{comment_id}'")
