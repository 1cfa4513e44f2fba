"""The SQLite store: the storage layer is the only code that speaks SQL.

Store opens a checked database, applies migrations, and reads and writes sessions; ballots.py and
notes.py add the rest. Make one Store per thread.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model import Plan, Session, SessionSummary
from .ballots import BallotsMixin
from .comments import CommentsMixin
from .base import (  # noqa: F401  (re-exported: the storage layer's public names)
    APPLICATION_ID,
    ENV_VAR,
    ID_ALPHABET,
    SQLITE_MAGIC,
    STATES,
    KNOWN_MIGRATIONS,
    SCHEMA_VERSION,
    BallotError,
    NoDatabase,
    SessionNotFound,
    StoreError,
    default_db_path,
    new_id,
    now,
    resolve_db_path,
)
from .connect import connect_checked, damaged
from .notes import NotesMixin
from .predictions import PredictionsMixin
from .priorities import PrioritiesMixin


class Store(BallotsMixin, PredictionsMixin, PrioritiesMixin, NotesMixin, CommentsMixin):
    """One open workshop database. Make one per thread."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True, readonly: bool = False):
        """Open the database at path; create=False refuses (NoDatabase) rather than create one.

        readonly=True is for commands that only read: the file is opened read-only, never migrated
        and never written, and a database that needs upgrading is refused with the command that does.
        """
        self.path = Path(path)
        self.conn = connect_checked(self.path, create=create, readonly=readonly)
        self.upgraded_from: int | None = None  # the schema version before this open migrated it
        if readonly:
            return
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if self._migrations_pending():
            from .schema import migrations  # sqlite-utils only when the schema must change

            # One transaction for them all: one commit (one sync to disk) rather than one a
            # migration, and an upgrade that fails part-way leaves the database as it was.
            with self.db.atomic():
                migrations.apply(self.db)
            self.upgraded_from = version
        # Only when they differ: opening a database that is up to date writes nothing.
        if self.conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if version != SCHEMA_VERSION:
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.upgraded_from = version

    def _migrations_pending(self) -> bool:
        """Whether a migration this version knows is not applied yet: read from the table sqlite-utils
        keeps, so opening an up-to-date database (every start of the app) never imports it."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "_sqlite_migrations" not in tables:
            return True
        applied = {r[0] for r in self.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'workshop'")}
        return bool(KNOWN_MIGRATIONS - applied)

    @functools.cached_property
    def db(self):
        """sqlite-utils over the same connection, for the migrations. Everything else speaks to
        `conn` through the standard sqlite3 module: importing sqlite-utils and loading its plugins
        took a tenth of a second, which no start of the app or key press should wait for."""
        from sqlite_utils import Database

        return Database(self.conn)

    def rows(self, sql: str, params=()) -> Iterator[dict]:
        """The rows of a query as dicts, column name to value."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction, committed when the block ends and rolled back if it raises; inside
        another, a savepoint of it (a refused write undoes only its own part)."""
        conn = self.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
            try:
                yield
            except BaseException:
                if conn.in_transaction:  # a failed COMMIT or a trigger may have ended it already
                    conn.execute("ROLLBACK")
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            return
        name = f"atomic_{new_id()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")

    # --- sessions ------------------------------------------------------------------------

    def start_session(self, plan: Plan, plan_text: str = "", *, session_id: str | None = None) -> Session:
        """Store a new session with a frozen copy of its plan and every principle's wording."""
        sid = session_id or new_id()
        stamp = now()
        theme_titles = {t.id: t.title for t in plan.themes}
        if plan.anonymous:
            # An anonymous session keeps the shape of its roster, never the names (nor the plan's
            # text, which holds them), nor the roster's order, which the plan file would match to
            # names: only how many seats each group has. Nothing stored leads back to a person.
            order = [g.id for g in plan.groups]
            seats = sorted((dataclasses.replace(s, name=None) for s in plan.roster), key=lambda s: order.index(s.group))
            plan = dataclasses.replace(plan, roster=tuple(seats))
            plan_text = ""
        with self.atomic():
            self.conn.execute(
                """INSERT INTO sessions (id, title, date, place, locality, facilitator, anonymous,
                   min_group_size, scale_min, scale_max, dont_know_allowed, plan_json, plan_text,
                   created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                [sid, plan.title, plan.date.isoformat(), plan.place, plan.locality, plan.facilitator,
                 int(plan.anonymous), plan.min_group_size, plan.scale.min, plan.scale.max,
                 int(plan.scale.dont_know), json.dumps(plan.to_dict(private=True)), plan_text, stamp, stamp],
            )
            self.conn.executemany(
                "INSERT INTO session_groups (session_id, position, group_id, name) VALUES (?,?,?,?)",
                [(sid, i, g.id, g.name) for i, g in enumerate(plan.groups)],
            )
            self.conn.executemany(
                """INSERT INTO session_principles (session_id, position, principle_id, statement, theme,
                   theme_title, addressed_to, sources_json, time_box_seconds) VALUES (?,?,?,?,?,?,?,?,?)""",
                [(sid, i, p.id, p.statement, p.theme, theme_titles.get(p.theme, p.theme), p.addressed_to,
                  json.dumps([{"text": s.text, "title": s.title, "quote": s.quote} for s in p.sources]), plan.time_box_for(p.id))
                 for i, p in enumerate(plan.principles)],
            )
        return self.session(sid)

    def find_session_id(self, ref: str) -> str:
        """A full session id from an id or an unambiguous start of one."""
        ref = ref.strip().lower()
        if not ref:
            raise SessionNotFound("no session given; 'workshop list' shows the ids")
        if self.conn.execute("SELECT 1 FROM sessions WHERE id = ?", [ref]).fetchone():
            return ref
        # A prefix as a range on the primary key: uses the index, unlike LIKE.
        rows = [r[0] for r in self.conn.execute(
            "SELECT id FROM sessions WHERE id > ? AND id < ? ORDER BY id LIMIT 6", [ref, ref + "\U0010ffff"])]
        if not rows:
            raise SessionNotFound(f"no session '{ref}' in {self.path}; 'workshop list' shows the ids")
        if len(rows) > 1:
            raise SessionNotFound(f"'{ref}' matches several sessions ({', '.join(rows[:5])}); give more of the id")
        return rows[0]

    def session(self, ref: str) -> Session:
        sid = self.find_session_id(ref)
        status, position, created, updated, plan_json, plan_text = self.conn.execute(
            "SELECT status, position, created_at, updated_at, plan_json, plan_text FROM sessions WHERE id = ?",
            [sid]).fetchone()
        # The frozen plan holds every principle's wording as it was asked; session_principles
        # repeats it as a table for people reading the file.
        try:
            plan = Plan.from_dict(json.loads(plan_json))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise damaged(self.path, f"session {sid}'s frozen plan: {exc}") from None
        return Session(sid, plan, status, position, created, updated, plan_text)

    def frozen_plans(self, session_ids: list[str]) -> dict[str, dict]:
        """Each session's frozen plan as stored (plain data, not yet a Plan): for reading many at once."""
        plans: dict[str, dict] = {}
        for start in range(0, len(session_ids), 500):
            chunk = session_ids[start:start + 500]
            for sid, plan_json in self.conn.execute(
                    f"SELECT id, plan_json FROM sessions WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                try:
                    plans[sid] = json.loads(plan_json)
                except ValueError as exc:
                    raise damaged(self.path, f"session {sid}'s frozen plan: {exc}") from None
        return plans

    def sessions(self, *, locality: str | None = None, limit: int | None = None,
                 ids: list[str] | None = None) -> list[SessionSummary]:
        """Sessions newest first: every one, a locality's, the newest `limit`, or those in `ids`.

        Paged in SQL, so the newest fifty of years of history cost what fifty cost.
        """
        where, params = [], []
        if locality:
            where.append("s.locality = ? COLLATE NOCASE")
            params.append(locality)
        if ids is not None:
            where.append(f"s.id IN ({', '.join('?' * len(ids))})" if ids else "0")
            params += ids
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self.conn.execute(
            "SELECT s.id, s.title, s.date, s.locality, s.status, c.principles, c.ballots, s.created_at "
            "FROM sessions s JOIN session_counts c ON c.session_id = s.id"
            + clause + " ORDER BY s.date DESC, s.created_at DESC"
            + (" LIMIT ?" if limit is not None else ""), params + ([limit] if limit is not None else [])).fetchall()
        groups: dict[str, list[str]] = {}
        listed = [row[0] for row in rows]
        for start in range(0, len(listed), 500):  # SQLite takes a bounded number of parameters
            chunk = listed[start:start + 500]
            for sid, group in self.conn.execute(
                    f"SELECT session_id, group_id FROM session_groups WHERE session_id IN ({', '.join('?' * len(chunk))}) "
                    "ORDER BY session_id, position", chunk):
                groups.setdefault(sid, []).append(group)
        return [SessionSummary(sid, title, date, place, tuple(groups.get(sid, ())), status, principles, ballots,
                               created) for sid, title, date, place, status, principles, ballots, created in rows]

    def home_sessions(self, newest: int) -> list[SessionSummary]:
        """The newest `newest` sessions and every one still open, newest first: what Home lists, so
        years of history cost Home what a page costs and an unfinished workshop is always there."""
        ids = [row[0] for row in self.conn.execute(
            "SELECT id FROM (SELECT id FROM sessions ORDER BY date DESC, created_at DESC LIMIT ?) "
            "UNION SELECT id FROM sessions WHERE status = 'open'", [newest])]
        return self.sessions(ids=ids)

    def count_sessions(self, *, locality: str | None = None) -> int:
        where, params = (" WHERE locality = ? COLLATE NOCASE", [locality]) if locality else ("", [])
        return self.conn.execute("SELECT COUNT(*) FROM sessions" + where, params).fetchone()[0]

    def localities(self) -> list[str]:
        """Every locality named by a session, in alphabetical order."""
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT locality FROM sessions WHERE locality != '' ORDER BY locality COLLATE NOCASE")]

    def position(self, session_id: str) -> tuple[int, str]:
        """The principle on screen (its position) and that principle's state, in one cheap read."""
        row = self.conn.execute(
            "SELECT s.position, p.state FROM sessions s JOIN session_principles p ON p.session_id = s.id "
            "AND p.position = s.position WHERE s.id = ?", [session_id]).fetchone()
        if row is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return row[0], row[1]

    def set_position(self, session_id: str, position: int) -> None:
        self.conn.execute("UPDATE sessions SET position = ?, updated_at = ? WHERE id = ?",
                        [position, now(), session_id])

    def finish_session(self, session_id: str) -> None:
        stamp = now()
        self.conn.execute("UPDATE sessions SET status = 'finished', finished_at = ?, updated_at = ? WHERE id = ?",
                        [stamp, stamp, session_id])

    def status(self, session_id: str) -> str:
        row = self.conn.execute("SELECT status FROM sessions WHERE id = ?", [session_id]).fetchone()
        if row is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return row[0]

    def discard_if_empty(self, session_id: str) -> bool:
        """Delete a session nobody has voted, noted or acted in (a plan opened by mistake)."""
        with self.atomic():
            used = self.conn.execute(
                "SELECT (SELECT COUNT(*) FROM ballots WHERE session_id = :s) + "
                "(SELECT COUNT(*) FROM notes WHERE session_id = :s) + "
                "(SELECT COUNT(*) FROM actions WHERE session_id = :s) + "
                "(SELECT COUNT(*) FROM comments WHERE session_id = :s) + "
                "(SELECT COUNT(*) FROM ballot_changes WHERE session_id = :s)", {"s": session_id}).fetchone()[0]
            if not used and self.session(session_id).plan.perception:
                used = self.conn.execute("SELECT COUNT(*) FROM predictions WHERE session_id = ?",
                                         [session_id]).fetchone()[0]
            if used:
                return False
            self.delete_session(session_id)
        return True

    def delete_session(self, session_id: str) -> int:
        """Remove a session and everything it holds, in one transaction; returns how many ballots went.

        Every table with a session_id column is cleared, so a table a later migration adds is too.
        """
        sid = self.find_session_id(session_id)
        tables = [name for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if any(col[1] == "session_id" for col in self.conn.execute(f"PRAGMA table_info([{name}])"))]
        with self.atomic():
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # children and parents in any order
            # Ballots first: deleting them writes ballot_changes and session_counts through
            # triggers, and those are cleared after.
            ballots = self.conn.execute("DELETE FROM ballots WHERE session_id = ?", [sid]).rowcount
            for table in (t for t in tables if t != "ballots"):
                self.conn.execute(f"DELETE FROM [{table}] WHERE session_id = ?", [sid])
            self.conn.execute("DELETE FROM sessions WHERE id = ?", [sid])
        return ballots

    def reopen_session(self, session_id: str) -> None:
        self.conn.execute("UPDATE sessions SET status = 'open', finished_at = NULL, updated_at = ? WHERE id = ?",
                        [now(), session_id])

    # --- principle state -----------------------------------------------------------------

    def principle_states(self, session_id: str) -> dict[str, str]:
        return {r["principle_id"]: r["state"] for r in self.rows(
            "SELECT principle_id, state FROM session_principles WHERE session_id = ? ORDER BY position",
            [session_id])}

    def set_principle_state(self, session_id: str, principle_id: str, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown principle state {state!r}")
        stamps = {"open": ", opened_at = COALESCE(opened_at, :at)", "closed": ", closed_at = :at"}
        self.conn.execute(
            f"UPDATE session_principles SET state = :state{stamps.get(state, '')} "
            "WHERE session_id = :sid AND principle_id = :pid",
            {"state": state, "at": now(), "sid": session_id, "pid": principle_id})


    # --- the room ------------------------------------------------------------------------

    def room_sizes(self, session_id: str) -> dict[str, int | None]:
        """Group id -> how many of that group are in the room (None: not recorded)."""
        return dict(self.conn.execute(
            "SELECT group_id, room_size FROM session_groups WHERE session_id = ? ORDER BY position",
            [session_id]).fetchall())

    def set_room_size(self, session_id: str, group_id: str, size: int | None) -> None:
        self.conn.execute("UPDATE session_groups SET room_size = ? WHERE session_id = ? AND group_id = ?",
                        [size, session_id, group_id])

    def join_details(self, session_id: str) -> tuple[str | None, str | None]:
        """The (join code, address) phones last used for the session, if it had phone voting."""
        row = self.conn.execute("SELECT join_code, join_address FROM sessions WHERE id = ?", [session_id]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_join_details(self, session_id: str, code: str, address: str) -> None:
        self.conn.execute("UPDATE sessions SET join_code = ?, join_address = ? WHERE id = ?", [code, address, session_id])

    def plan_source(self, session_id: str) -> tuple[str | None, str | None]:
        """(path, sha-256 of its text) of the plan file the session was started from, if known."""
        row = self.conn.execute("SELECT plan_path, plan_digest FROM sessions WHERE id = ?", [session_id]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_plan_source(self, session_id: str, path: str, digest: str) -> None:
        self.conn.execute("UPDATE sessions SET plan_path = ?, plan_digest = ? WHERE id = ?", [path, digest, session_id])

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value", [key, value])


def __getattr__(name: str):
    # The migrations are imported on first use (they bring in sqlite-utils), not with the store.
    if name == "migrations":
        from .schema import migrations

        return migrations
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
