"""Opening a database file: refuse, and never touch, anything that is not a workshop database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .base import APPLICATION_ID, SQLITE_MAGIC, NoDatabase, StoreError
from .schema import KNOWN_MIGRATIONS, SCHEMA_VERSION


def connect_checked(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open path as a workshop database, refusing (and not touching) anything else.

    create=False: a missing or empty file raises NoDatabase and nothing is written.
    """
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file; give a file path with --db")
    has_data = path.exists() and path.stat().st_size > 0
    if not has_data and not create:
        raise NoDatabase(f"no database at {path}")
    if has_data:
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"{path}: cannot read the database ({exc.strerror})") from None
        if header != SQLITE_MAGIC:
            raise StoreError(f"{path}: not a workshop database (not an SQLite file); choose another file with --db")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database folder ({exc.strerror})") from None
    try:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the database ({exc})") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and app_id != APPLICATION_ID:
            raise StoreError(f"{path}: an SQLite database from another program; workshop leaves it untouched. "
                             "Choose another file with --db")
        applied = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'workshop'")} if "_sqlite_migrations" in tables else set()
        if version > SCHEMA_VERSION or applied - KNOWN_MIGRATIONS:
            raise StoreError(f"{path}: written by a newer version of workshop (schema {version}, this one knows "
                             f"{SCHEMA_VERSION}); upgrade workshop to open it")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a ballot survives power loss once record_ballot returns, not just a killed process.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: cannot be read as a database ({exc}); it may be damaged. "
                         "Restore a copy or choose another file with --db") from None
    return conn

