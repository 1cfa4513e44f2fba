"""Opening a database: reading never writes, and files that are not ours are refused unchanged."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import DATA, REPO

from workshop.cli import cli
from workshop.store import APPLICATION_ID, SCHEMA_VERSION, Store, StoreError, migrations
from workshop.store.merge import open_other

DEMO = str(REPO / "sessions" / "demo.yaml")
VOTES = str(DATA / "votes" / "demo-votes.csv")
LATER = str(DATA / "votes" / "demo-votes-later.csv")
WORKSHOP = Path(sys.executable).with_name("workshop")


def invoke(runner, db, *args):
    return runner.invoke(cli, ["--db", str(db), *map(str, args)], env={"COLUMNS": "120"})


def files(db: Path) -> dict[str, bytes]:
    """The database and its -wal and -shm files, as they are on disk."""
    return {p.name: p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.is_file()}


def one_error_line(result) -> str:
    """What the user sees: exactly one line on stderr, starting 'error:', and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def two_sessions(runner, db_path) -> tuple[str, str]:
    ids = []
    for votes in (VOTES, LATER):
        result = invoke(runner, db_path, "import", DEMO, votes)
        assert result.exit_code == 0, result.output
        ids.append(result.stdout.strip())
    return ids[0], ids[1]


def reading_commands(sids, out: Path) -> list[list[str]]:
    first, second = sids
    return [["list"], ["list", "--json"], ["show", first], ["show", second, "--json"],
            ["export", first, "-o", out / "report.html"], ["export", first, "-o", out / "ballots"],
            ["compare", first, second], ["trend", "Northshire"], ["actions"], ["where"]]


# --- §2 reading never writes ----------------------------------------------------------------

def test_commands_that_only_read_change_no_byte_and_leave_no_file(runner, db_path, two_sessions, tmp_path):
    before = files(db_path)
    assert list(before) == ["workshop.db"]
    for argv in reading_commands(two_sessions, tmp_path):
        result = invoke(runner, db_path, *argv)
        assert result.exit_code == 0, (argv, result.output)
        assert files(db_path) == before, argv  # no byte, and no -wal or -shm left behind


def test_a_reading_store_is_opened_read_only(db_path, two_sessions):
    with Store(db_path, readonly=True) as store:
        assert len(store.sessions()) == 2
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.conn.execute("DELETE FROM sessions")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.conn.execute("PRAGMA user_version = 1")


def test_reading_works_beside_a_writer_holding_the_lock(runner, db_path, two_sessions, tmp_path):
    """A WAL snapshot: what is committed shows at once; the writer's transaction does not."""
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE sessions SET title = 'not committed yet'")
    try:
        for argv in reading_commands(two_sessions, tmp_path):
            started = time.monotonic()
            result = invoke(runner, db_path, *argv)
            assert result.exit_code == 0, (argv, result.output)
            assert time.monotonic() - started < 3, argv  # never waits out the busy timeout
            assert "not committed yet" not in result.output
        assert "Northshire Partnership Health Check" in invoke(runner, db_path, "list").stdout
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    # A writing command beside a reader still works (the reader holds no lock).
    with Store(db_path, readonly=True) as reader:
        reader.sessions()
        assert invoke(runner, db_path, "delete", two_sessions[1], "--yes").exit_code == 0


def test_a_read_only_file_is_read_and_left_as_it_is(runner, db_path, two_sessions, tmp_path):
    db_path.chmod(0o444)
    before = files(db_path)
    for argv in reading_commands(two_sessions, tmp_path):
        assert invoke(runner, db_path, *argv).exit_code == 0, argv
    assert files(db_path) == before


def test_changes_still_in_the_wal_are_read(runner, tmp_path, demo_plan):
    """A copy taken while the app runs (or after it was killed) has ballots only in its -wal."""
    live = tmp_path / "live" / "workshop.db"
    live.parent.mkdir()
    store = Store(live)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    session = store.start_session(demo_plan)
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in live.parent.iterdir():
        shutil.copy(f, copy / f.name)
    store.close()
    assert (copy / "workshop.db-wal").stat().st_size > 0
    before = files(copy / "workshop.db")
    result = invoke(runner, copy / "workshop.db", "list", "--json")
    assert result.exit_code == 0 and session.id in result.stdout
    after = files(copy / "workshop.db")
    # The -shm is SQLite's index of the -wal, which every reader keeps up to date: not the data.
    assert after.pop("workshop.db-shm") and before.pop("workshop.db-shm")
    assert after == before


