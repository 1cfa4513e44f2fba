"""Opening a database file: refuse, and never touch, anything that is not a workshop database.

A writing open checks the file before anything is written: it must be missing or empty (it then
becomes a new workshop database), or an undamaged SQLite file carrying workshop's application id.
A reading open (readonly=True) never writes at all: it opens `mode=ro`, reads a WAL snapshot
beside a writer, never migrates and never sets a pragma that writes.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from .base import APPLICATION_ID, PUBLISHED_APPLICATION_ID, SQLITE_MAGIC, NoDatabase, StoreError
from .base import KNOWN_MIGRATIONS, SCHEMA_VERSION, NOT_NEEDED_TO_READ

CHOOSE = "choose another file with --db"
QUICK_CHECK_BYTES = 64 * 1024 * 1024  # files up to this size are checked page by page when opened
INTEGRITY_CHECK_BYTES = 8 * 1024 * 1024  # and up to this size, their indexes against their tables too
UPGRADE = "workshop upgrade"


def _existing_file(path: Path) -> int:
    """The size of the regular file at path (0 if missing); anything else there is refused.

    Checked with stat before the file is ever opened: opening a FIFO would block.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise StoreError(f"{path}: a link to a file that does not exist; {CHOOSE}") from None
        return 0
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror}); {CHOOSE}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path}: is a folder, not a database file; give a file path with --db")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path}: not a regular file (a device, pipe or socket), so not a database; {CHOOSE}")
    return info.st_size


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database ({exc.strerror})") from None
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path}: not a workshop database (not an SQLite file); {CHOOSE}")
    if len(header) < 100:
        raise StoreError(f"{path}: not a workshop database (an SQLite file cut short); it may be damaged. "
                         f"Restore a copy or {CHOOSE}")
    page_size = int.from_bytes(header[16:18], "big")
    if page_size not in {1} | {2 ** n for n in range(9, 16)} or header[21:24] != b"\x40\x20\x20":
        raise damaged(path, "its header is not an SQLite header")
    if int.from_bytes(header[68:72], "big") == PUBLISHED_APPLICATION_ID:
        raise StoreError(f"{path}: a copy published for a partnership board ('workshop publish'): results "
                         "only, no ballots, so workshop does not open it as a database; open it with Datasette "
                         "or any SQLite tool, and give the facilitator's database with --db")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        # The header alone says so: nothing of another program's file is opened as a database.
        raise StoreError(f"{path}: an SQLite database from another program; workshop leaves it untouched. "
                         f"Choose another file with --db")


def damaged(path: Path, exc: Exception | str) -> StoreError:
    """The one message for a file SQLite cannot read: what it said, on one line, and what to do."""
    why = " ".join(str(exc).replace("*** in database main ***", "").split())  # one line
    return StoreError(f"{path}: cannot be read as a database ({why}); it may be damaged. "
                      f"Restore a copy or {CHOOSE}")


