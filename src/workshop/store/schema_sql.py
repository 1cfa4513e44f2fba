"""SQL that more than one migration runs word for word (a later migration rebuilt the tables they sit on)."""

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
        SELECT s.title AS session_title, s.date, sp.position + 1 AS number, sp.statement,
               g.name AS group_name,
               CASE WHEN b.dont_know THEN 'don''t know' ELSE CAST(b.score AS TEXT) END AS answer,
               b.mode, b.cast_at
        FROM ballots b
        JOIN sessions s ON s.id = b.session_id
        JOIN session_principles sp ON sp.session_id = b.session_id AND sp.principle_id = b.principle_id
        JOIN session_groups g ON g.session_id = b.session_id AND g.group_id = b.group_id;
"""

# The triggers m001 made and m006 made again on the rebuilt ballots table.
SCALE_TRIGGERS = """
        -- A score off the session's scale can never be stored, whoever writes the row.
        CREATE TRIGGER ballots_on_scale_insert BEFORE INSERT ON ballots
        WHEN NEW.score IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM sessions s WHERE s.id = NEW.session_id
            AND NEW.score BETWEEN s.scale_min AND s.scale_max AND NEW.score = CAST(NEW.score AS INTEGER))
        BEGIN SELECT RAISE(ABORT, 'score off the scale'); END;
        CREATE TRIGGER ballots_on_scale_update BEFORE UPDATE ON ballots
        WHEN NEW.score IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM sessions s WHERE s.id = NEW.session_id
            AND NEW.score BETWEEN s.scale_min AND s.scale_max AND NEW.score = CAST(NEW.score AS INTEGER))
        BEGIN SELECT RAISE(ABORT, 'score off the scale'); END;
"""

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