def _older_database(path: Path, stop_before: str | None = None) -> int:
    """A workshop database as an older version left it: by default the one before the newest
    migration that changes what is stored (migrations that only add an index do not count)."""
    from sqlite_utils import Database

    from workshop.store.base import NOT_NEEDED_TO_READ

    names = [m.name for m in migrations._migrations]
    stop_before = stop_before or [n for n in names if n not in NOT_NEEDED_TO_READ][-1]
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db = Database(conn)
    migrations.apply(db, stop_before=stop_before)
    older = names.index(stop_before)
    conn.execute(f"PRAGMA user_version = {older}")
    conn.commit()
    conn.close()
    return older


def test_a_database_an_older_workshop_wrote_is_not_upgraded_by_reading(runner, db_path):
    older = _older_database(db_path)
    before = files(db_path)
    for argv in (["list"], ["show", "abc"], ["actions"], ["trend", "Northshire"], ["compare", "a", "b"]):
        line = one_error_line(invoke(runner, db_path, *argv))
        assert line == (f"error: {db_path}: written by an older workshop (schema {older}, this one uses "
                        f"{SCHEMA_VERSION}); run 'workshop upgrade' once to bring it up to date (commands "
                        "that only read never change it)")
        assert files(db_path) == before

    result = invoke(runner, db_path, "upgrade")
    assert result.exit_code == 0
    assert result.stdout == f"{db_path}: upgraded from schema {older} to {SCHEMA_VERSION}\n"
    assert invoke(runner, db_path, "list").exit_code == 0
    result = invoke(runner, db_path, "upgrade")
    assert result.stdout == f"{db_path}: up to date (schema {SCHEMA_VERSION})\n"


def test_a_database_lacking_only_a_faster_index_is_read_as_it_is(runner, db_path):
    """A migration that only adds an index changes nothing a reader sees: list and show read the file
    as it is, unchanged, and the next command that writes adds the index."""
    from workshop.store.base import NOT_NEEDED_TO_READ

    first_optional = next(m.name for m in migrations._migrations if m.name in NOT_NEEDED_TO_READ)
    older = _older_database(db_path, stop_before=first_optional)
    before = files(db_path)
    result = invoke(runner, db_path, "list")
    assert result.exit_code == 0 and "no sessions yet" in result.stdout
    assert files(db_path) == before
    result = invoke(runner, db_path, "upgrade")
    assert result.stdout == f"{db_path}: upgraded from schema {older} to {SCHEMA_VERSION}\n"


def test_upgrade_needs_a_database_and_makes_none(runner, db_path):
    line = one_error_line(invoke(runner, db_path, "upgrade"))
    assert line.startswith(f"error: no database at {db_path}")
    assert not db_path.exists()


def test_merge_reads_an_older_database_without_changing_it(runner, db_path, tmp_path):
    other = tmp_path / "older.db"
    _older_database(other)
    before = files(other)
    result = invoke(runner, db_path, "merge", other)
    assert result.exit_code == 0, result.output
    assert files(other) == before


# --- the same, with the installed command as a user who cannot write -------------------------

def _as_nobody(*argv, timeout=30):
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(WORKSHOP), *argv],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, "COLUMNS": "120"})


