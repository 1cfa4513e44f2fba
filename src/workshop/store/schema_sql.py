"""The migrations' longer SQL: the first schema, and what more than one migration runs word for word
(a later migration rebuilt the tables it sits on). schema.py applies it, in order."""

# Every ballot in words: the view m001 and m006 made as ballots_readable, m011 as ballots_readable_raw.
BALLOTS_IN_WORDS = """
        SELECT s.title AS session_title, s.date, sp.position + 1 AS number, sp.statement,
               g.name AS group_name,
               CASE WHEN b.dont_know THEN 'don''t know' ELSE CAST(b.score AS TEXT) END AS answer,
               b.mode, b.cast_at
        FROM ballots b
        JOIN sessions s ON s.id = b.session_id
        JOIN session_principles sp ON sp.session_id = b.session_id AND sp.principle_id = b.principle_id
        JOIN session_groups g ON g.session_id = b.session_id AND g.group_id = b.group_id
"""

# The views m001 made and m006 made again after moving the tables (m008 changes principle_summary).
READER_VIEWS_V1 = """
        -- For people reading the file in an SQLite browser.
        CREATE VIEW principle_summary AS
        SELECT sp.session_id, s.title AS session_title, s.date, sp.position + 1 AS number,
               sp.principle_id, sp.statement, g.group_id, g.name AS group_name,
               COUNT(b.participant_id) AS ballots,
               SUM(b.dont_know = 0) AS scores,
               SUM(b.dont_know = 1) AS dont_know,
               ROUND(AVG(b.score), 3) AS mean,
               MIN(b.score) AS lowest, MAX(b.score) AS highest
        FROM session_principles sp
        JOIN sessions s ON s.id = sp.session_id
        JOIN session_groups g ON g.session_id = sp.session_id
        LEFT JOIN ballots b ON b.session_id = sp.session_id AND b.principle_id = sp.principle_id
             AND b.group_id = g.group_id
        GROUP BY sp.session_id, sp.principle_id, g.group_id
        ORDER BY s.date, sp.session_id, sp.position, g.position;

        CREATE VIEW ballots_readable AS
""" + BALLOTS_IN_WORDS + """;
"""

# The ballot counters m003 made and m006 made again on the rebuilt ballots table.
SESSION_COUNT_TRIGGERS = """
        CREATE TRIGGER session_counts_ballot_in AFTER INSERT ON ballots BEGIN
            UPDATE session_counts SET ballots = ballots + 1 WHERE session_id = NEW.session_id;
        END;
        CREATE TRIGGER session_counts_ballot_out AFTER DELETE ON ballots BEGIN
            UPDATE session_counts SET ballots = ballots - 1 WHERE session_id = OLD.session_id;
        END;
"""


def scale_triggers(table: str) -> str:
    """A score off the session's scale can never be stored in table, whoever writes the row."""
    return "".join(f"""
        CREATE TRIGGER {table}_on_scale_{event.lower()} BEFORE {event} ON {table}
        WHEN NEW.score IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM sessions s WHERE s.id = NEW.session_id
            AND NEW.score BETWEEN s.scale_min AND s.scale_max AND NEW.score = CAST(NEW.score AS INTEGER))
        BEGIN SELECT RAISE(ABORT, 'score off the scale'); END;""" for event in ("INSERT", "UPDATE")) + "\n"


# The triggers m001 made and m006 made again on the rebuilt ballots table.
SCALE_TRIGGERS = scale_triggers("ballots")

# m010: comments on principles. No time, no device, no ballot: the principle and the author's
# group only. The random id keys a WITHOUT ROWID table, so rows are stored in the order of their
# ids, never in the order comments were written.
COMMENTS_TABLE = """
        CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 280),
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'hidden')),
            FOREIGN KEY (session_id, principle_id) REFERENCES session_principles (session_id, principle_id),
            FOREIGN KEY (session_id, group_id) REFERENCES session_groups (session_id, group_id)
        ) WITHOUT ROWID;
        CREATE INDEX comments_by_principle ON comments (session_id, principle_id, status);
"""


