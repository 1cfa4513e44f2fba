"""The priorities round's tables: each session's round and the dots placed in it (m012)."""

from __future__ import annotations

from sqlite_utils import Database

from .schema import migrations, run_script


@migrations()
def m012_priorities(db: Database) -> None:
    """Dots on the principles to act on first, kept as ballots are.

    priority_rounds holds a session's round: each participant's allowance (from the frozen plan)
    and whether dots are taken now. dots holds how many dots one participant (roster or phone)
    placed on one principle, or, with an empty participant id, how many a group stuck on the wall
    for it (cards). A participant's id is random and drawn apart from every ballot and prediction
    id of the same person, seat or phone: it ties that participant's dots together, as one ballot
    ties one answer, so that the allowance can hold, and to nothing else. WITHOUT ROWID, no time,
    no trail of changes: nothing puts the dots back in the order they were placed. A participant's
    dots beyond the allowance can never be stored.
    """
    run_script(db,
        """
        CREATE TABLE priority_rounds (
            session_id TEXT PRIMARY KEY REFERENCES sessions (id),
            dots INTEGER NOT NULL CHECK (typeof(dots) = 'integer' AND dots >= 1),  -- each participant's allowance
            state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'))
        ) WITHOUT ROWID;

        CREATE TABLE dots (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            principle_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            participant_id TEXT NOT NULL,  -- random; '' for a group's dots counted on the wall (cards)
            dots INTEGER NOT NULL CHECK (typeof(dots) = 'integer' AND dots >= 1),
            mode TEXT NOT NULL,
            PRIMARY KEY (session_id, principle_id, group_id, participant_id),
            CHECK ((mode = 'cards') = (participant_id = ''))
        ) WITHOUT ROWID;
        CREATE INDEX dots_by_participant ON dots (session_id, participant_id);

        CREATE TRIGGER dots_need_a_round BEFORE INSERT ON dots
        WHEN NOT EXISTS (SELECT 1 FROM priority_rounds r WHERE r.session_id = NEW.session_id)
        BEGIN SELECT RAISE(ABORT, 'this session has no priorities round'); END;
        """ + "".join(ALLOWANCE_TRIGGER.format(event=event) for event in ("insert", "update"))
    )


# A participant's dots on every principle together (this row's new count with the others') never
# pass the round's allowance; the wall's rows (cards, participant '') count no one's.
ALLOWANCE_TRIGGER = """
        CREATE TRIGGER dots_within_allowance_{event} BEFORE {event} ON dots
        WHEN NEW.participant_id != '' AND NEW.dots + COALESCE((SELECT SUM(d.dots) FROM dots d
            WHERE d.session_id = NEW.session_id AND d.participant_id = NEW.participant_id
            AND d.principle_id != NEW.principle_id), 0)
            > (SELECT r.dots FROM priority_rounds r WHERE r.session_id = NEW.session_id)
        BEGIN SELECT RAISE(ABORT, 'more dots than the allowance'); END;
"""
