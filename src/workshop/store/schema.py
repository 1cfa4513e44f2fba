"""The database schema as migrations, applied in order when a database opens."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

from .schema_sql import (BALLOTS_IN_WORDS, COMMENTS_TABLE, INITIAL_TABLES, READER_VIEWS_V1, SCALE_TRIGGERS,
                         SESSION_COUNT_TRIGGERS)
from .base import KNOWN_MIGRATIONS, SCHEMA_VERSION  # noqa: F401  (SCHEMA_VERSION re-exported)

migrations = Migrations("workshop")


def run_script(db: Database, sql: str) -> None:
    """Run the statements of `sql` one by one inside the migration's transaction.

    `Database.executescript` does the same, but finds each statement's end by testing the text
    after every character, which took most of the time a new database needs to open (80 ms of
    100). This tests only at each semicolon: a trigger's body or a string that holds one is
    joined to the rest of its statement until SQLite says the statement is complete.
    """
    statement = ""
    for piece in sql.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                db.execute(statement)
            statement = ""
    if statement.strip(" \n;"):
        raise ValueError(f"an incomplete statement at the end of a migration: {statement.strip()[:60]}")


# --- schema --------------------------------------------------------------------------------

@migrations()
def m001_initial(db: Database) -> None:
    run_script(db, INITIAL_TABLES + READER_VIEWS_V1)


@migrations()
def m002_settings(db: Database) -> None:
    run_script(db,
        """
        -- Preferences that follow the database, such as the chosen theme.
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migrations()
def m003_session_counts(db: Database) -> None:
    """Per-session counts kept by triggers, so listing years of history never counts every ballot."""
    run_script(db,
        """
        CREATE TABLE session_counts (
            session_id TEXT PRIMARY KEY REFERENCES sessions (id),
            principles INTEGER NOT NULL DEFAULT 0,
            ballots INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        INSERT INTO session_counts (session_id, principles, ballots)
        SELECT s.id,
               (SELECT COUNT(*) FROM session_principles p WHERE p.session_id = s.id),
               (SELECT COUNT(*) FROM ballots b WHERE b.session_id = s.id)
        FROM sessions s;

        CREATE TRIGGER session_counts_new_session AFTER INSERT ON sessions BEGIN
            INSERT INTO session_counts (session_id) VALUES (NEW.id);
        END;
        CREATE TRIGGER session_counts_principle AFTER INSERT ON session_principles BEGIN
            UPDATE session_counts SET principles = principles + 1 WHERE session_id = NEW.session_id;
        END;
""" + SESSION_COUNT_TRIGGERS + """        """
    )


@migrations()
def m004_room_and_join(db: Database) -> None:
    """How many people of each group are in the room, and the phone join details kept for a resume."""
    run_script(db,
        """
        -- NULL until the lobby records it; the vote screen shows "Council 10 of 12".
        ALTER TABLE session_groups ADD COLUMN room_size INTEGER CHECK (room_size IS NULL OR room_size >= 0);
        -- The join code and address phones used, so a resumed session lets them straight back in.
        ALTER TABLE sessions ADD COLUMN join_code TEXT;
        ALTER TABLE sessions ADD COLUMN join_address TEXT;
        -- Where the plan came from and a digest of its text: an anonymous session stores no names,
        -- so a resume shows the plan's roster names only while that file is there unchanged.
        ALTER TABLE sessions ADD COLUMN plan_path TEXT;
        ALTER TABLE sessions ADD COLUMN plan_digest TEXT;
        """
    )


@migrations()
def m005_plan_source(db: Database) -> None:
    """The plan file's path and digest, for databases whose schema 4 was applied before m004 gained them."""
    columns = {c.name for c in db["sessions"].columns}
    for column in ("plan_path", "plan_digest"):
        if column not in columns:
            db.execute(f"ALTER TABLE sessions ADD COLUMN {column} TEXT")