# m001: the tables, indexes and triggers of the first version (its views follow in READER_VIEWS_V1).
INITIAL_TABLES = """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            date TEXT NOT NULL,
            place TEXT NOT NULL DEFAULT '',
            locality TEXT NOT NULL DEFAULT '',
            facilitator TEXT NOT NULL DEFAULT '',
            anonymous INTEGER NOT NULL,
            min_group_size INTEGER NOT NULL,
            scale_min INTEGER NOT NULL,
            scale_max INTEGER NOT NULL,
            dont_know_allowed INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finished')),
            position INTEGER NOT NULL DEFAULT 0,
            plan_json TEXT NOT NULL,
            plan_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX sessions_by_date ON sessions (date DESC, created_at DESC);
        CREATE INDEX sessions_by_locality ON sessions (locality, date);

        CREATE TABLE session_groups (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            position INTEGER NOT NULL,
            group_id TEXT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (session_id, group_id)
        );

        CREATE TABLE session_principles (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            position INTEGER NOT NULL,
            principle_id TEXT NOT NULL,
            statement TEXT NOT NULL,
            theme TEXT NOT NULL,
            theme_title TEXT NOT NULL,
            addressed_to TEXT NOT NULL,
            sources_json TEXT NOT NULL DEFAULT '[]',
            time_box_seconds INTEGER,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'open', 'closed')),
            opened_at TEXT,
            closed_at TEXT,
            PRIMARY KEY (session_id, principle_id)
        );

        -- Roster and phone participants. Card ballots have no participant row.
        -- In an anonymous session name is always NULL.
        CREATE TABLE participants (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            group_id TEXT NOT NULL,
            name TEXT,
            mode TEXT NOT NULL
        );
        CREATE INDEX participants_by_session ON participants (session_id);

        -- The current ballot: one per participant per principle; dont_know = 1 has no score.
        CREATE TABLE ballots (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT NOT NULL,
            participant_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            score INTEGER,
            dont_know INTEGER NOT NULL DEFAULT 0,
            mode TEXT NOT NULL,
            cast_at TEXT NOT NULL,
            PRIMARY KEY (session_id, principle_id, participant_id),
            CHECK ((dont_know = 1 AND score IS NULL) OR (dont_know = 0 AND score IS NOT NULL))
        );
        CREATE INDEX ballots_by_principle ON ballots (session_id, principle_id, group_id);

        -- Every replaced or withdrawn ballot, written by the triggers below.
        CREATE TABLE ballot_changes (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            principle_id TEXT NOT NULL,
            participant_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            old_score INTEGER,
            old_dont_know INTEGER NOT NULL,
            new_score INTEGER,
            new_dont_know INTEGER,
            changed_at TEXT NOT NULL
        );

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX notes_by_session ON notes (session_id);

        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT,
            text TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            due TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in progress', 'done', 'dropped')),
            status_note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX actions_by_session ON actions (session_id);

""" + SCALE_TRIGGERS + """
        CREATE TRIGGER ballots_audit_update AFTER UPDATE ON ballots BEGIN
            INSERT INTO ballot_changes (session_id, principle_id, participant_id, group_id,
                old_score, old_dont_know, new_score, new_dont_know, changed_at)
            VALUES (OLD.session_id, OLD.principle_id, OLD.participant_id, OLD.group_id,
                OLD.score, OLD.dont_know, NEW.score, NEW.dont_know, NEW.cast_at);
        END;
        CREATE TRIGGER ballots_audit_delete AFTER DELETE ON ballots BEGIN
            INSERT INTO ballot_changes (session_id, principle_id, participant_id, group_id,
                old_score, old_dont_know, new_score, new_dont_know, changed_at)
            VALUES (OLD.session_id, OLD.principle_id, OLD.participant_id, OLD.group_id,
                OLD.score, OLD.dont_know, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;

"""