def _another_user_can_run_it() -> bool:
    """Root with setpriv, and a checkout other users can reach (a clone in a private folder, such as
    one made by mktemp -d, keeps its installed command from them)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    return _as_nobody("--help").returncode == 0


needs_another_user = pytest.mark.skipif(
    not _another_user_can_run_it(),
    reason="runs the command as another user: needs root, setpriv and a checkout other users can read")


@pytest.fixture
def shared_folder():
    """A folder another user can reach (pytest's own temp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="workshop-ro-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


@needs_another_user
def test_a_new_plan_in_a_folder_the_user_cannot_write_is_one_line(shared_folder):
    shared_folder.chmod(0o555)
    done = _as_nobody("new", str(shared_folder / "plan.yaml"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (f"error: {shared_folder / 'plan.yaml'}: cannot be written (Permission denied); "
                           "choose a folder you can write to\n")
    assert list(shared_folder.iterdir()) == []


@needs_another_user
@pytest.mark.parametrize("what", ["file", "folder"])
def test_the_installed_command_reads_a_read_only_file_and_folder(runner, shared_folder, what):
    db = shared_folder / "workshop.db"
    result = invoke(runner, db, "import", DEMO, VOTES)
    sid = result.stdout.strip()
    db.chmod(0o444 if what == "file" else 0o644)
    if what == "folder":
        shared_folder.chmod(0o555)
    before = files(db)
    for argv in (["list"], ["show", sid], ["actions"], ["trend", "Northshire"]):
        done = _as_nobody("--db", str(db), *argv)
        assert done.returncode == 0, (argv, done.stderr)
        assert "Traceback" not in done.stderr
    assert "Northshire Partnership Health Check" in _as_nobody("--db", str(db), "list").stdout
    assert files(db) == before


@needs_another_user
def test_unread_changes_in_a_read_only_folder_are_not_silently_left_out(shared_folder, demo_plan):
    db = shared_folder / "workshop.db"
    store = Store(db)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    store.start_session(demo_plan)
    copy = shared_folder / "copy"
    copy.mkdir()
    shutil.copy(db, copy / db.name)
    shutil.copy(f"{db}-wal", copy / f"{db.name}-wal")  # a -wal with changes, no -shm
    store.close()
    copy.chmod(0o555)
    before = files(copy / db.name)
    done = _as_nobody("--db", str(copy / db.name), "list")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {copy / db.name}: its latest changes are still in workshop.db-wal, and they cannot be read here "
        "because the file or its folder is read-only. Open it once where it can be written (any writing "
        "command, such as 'workshop upgrade'), or copy the folder"]
    assert files(copy / db.name) == before


@needs_another_user
@pytest.mark.parametrize("argv", [["where"], ["list"], ["import", DEMO, VOTES]])
def test_with_no_home_folder_and_no_db_the_command_says_how_to_name_one(argv):
    """No HOME and no entry in the password file (some containers): no default database can be
    found, and the command says so in one line rather than a traceback."""
    done = subprocess.run(["setpriv", "--reuid=54321", "--regid=54321", "--clear-groups", str(WORKSHOP), *argv],
                          env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=30, cwd="/")
    assert (done.returncode, done.stderr) == (
        2, "error: no home folder to keep the database in; give --db FILE or set WORKSHOP_DB\n")


# --- §3 files that are not ours -------------------------------------------------------------

def _sqlite_file(path: Path, script: str, user_version: int = 0) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    return path


FOREIGN = {
    "no tables": ("VACUUM;", 0),
    "only a view": ("CREATE VIEW answer AS SELECT 42 AS n;", 0),
    "a user_version of its own": ("CREATE TABLE t (a); INSERT INTO t VALUES (1);", 3),
    "another app's tables": ("CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT);"
                             "CREATE TABLE ballots (session_id TEXT, score INTEGER);"
                             "INSERT INTO sessions VALUES ('abc', 'theirs');", 0),
    "another app's id": ("PRAGMA application_id = 1234; CREATE TABLE t (a);", 0),
}


def every_command(other: Path) -> list[list[str]]:
    return [["list"], ["show", "abc"], ["export", "abc", "-o", other.parent / "out.html"], ["compare", "abc", "abd"],
            ["trend", "Northshire"], ["actions"], ["action", "1", "--status", "done"], ["delete", "abc", "--yes"],
            ["import", DEMO, VOTES], ["run", DEMO], ["run", "abc"], ["merge", other], ["upgrade"]]


@pytest.mark.parametrize("shape", FOREIGN)
def test_a_foreign_sqlite_file_is_refused_by_every_command_and_left_byte_identical(runner, tmp_path, shape):
    theirs = _sqlite_file(tmp_path / "theirs.db", *FOREIGN[shape])
    other = tmp_path / "other.db"
    Store(other).close()
    before = files(theirs)
    for argv in every_command(other):
        line = one_error_line(invoke(runner, theirs, *argv))
        assert line == (f"error: {theirs}: an SQLite database from another program; workshop leaves it "
                        "untouched. Choose another file with --db"), argv
        assert files(theirs) == before, argv


@pytest.mark.parametrize("shape", FOREIGN)
def test_a_foreign_file_is_refused_as_merges_other(runner, tmp_path, db_path, shape):
    theirs = _sqlite_file(tmp_path / "theirs.db", *FOREIGN[shape])
    before = files(theirs)
    line = one_error_line(invoke(runner, db_path, "merge", theirs))
    assert "an SQLite database from another program" in line
    assert files(theirs) == before
    assert not db_path.exists()  # checked before this database is made


def _real_database(path: Path) -> Path:
    from click.testing import CliRunner

    assert CliRunner().invoke(cli, ["--db", str(path), "import", DEMO, VOTES]).exit_code == 0
    return path


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    if how == "random bytes mid-file":
        conn = sqlite3.connect(path)
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ballots'").fetchone()[0]
        conn.close()
        data[(root - 1) * page:root * page] = os.urandom(page)  # the ballots' page, mid-file
    elif how == "a scrambled schema page":
        data[100:page] = bytes(reversed(data[100:page]))  # page 1 holds sqlite_master
    elif how == "cut short":
        del data[len(data) // 3:]
    elif how == "a scrambled header":
        data[16:24] = b"\xff" * 8
    path.write_bytes(bytes(data))


DAMAGE = ["random bytes mid-file", "a scrambled schema page", "cut short", "a scrambled header"]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_database_gets_one_line_and_is_left_unchanged(runner, tmp_path, how):
    db = _real_database(tmp_path / "damaged.db")
    _damage(db, how)
    other = tmp_path / "other.db"
    Store(other).close()
    before = files(db)
    for argv in every_command(other):
        line = one_error_line(invoke(runner, db, *argv))
        assert line.startswith(f"error: {db}: cannot be read as a database (") and line.endswith(
            "); it may be damaged. Restore a copy or choose another file with --db"), (argv, line)
        assert files(db) == before, argv
    line = one_error_line(invoke(runner, other, "merge", db))
    assert "cannot be read as a database" in line and files(db) == before


def test_a_file_that_is_not_sqlite_is_refused(runner, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"title: my notes\n")
    other = tmp_path / "other.db"
    Store(other).close()
    for argv in every_command(other):
        line = one_error_line(invoke(runner, notes, *argv))
        assert line == (f"error: {notes}: not a workshop database (not an SQLite file); "
                        "choose another file with --db")
    assert notes.read_bytes() == b"title: my notes\n"


@pytest.mark.parametrize("kind", ["/dev/null", "a FIFO", "a folder"])
def test_things_that_are_not_files_are_refused_as_db_and_as_other(runner, tmp_path, db_path, kind):
    if kind == "/dev/null":
        target = Path("/dev/null")
        expected = "not a regular file (a device, pipe or socket), so not a database"
    elif kind == "a FIFO":
        target = tmp_path / "pipe.db"
        os.mkfifo(target)
        expected = "not a regular file (a device, pipe or socket), so not a database"
    else:
        target = tmp_path / "folder.db"
        target.mkdir()
        expected = "is a folder, not a database file"
    other = tmp_path / "other.db"
    Store(other).close()
    for argv in every_command(other):
        line = one_error_line(invoke(runner, target, *argv))
        assert line.startswith(f"error: {target}: {expected}"), (argv, line)
    line = one_error_line(invoke(runner, db_path, "merge", target))
    assert line.startswith(f"error: {target}: {expected}")
    assert not db_path.exists()
    if kind == "a folder":
        assert list(target.iterdir()) == []


def test_the_installed_command_never_blocks_on_a_fifo(tmp_path):
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    for argv in (["list"], ["import", DEMO, VOTES], ["merge", str(pipe)]):
        db = tmp_path / "w.db" if argv[0] == "merge" else pipe
        done = subprocess.run([str(WORKSHOP), "--db", str(db), *argv], capture_output=True, text=True, timeout=30)
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stderr.splitlines() == [
            f"error: {pipe}: not a regular file (a device, pipe or socket), so not a database; "
            "choose another file with --db"]


@pytest.mark.parametrize("empty", ["missing", "zero bytes"])
def test_only_a_missing_or_empty_file_becomes_a_new_database(runner, db_path, empty):
    if empty == "zero bytes":
        db_path.write_bytes(b"")
    assert invoke(runner, db_path, "list").exit_code == 0
    assert db_path.exists() == (empty == "zero bytes") and not Path(f"{db_path}-wal").exists()
    result = invoke(runner, db_path, "import", DEMO, VOTES)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_merges_other_is_opened_read_only(tmp_path):
    other = _real_database(tmp_path / "other.db")
    conn = open_other(other)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM sessions")
    finally:
        conn.close()
    with pytest.raises(StoreError, match="no such database file"):
        open_other(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_a_migration_script_runs_triggers_and_strings_that_hold_semicolons(tmp_path):
    from sqlite_utils import Database

    from workshop.store.schema import run_script

    db = Database(tmp_path / "script.db")
    with db.conn:
        run_script(db, """
            CREATE TABLE t (v TEXT);
            CREATE TABLE log (v TEXT);
            CREATE TRIGGER t_log AFTER INSERT ON t BEGIN
                INSERT INTO log VALUES ('saw; ' || NEW.v);
                INSERT INTO log VALUES ('twice');
            END;
            INSERT INTO t VALUES ('a;b');
        """)
    assert [r[0] for r in db.execute("SELECT v FROM log ORDER BY rowid")] == ["saw; a;b", "twice"]
    with pytest.raises(ValueError, match="incomplete statement"):
        run_script(db, "CREATE TABLE u (v TEXT); CREATE TRIGGER u_t AFTER INSERT ON u BEGIN SELECT 1;")