@migrations()
def m006_unlinkable_ballots(db: Database) -> None:
    """Anonymous means unlinkable: nothing stored orders an anonymous session's ballots by when or
    by whom they were cast.

    Ballots and participants move to WITHOUT ROWID tables, so they are stored in the order of their
    random ids, not the order they were written; an anonymous session's ballots keep no time and
    its changed votes no audit trail. Deleted content is overwritten, not left in free pages.
    """
    db.execute("PRAGMA secure_delete = ON")
    run_script(db,
        """
        DROP VIEW principle_summary;
        DROP VIEW ballots_readable;
        DROP TRIGGER ballots_on_scale_insert;
        DROP TRIGGER ballots_on_scale_update;
        DROP TRIGGER ballots_audit_update;
        DROP TRIGGER ballots_audit_delete;
        DROP TRIGGER session_counts_ballot_in;
        DROP TRIGGER session_counts_ballot_out;

        CREATE TABLE ballots_unlinkable (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT NOT NULL,
            participant_id TEXT NOT NULL,  -- random: a roster seat's in a named session, else one ballot's
            group_id TEXT NOT NULL,
            score INTEGER,
            dont_know INTEGER NOT NULL DEFAULT 0,
            mode TEXT NOT NULL,
            cast_at TEXT,  -- NULL in an anonymous session
            PRIMARY KEY (session_id, principle_id, participant_id),
            CHECK ((dont_know = 1 AND score IS NULL) OR (dont_know = 0 AND score IS NOT NULL))
        ) WITHOUT ROWID;
        INSERT INTO ballots_unlinkable
        SELECT b.session_id, b.principle_id, b.participant_id, b.group_id, b.score, b.dont_know, b.mode,
               CASE WHEN s.anonymous THEN NULL ELSE b.cast_at END
        FROM ballots b JOIN sessions s ON s.id = b.session_id
        ORDER BY b.session_id, b.principle_id, b.participant_id;
        DROP TABLE ballots;
        ALTER TABLE ballots_unlinkable RENAME TO ballots;
        CREATE INDEX ballots_by_principle ON ballots (session_id, principle_id, group_id);

        CREATE TABLE participants_unlinkable (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            group_id TEXT NOT NULL,
            name TEXT,
            mode TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO participants_unlinkable SELECT id, session_id, group_id, name, mode FROM participants ORDER BY id;
        DROP TABLE participants;
        ALTER TABLE participants_unlinkable RENAME TO participants;
        CREATE INDEX participants_by_session ON participants (session_id);

        DELETE FROM ballot_changes WHERE session_id IN (SELECT id FROM sessions WHERE anonymous = 1);

""" + SCALE_TRIGGERS + """
        -- Changed and withdrawn votes are kept for named sessions only: in an anonymous one an
        -- ordered trail of changes would put ballots back in the order they were cast.
        CREATE TRIGGER ballots_audit_update AFTER UPDATE ON ballots
        WHEN (SELECT anonymous FROM sessions WHERE id = OLD.session_id) = 0 BEGIN
            INSERT INTO ballot_changes (session_id, principle_id, participant_id, group_id,
                old_score, old_dont_know, new_score, new_dont_know, changed_at)
            VALUES (OLD.session_id, OLD.principle_id, OLD.participant_id, OLD.group_id,
                OLD.score, OLD.dont_know, NEW.score, NEW.dont_know, NEW.cast_at);
        END;
        CREATE TRIGGER ballots_audit_delete AFTER DELETE ON ballots
        WHEN (SELECT anonymous FROM sessions WHERE id = OLD.session_id) = 0 BEGIN
            INSERT INTO ballot_changes (session_id, principle_id, participant_id, group_id,
                old_score, old_dont_know, new_score, new_dont_know, changed_at)
            VALUES (OLD.session_id, OLD.principle_id, OLD.participant_id, OLD.group_id,
                OLD.score, OLD.dont_know, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;

""" + SESSION_COUNT_TRIGGERS + """
""" + READER_VIEWS_V1 + """        """
    )



@migrations()
def m007_tally_index(db: Database) -> None:
    """Results need only how many ballots gave each score per principle and group: with the score in
    the index, a session's (or a locality's fifty sessions') tallies are read from the index alone."""
    run_script(db,
        """
        DROP INDEX ballots_by_principle;
        CREATE INDEX ballots_by_principle ON ballots (session_id, principle_id, group_id, score);
        """
    )



@migrations()
def m008_summary_too_few(db: Database) -> None:
    """principle_summary, the view meant for people opening the file, applies "too few to show":
    a group with fewer scores than its session's min_group_size shows its counts but no mean,
    lowest or highest, as `workshop show` does. Opened in Datasette or an SQLite browser it no
    longer gives away the scores of a group of two in an anonymous session."""
    run_script(db,
        """
        DROP VIEW principle_summary;
        CREATE VIEW principle_summary AS
        WITH cell AS (
            SELECT sp.session_id, s.title AS session_title, s.date, sp.position, g.position AS group_position,
                   sp.principle_id, sp.statement, g.group_id, g.name AS group_name,
                   COUNT(b.participant_id) AS ballots,
                   COUNT(b.score) AS scores,
                   COUNT(CASE WHEN b.dont_know = 1 THEN 1 END) AS dont_know,
                   COUNT(b.score) >= MAX(s.min_group_size, 1) AS enough,
                   AVG(b.score) AS mean, MIN(b.score) AS lowest, MAX(b.score) AS highest
            FROM session_principles sp
            JOIN sessions s ON s.id = sp.session_id
            JOIN session_groups g ON g.session_id = sp.session_id
            LEFT JOIN ballots b ON b.session_id = sp.session_id AND b.principle_id = sp.principle_id
                 AND b.group_id = g.group_id
            GROUP BY sp.session_id, sp.principle_id, g.group_id
        )
        SELECT session_id, session_title, date, position + 1 AS number, principle_id, statement,
               group_id, group_name, ballots, scores, dont_know,
               CASE WHEN enough THEN ROUND(mean, 3) END AS mean,
               CASE WHEN enough THEN lowest END AS lowest,
               CASE WHEN enough THEN highest END AS highest,
               CASE WHEN scores > 0 AND NOT enough THEN 'too few to show' END AS note
        FROM cell
        ORDER BY date, session_id, position, group_position;
        """
    )

# m009, the perception round's predictions, in a module of its own (registered here, in order).
from . import schema_predictions  # noqa: E402,F401


@migrations()
def m010_comments(db: Database) -> None:
    """Comments on principles from phones and from the floor, pending until the facilitator approves
    or hides them; each keeps its principle and the author's group and nothing else."""
    run_script(db, COMMENTS_TABLE)


@migrations()
def m011_raw_view_named_raw(db: Database) -> None:
    """The view of every ballot in words shows a group of two's answers as they are: its name now
    says it is raw (ballots_readable_raw), as Datasette's title for it already did. principle_summary,
    the other view meant for people, applies "too few to show" (m008)."""
    run_script(db,
        """
        DROP VIEW ballots_readable;
        CREATE VIEW ballots_readable_raw AS
        """ + BALLOTS_IN_WORDS + """;
        """
    )


# m012, the priorities round's dots, in a module of its own (registered here, in order).
from . import schema_priorities  # noqa: E402,F401


# base.py names them too, for the read-only path that never imports sqlite-utils: the two must agree.
if {m.name for m in migrations._migrations} != KNOWN_MIGRATIONS:
    raise RuntimeError("store/base.py KNOWN_MIGRATIONS must list every migration in store/schema.py")
