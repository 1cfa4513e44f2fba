"""Notes and actions agreed in a session, and following actions up across sessions."""

from __future__ import annotations

import datetime as dt

from ..model import ACTION_STATUSES, Action, Note, SessionSummary
from .base import StoreError, now


class NotesMixin:
    # --- notes and actions ---------------------------------------------------------------

    def add_note(self, session_id: str, text: str, principle_id: str | None = None) -> Note:
        stamp = now()
        cur = self.conn.execute("INSERT INTO notes (session_id, principle_id, text, created_at) VALUES (?,?,?,?)",
                              [session_id, principle_id, text, stamp])
        return Note(cur.lastrowid, principle_id, text, stamp)

    def delete_note(self, note_id: int) -> None:
        self.conn.execute("DELETE FROM notes WHERE id = ?", [note_id])

    def notes(self, session_id: str) -> list[Note]:
        return [Note(r["id"], r["principle_id"], r["text"], r["created_at"]) for r in self.rows(
            "SELECT * FROM notes WHERE session_id = ? ORDER BY id", [session_id])]

    def add_action(self, session_id: str, text: str, *, owner: str = "", due: str = "",
                   principle_id: str | None = None) -> Action:
        stamp = now()
        cur = self.conn.execute(
            """INSERT INTO actions (session_id, principle_id, text, owner, due, created_at, updated_at)
               VALUES (?,?,?,?,?,?,?)""", [session_id, principle_id, text, owner, due, stamp, stamp])
        return self.action(cur.lastrowid)

    def action(self, action_id: int) -> Action:
        row = next(self.rows("SELECT * FROM actions WHERE id = ?", [action_id]), None)
        if row is None:
            raise StoreError(f"no action {action_id}; 'workshop actions' lists them with their numbers")
        return _action(row)

    def set_action_status(self, action_id: int, status: str, note: str = "") -> Action:
        return self.update_action(action_id, status=status, status_note=note)

    def update_action(self, action_id: int, *, text: str | None = None, owner: str | None = None,
                      due: str | None = None, status: str | None = None,
                      status_note: str | None = None) -> Action:
        """Change what is given (None leaves a field as it is); due is YYYY-MM-DD or '' for none."""
        current = self.action(action_id)
        if text is not None and not text.strip():
            raise StoreError("an action needs its text; give the words agreed, or delete the action")
        if due:
            check_due(due)
        if status is not None and status not in ACTION_STATUSES:
            raise StoreError(f"unknown action status '{status}'; use one of: {', '.join(ACTION_STATUSES)}")
        changes = {"text": text and text.strip(), "owner": owner, "due": due, "status": status,
                   "status_note": status_note}
        changes = {column: value for column, value in changes.items() if value is not None}
        if not changes:
            return current
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        self.conn.execute(f"UPDATE actions SET {assignments}, updated_at = :at WHERE id = :id",
                        changes | {"at": now(), "id": action_id})
        return self.action(action_id)

    def delete_action(self, action_id: int) -> Action:
        """Remove an action; returns it as it was."""
        gone = self.action(action_id)
        self.conn.execute("DELETE FROM actions WHERE id = ?", [action_id])
        return gone

    def actions(self, session_id: str) -> list[Action]:
        return [_action(r) for r in self.rows("SELECT * FROM actions WHERE session_id = ? ORDER BY id", [session_id])]

    def action_principles(self, action_ids) -> dict[int, tuple[int, str]]:
        """Action id -> (number, statement) of the principle it is about, as its session asked it."""
        ids = list(action_ids)
        if not ids:
            return {}
        rows = self.conn.execute(
            "SELECT a.id, p.position + 1, p.statement FROM actions a JOIN session_principles p "
            "ON p.session_id = a.session_id AND p.principle_id = a.principle_id "
            f"WHERE a.id IN ({', '.join('?' * len(ids))})", ids)
        return {action_id: (number, statement) for action_id, number, statement in rows}

    def all_actions(self, *, locality: str | None = None, open_only: bool = False,
                    before: str | None = None) -> list[tuple[Action, SessionSummary]]:
        """Actions across sessions, oldest session first, each with the session it was agreed in.

        open_only keeps those not done or dropped; before keeps sessions dated before that day.
        """
        clauses, params = [], []
        if locality:
            clauses.append("s.locality = ? COLLATE NOCASE")
            params.append(locality)
        if open_only:
            clauses.append("a.status IN ('open', 'in progress')")
        if before:
            clauses.append("s.date < ?")
            params.append(before)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.rows(
            "SELECT a.*, s.title AS s_title, s.date AS s_date, s.locality AS s_locality, s.status AS s_status, "
            "s.created_at AS s_created FROM actions a JOIN sessions s ON s.id = a.session_id"
            + where + " ORDER BY s.date, s.created_at, a.id", params)
        return [(_action(r), SessionSummary(r["session_id"], r["s_title"], r["s_date"], r["s_locality"], (),
                                            r["s_status"], 0, 0, r["s_created"])) for r in rows]


def check_due(due: str) -> str:
    """A due date as the store keeps it: a day in the calendar written YYYY-MM-DD."""
    try:
        ok = len(due) == 10 and bool(dt.date.fromisoformat(due))
    except ValueError:
        ok = False
    if not ok:
        raise StoreError(f"due date '{due}' must be a day written YYYY-MM-DD, like 2027-03-31")
    return due


def _action(row: dict) -> Action:
    return Action(row["id"], row["session_id"], row["principle_id"], row["text"], row["owner"], row["due"],
                  row["status"], row["status_note"], row["created_at"])

