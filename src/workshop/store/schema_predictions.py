"""The perception round's table: predictions, kept like ballots and apart from them (m009)."""

from __future__ import annotations

from sqlite_utils import Database

from .schema import migrations, run_script
from .schema_sql import scale_triggers


@migrations()
def m009_predictions(db: Database) -> None:
    """How each participant of the compared pair expects the other side to rate a principle.

    A table of its own, never ballots: no query that reads a group's rating can count a prediction.
    Kept as ballots are: a WITHOUT ROWID table whose participant ids are random (in an anonymous
    session a prediction's id is drawn apart from the same person's ballot, so the two cannot be
    joined), no time in an anonymous session, and no trail of changes. A score off the session's
    scale, or a side predicting itself, can never be stored.
    """
    run_script(db,
        """
        CREATE TABLE predictions (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT NOT NULL,
            participant_id TEXT NOT NULL,
            group_id TEXT NOT NULL,       -- the side that predicts
            about_group_id TEXT NOT NULL, -- the side whose rating is predicted
            score INTEGER,
            dont_know INTEGER NOT NULL DEFAULT 0,
            mode TEXT NOT NULL,
            cast_at TEXT,  -- NULL in an anonymous session
            PRIMARY KEY (session_id, principle_id, participant_id),
            CHECK ((dont_know = 1 AND score IS NULL) OR (dont_know = 0 AND score IS NOT NULL)),
            CHECK (group_id != about_group_id)
        ) WITHOUT ROWID;
        CREATE INDEX predictions_by_principle ON predictions (session_id, principle_id, group_id, about_group_id, score);

        """ + scale_triggers("predictions")
    )
