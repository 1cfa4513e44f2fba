"""Bring another facilitator's sessions into this database.

A session is identified by its id everywhere. A session already here with the same content is
skipped (so merging twice changes nothing); one with different content is a conflict, reported
and left as it is here. The other file is only ever read.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from . import NoDatabase, Store, StoreError
from .connect import connect_checked

# Columns copied for each table; notes' and actions' own ids are numbered afresh here.
COPIED = {
    "sessions": ("id", "title", "date", "place", "locality", "facilitator", "anonymous", "min_group_size",
                 "scale_min", "scale_max", "dont_know_allowed", "status", "position", "plan_json", "plan_text",
                 "created_at", "updated_at", "finished_at"),
    "session_groups": ("session_id", "position", "group_id", "name"),
    "session_principles": ("session_id", "position", "principle_id", "statement", "theme", "theme_title",
                           "addressed_to", "sources_json", "time_box_seconds", "state", "opened_at", "closed_at"),
    "participants": ("id", "session_id", "group_id", "name", "mode"),
    "ballots": ("session_id", "principle_id", "participant_id", "group_id", "score", "dont_know", "mode",
                "cast_at"),
    "ballot_changes": ("session_id", "principle_id", "participant_id", "group_id", "old_score", "old_dont_know",
                       "new_score", "new_dont_know", "changed_at"),
    "predictions": ("session_id", "principle_id", "participant_id", "group_id", "about_group_id", "score",
                    "dont_know", "mode", "cast_at"),
    "priority_rounds": ("session_id", "dots", "state"),  # before its dots: they need the round
    "dots": ("session_id", "principle_id", "group_id", "participant_id", "dots", "mode"),
    "notes": ("session_id", "principle_id", "text", "created_at"),
    "actions": ("session_id", "principle_id", "text", "owner", "due", "status", "status_note", "created_at",
                "updated_at"),
    "comments": ("id", "session_id", "principle_id", "group_id", "text", "status"),  # an older file has none
}
# Columns later schemas added, copied when the other file has them (an older file does not).
# A phone join code and a plan file's path belong to the laptop that ran the session: not copied.
ADDED_LATER = {"session_groups": ("room_size",)}
# Tables later schemas added, copied when the other file has them (an older file has nothing there).
TABLES_ADDED_LATER = {"predictions", "priority_rounds", "dots"}
# What makes two copies of a session the same: everything a report could show.
FINGERPRINTED = ("sessions", "session_principles", "ballots", "predictions", "dots", "notes", "actions")
ORDER = {"ballots": "principle_id, participant_id", "predictions": "principle_id, participant_id",
         "dots": "principle_id, group_id, participant_id", "priority_rounds": "session_id", "notes": "created_at, text", "actions": "created_at, text",
         "session_principles": "position", "session_groups": "position", "participants": "id",
         "ballot_changes": "changed_at, participant_id", "sessions": "id", "comments": "id"}


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def open_other(path: Path) -> sqlite3.Connection:
    """The other database, read-only, after checking it is an undamaged workshop database this
    version can read (an older one is read as it is; it is never upgraded)."""
    path = Path(path)
    try:
        return connect_checked(path, readonly=True, older_ok=True)
    except NoDatabase:
        raise StoreError(f"{path}: no such database file") from None


def _rows(conn: sqlite3.Connection, table: str, session_id: str, columns: tuple[str, ...] = ()) -> list[tuple]:
    if table in TABLES_ADDED_LATER and not _columns(conn, table):
        return []  # a file from before the table: it holds no such rows
    key = "id" if table == "sessions" else "session_id"
    columns = ", ".join(columns or COPIED[table])
    return conn.execute(f"SELECT {columns} FROM {table} WHERE {key} = ? ORDER BY {ORDER[table]}",
                        [session_id]).fetchall()


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def fingerprint(conn: sqlite3.Connection, session_id: str) -> str:
    digest = hashlib.sha256()
    for table in FINGERPRINTED:
        digest.update(json.dumps(_rows(conn, table, session_id), default=str).encode())
    return digest.hexdigest()


def merge(store: Store, other_path: Path) -> MergeReport:
    """Copy every session of other_path that this database lacks; never overwrite one it has."""
    other_path = Path(other_path)
    if other_path.resolve() == store.path.resolve():
        raise StoreError(f"{other_path}: is the database in use; give another file")
    other = open_other(other_path)
    report = MergeReport()
    try:
        copied = {table: columns + tuple(c for c in ADDED_LATER.get(table, ()) if c in _columns(other, table))
                  for table, columns in COPIED.items() if _columns(other, table)}
        ids = [r[0] for r in other.execute("SELECT id FROM sessions ORDER BY date, created_at")]
        for sid in ids:
            if store.conn.execute("SELECT 1 FROM sessions WHERE id = ?", [sid]).fetchone():
                same = fingerprint(store.conn, sid) == fingerprint(other, sid)
                (report.unchanged if same else report.conflicts).append(sid)
                continue
            with store.atomic():
                for table, columns in copied.items():
                    rows = _rows(other, table, sid, columns)
                    if rows:
                        marks = ", ".join("?" * len(columns))
                        store.conn.executemany(
                            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            report.added.append(sid)
    finally:
        other.close()
    return report