def _wal_has_frames(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def sidecars(path: Path) -> tuple[bool, bool]:
    """Whether the -wal and -shm files are there now (for tidy_after_reading)."""
    return Path(f"{path}-wal").exists(), Path(f"{path}-shm").exists()


class ReadingConnection(sqlite3.Connection):
    """A read-only connection that, once closed, takes away the empty -wal and -shm files it made."""

    tidy: tuple[Path, tuple[bool, bool]] | None = None

    def close(self) -> None:
        super().close()
        if self.tidy:
            path, before, self.tidy = *self.tidy, None
            tidy_after_reading(path, before)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """path opened `mode=ro`; `immutable=1` only when nobody can be writing it.

    A WAL database needs its -shm file to be read; when it is missing and this user cannot make
    it (the file or its folder is read-only), `mode=ro` fails. With no -wal file nobody has the
    database open (a writer keeps one), so it is read as immutable; with a -wal file holding
    changes, immutable would silently leave them out, so the file is refused instead.
    """
    uri = path.resolve().as_uri()
    before = sidecars(path)
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False, timeout=0.1,
                           factory=ReadingConnection)
    try:
        conn.tidy = (path, before)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        if not isinstance(exc, sqlite3.OperationalError) or "readonly" not in str(exc) and not _wal_has_frames(path):
            raise
    if _wal_has_frames(path):
        raise StoreError(f"{path}: its latest changes are still in {path.name}-wal, and they cannot be read "
                         "here because the file or its folder is read-only. Open it once where it can be "
                         f"written (any writing command, such as '{UPGRADE}'), or copy the folder")
    conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def connect_checked(path: Path, *, create: bool = True, readonly: bool = False,
                    older_ok: bool = False) -> sqlite3.Connection:
    """Open path as a workshop database, refusing (and not touching) anything else.

    create=False: a missing or empty file raises NoDatabase and nothing is written.
    readonly=True: never writes (implies create=False); a database an older workshop wrote is
    refused with the command that upgrades it, unless older_ok (merge reads older files as they are).
    """
    size = _existing_file(path)
    if not size and (readonly or not create):
        raise NoDatabase(f"no database at {path}")
    if size:
        _check_header(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database folder ({exc.strerror})") from None
    try:
        if readonly:
            conn = _connect_readonly(path)
        else:
            conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise damaged(path, exc) if size else StoreError(f"{path}: cannot open the database ({exc})") from None
    refusal = None
    try:
        if not size:
            # Marked as ours before anything else is written: a file cut off while it is being
            # made is still recognised, and finished, next time.
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            return _writing(conn)
        _check_contents(path, conn, readonly=readonly, older_ok=older_ok)
    except StoreError as exc:
        refusal = exc
    except sqlite3.Error as exc:
        refusal = damaged(path, exc)
    if refusal:
        # Closed once the failed query's traceback is gone: a statement it keeps alive would keep
        # the connection open, and the -wal and -shm files it made would stay behind.
        conn.close()
        raise refusal.with_traceback(None) from None
    return conn if readonly else _writing(conn)


def _check_contents(path: Path, conn: sqlite3.Connection, *, readonly: bool, older_ok: bool) -> None:
    """Ours, undamaged and of a schema this version reads; checked before anything is written."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise StoreError(f"{path}: an SQLite database from another program; workshop leaves it untouched. "
                         f"Choose another file with --db")
    # quick_check reads every page: damage is found here, before a write could spread it. On years
    # of history that would take seconds on every start, so a large file is checked as it is read
    # (damage found later is still one line and exit 2, never a traceback).
    # A damaged index (a row listed twice, say) passes quick_check but breaks the first query that
    # uses it, so a file of everyday size gets the full integrity_check.
    size = path.stat().st_size
    if size <= QUICK_CHECK_BYTES:
        check = "integrity_check" if size <= INTEGRITY_CHECK_BYTES else "quick_check"
        problems = [r[0] for r in conn.execute(f"PRAGMA {check}(1)")]
        if problems != ["ok"]:
            raise damaged(path, problems[0] if problems else "no answer from the integrity check")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < 0:
        raise damaged(path, f"schema version {version}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    applied = {r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'workshop'").fetchall()} \
        if "_sqlite_migrations" in tables else set()
    if version > SCHEMA_VERSION or applied - KNOWN_MIGRATIONS:
        raise StoreError(f"{path}: written by a newer version of workshop (schema {version}, this one knows "
                         f"{SCHEMA_VERSION}); upgrade workshop to open it")
    missing = KNOWN_MIGRATIONS - applied
    if readonly and not older_ok and (missing - NOT_NEEDED_TO_READ or version != SCHEMA_VERSION - len(missing)):
        raise StoreError(f"{path}: written by an older workshop (schema {version}, this one uses {SCHEMA_VERSION}); "
                         f"run '{UPGRADE}' once to bring it up to date (commands that only read never change it)")


def _writing(conn: sqlite3.Connection) -> sqlite3.Connection:
    # Every statement outside Store.atomic commits by itself; inside, it waits for the block's COMMIT.
    conn.isolation_level = None
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a ballot survives power loss once record_ballot returns, not just a killed process.
    conn.execute("PRAGMA synchronous = FULL")
    # On macOS fsync leaves the commit in the drive's cache; F_FULLFSYNC flushes it. A no-op elsewhere.
    conn.execute("PRAGMA fullfsync = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    # A deleted ballot or session is overwritten, not left readable in the file's free space.
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def tidy_after_reading(path: Path, had_sidecars: tuple[bool, bool]) -> None:
    """Take away the empty -wal and -shm files a read-only connection leaves beside a WAL database.

    SQLite makes them to read a WAL database and only a writing connection removes them; one
    opened here and closed at once does, and only if it is the last connection to the file (SQLite
    decides that under its own lock), so a database in use by anyone else is left alone. The
    database file itself is not written: there is nothing in the -wal to fold in.
    """
    if any(had_sidecars) or _wal_has_frames(path) or not any(sidecars(path)):
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=0)
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA user_version").fetchall()  # opens the -wal without reading the schema
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # someone else has it: they will tidy up when they close
