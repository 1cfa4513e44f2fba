"""Shared pieces of the storage layer: errors, ids, timestamps and where the database lives."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x574B5348  # "WKSH": marks a file as a workshop database
PUBLISHED_APPLICATION_ID = 0x574B5042  # "WKPB": a results-only copy for a board, never opened as a database
ENV_VAR = "WORKSHOP_DB"
ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (i, l, o, 0, 1)
STATES = ("pending", "open", "closed")
# The migrations this version knows, by name (schema.py defines them and checks this list at import).
# Kept here so that commands that only read can check a file's schema without importing sqlite-utils.
KNOWN_MIGRATIONS = frozenset({"m001_initial", "m002_settings", "m003_session_counts", "m004_room_and_join",
                              "m005_plan_source", "m006_unlinkable_ballots", "m007_tally_index",
                              "m008_summary_too_few", "m009_predictions", "m010_comments",
                              "m011_raw_view_named_raw", "m012_priorities"})
SCHEMA_VERSION = len(KNOWN_MIGRATIONS)
# Migrations that change nothing workshop itself reads (an index that makes reads faster, a view
# meant for people): a command that only reads opens a file that lacks them as it is, rather than
# asking for 'workshop upgrade' first. The next write adds them.
# A file from before comments (m010) is read as having none. Predictions (m009) are read only for
# a session whose plan has the perception round, which only a file with m009 can hold; dots (m012)
# likewise only for a session whose plan has the priorities round.
NOT_NEEDED_TO_READ = frozenset({"m007_tally_index", "m008_summary_too_few", "m009_predictions", "m010_comments",
                                "m011_raw_view_named_raw", "m012_priorities"})


class StoreError(Exception):
    """The database cannot be used as asked; the message says why and what to do."""


class BallotError(ValueError):
    """A ballot that must not be recorded (off the scale, unknown group, closed principle...)."""


class SessionNotFound(StoreError):
    pass


class NoDatabase(StoreError):
    """There is no database at the path, and the command only reads: nothing was created."""


def default_db_path() -> Path:
    import platformdirs  # here, not above: a command given --db or WORKSHOP_DB never loads it (5 ms)

    try:
        return platformdirs.user_data_path("workshop", appauthor=False) / "workshop.db"
    except (RuntimeError, KeyError) as exc:  # no HOME, and no entry in the password file (some containers)
        raise StoreError(f"no home folder to keep the database in; give --db FILE or set {ENV_VAR}") from exc


def resolve_db_path(option: str | os.PathLike | None = None) -> Path:
    """--db wins, then WORKSHOP_DB, then the user's data directory."""
    if option:
        return Path(option).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return default_db_path()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def new_id(length: int = 10) -> str:
    """A random id of `length` characters from ID_ALPHABET, uniform: one draw, then its digits."""
    import secrets  # here, not above: a command that only reads never loads it (5 ms)

    n = secrets.randbelow(len(ID_ALPHABET) ** length)
    chars = []
    for _ in range(length):
        n, digit = divmod(n, len(ID_ALPHABET))
        chars.append(ID_ALPHABET[digit])
    return "".join(chars)


