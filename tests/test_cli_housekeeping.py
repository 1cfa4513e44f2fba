"""Keeping the database in order from the command line: delete a session, a mistyped --db creates
nothing, commands that only read never make a file, export picks its format from the file name, and
every refusal is one line on stderr with exit 2."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, REPO
from test_cli_layout import WORKSHOP, column_text, on_a_terminal

from workshop.cli import cli

DEMO = str(REPO / "sessions" / "demo.yaml")
VOTES = str(DATA / "votes" / "demo-votes.csv")


def invoke(runner, *args, db=None, env=None):
    argv = (["--db", str(db)] if db else []) + [str(a) for a in args]
    return runner.invoke(cli, argv, catch_exceptions=False, env={"COLUMNS": "100", **(env or {})})


def refused(result, message: str) -> None:
    """Exit 2 with the message as the one line on stderr; no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert message in result.stderr, result.stderr


def import_demo(runner, db, plan=DEMO) -> str:
    result = invoke(runner, "import", plan, VOTES, db=db)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def rows(db: Path, session_id: str) -> dict[str, int]:
    conn = sqlite3.connect(db)
    tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if any(c[1] == "session_id" for c in conn.execute(f"PRAGMA table_info([{n}])"))]
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM [{t}] WHERE session_id = ?", [session_id]).fetchone()[0]
              for t in tables}
    counts["sessions"] = conn.execute("SELECT COUNT(*) FROM sessions WHERE id = ?", [session_id]).fetchone()[0]
    conn.close()
    return counts


@pytest.fixture
def two_sessions(runner, db_path, tmp_path) -> tuple[str, str]:
    """The demo imported twice, the second with a note and an action."""
    from workshop.store import Store

    first, second = import_demo(runner, db_path), import_demo(runner, db_path)
    with Store(db_path) as store:
        store.add_note(second, "Grants were cut twice.")
        store.add_action(second, "Publish the grants timetable", principle_id="council-sustains-grant-programmes")
    return first, second


# --- workshop delete ------------------------------------------------------------------------

def test_delete_with_yes_removes_the_session_and_everything_it_holds(runner, db_path, two_sessions):
    first, second = two_sessions
    kept = rows(db_path, first)
    result = invoke(runner, "delete", second[:5], "--yes", db=db_path)
    assert result.exit_code == 0 and result.stdout == f"deleted session {second} (22 ballots)\n"
    assert set(rows(db_path, second).values()) == {0}
    assert rows(db_path, first) == kept
    assert [s["id"] for s in json.loads(invoke(runner, "list", "--json", db=db_path).stdout)] == [first]


def test_delete_without_a_terminal_and_without_yes_refuses(runner, db_path, two_sessions):
    first, second = two_sessions
    before = rows(db_path, second)
    result = invoke(runner, "delete", second, db=db_path)
    refused(result, "this needs a yes; not a terminal, so add --yes to go ahead")
    assert f"Delete session {second}" in result.stderr and "(22 ballots, with its notes and actions)" in result.stderr
    assert rows(db_path, second) == before
    # The installed command, its input not a terminal, refuses the same way.
    proc = subprocess.run([WORKSHOP, "--db", str(db_path), "delete", second], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "add --yes" in proc.stderr and "Traceback" not in proc.stderr
    assert rows(db_path, second) == before


@pytest.mark.parametrize("answer, deleted", [("y", True), ("n", False), ("", False)])
def test_delete_on_a_terminal_asks_first(db_path, two_sessions, answer, deleted):
    first, second = two_sessions
    code, out = on_a_terminal("--db", str(db_path), "delete", second, answer=answer)
    assert code == 0, out
    assert f"Delete session {second} “Northshire Partnership Health Check (demo)”, 2026-12-03" in " ".join(out.split())
    assert "[y/N]" in out
    assert (f"deleted session {second} (22 ballots)" in out) == deleted
    assert ("nothing deleted" in out) != deleted
    assert rows(db_path, second)["sessions"] == (0 if deleted else 1)
    assert rows(db_path, first)["ballots"] == 22


def test_delete_an_unknown_session(runner, db_path, two_sessions):
    refused(invoke(runner, "delete", "zzzz", "--yes", db=db_path), "no session 'zzzz'")


# --- a mistyped --db or WORKSHOP_DB creates nothing -------------------------------------------

EVERY_COMMAND = [
    ["list"], ["show", "x"], ["export", "x", "-o", "x.json"], ["compare", "x", "y"], ["trend", "Northshire"],
    ["actions"], ["action", "1", "--status", "done"], ["delete", "x", "--yes"], ["import", DEMO, VOTES],
    ["merge", "OTHER"], ["where"], ["run", DEMO],
]


@pytest.mark.parametrize("args", EVERY_COMMAND, ids=[a[0] for a in EVERY_COMMAND])
@pytest.mark.parametrize("how", ["--db", "WORKSHOP_DB"])
def test_a_database_in_a_missing_folder_is_refused_by_every_command(runner, tmp_path, db_path, args, how):
    import_demo(runner, db_path)  # a real database, for merge to read
    typo = tmp_path / "Worskhop" / "workshop.db"
    args = [str(db_path) if a == "OTHER" else a for a in args]
    if how == "--db":
        result = invoke(runner, *args, db=typo)
    else:
        result = invoke(runner, *args, env={"WORKSHOP_DB": str(typo)})
    refused(result, f"error: {typo}: folder does not exist; check --db or WORKSHOP_DB")
    assert not typo.parent.exists()


def test_the_installed_command_refuses_a_mistyped_workshop_db(tmp_path):
    typo = tmp_path / "nope" / "workshop.db"
    proc = subprocess.run([WORKSHOP, "list"], capture_output=True, text=True,
                          env=dict(os.environ, WORKSHOP_DB=str(typo)))
    assert proc.returncode == 2 and proc.stderr == f"error: {typo}: folder does not exist; check --db or WORKSHOP_DB\n"
    assert not typo.parent.exists()


@pytest.mark.parametrize("args, code, said", [
    (["list"], 0, "no sessions yet (no database at {db})"),
    (["list", "--json"], 0, "[]"),
    (["actions"], 0, "no actions (no database at {db})"),
    (["where"], 0, "{db}"),
    (["show", "x"], 2, "error: no database at {db}; check --db or WORKSHOP_DB"),
    (["export", "x", "-o", "x.json"], 2, "error: no database at {db}"),
    (["compare", "x", "y"], 2, "error: no database at {db}"),
    (["trend", "Northshire"], 2, "error: no database at {db}"),
    (["action", "1", "--status", "done"], 2, "error: no database at {db}"),
    (["delete", "x", "--yes"], 2, "error: no database at {db}"),
    (["run", "x"], 2, "error: no database at {db}"),
], ids=lambda v: v[0] if isinstance(v, list) else None)
def test_commands_that_only_read_never_create_a_database(runner, tmp_path, args, code, said):
    db = tmp_path / "new.db"
    result = invoke(runner, *args, db=db)
    assert result.exit_code == code, result.output
    assert said.format(db=db) in (result.stdout if code == 0 else result.stderr)
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no database, and no -wal or -shm either


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_commands_that_only_read_leave_the_database_as_it_was(runner, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "workshop.db"
    first, second = import_demo(runner, db), import_demo(runner, db)
    before = fingerprint(folder)
    for args in (["list"], ["show", first], ["show", first, "--json"], ["compare", first, second],
                 ["trend", "Northshire"], ["actions"], ["where"]):
        assert invoke(runner, *args, db=db).exit_code == 0, args
    assert fingerprint(folder) == before


# --- export: the format from the file name --------------------------------------------------

@pytest.mark.parametrize("name, check", [
    ("report.html", lambda p: p.read_text().lstrip().lower().startswith("<!doctype html")),
    ("report.HTM", lambda p: "<html" in p.read_text().lower()),
    ("report.md", lambda p: p.read_text().startswith("# ")),
    ("results.xlsx", lambda p: "xl/workbook.xml" in zipfile.ZipFile(p).namelist()),
    ("everything.json", lambda p: json.loads(p.read_text())["session"]["title"]),
    ("data.zip", lambda p: "ballots.csv" in zipfile.ZipFile(p).namelist()),
    ("csv-folder/", lambda p: (p / "ballots.csv").is_file()),
    ("no-extension", lambda p: (p / "summary.csv").is_file()),
])
def test_export_takes_the_format_from_the_file_name(runner, db_path, tmp_path, name, check):
    sid = import_demo(runner, db_path)
    target = tmp_path / name.rstrip("/")
    result = invoke(runner, "export", sid, "-o", str(tmp_path / name), db=db_path)
    assert result.exit_code == 0, result.output
    assert check(target)


def test_export_into_an_existing_folder_writes_csv_files(runner, db_path, tmp_path):
    sid = import_demo(runner, db_path)
    folder = tmp_path / "results.v2"
    folder.mkdir()
    assert invoke(runner, "export", sid, "-o", folder, db=db_path).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["actions.csv", "ballots.csv", "notes.csv", "summary.csv"]


def test_export_format_option_overrides_the_extension(runner, db_path, tmp_path):
    sid = import_demo(runner, db_path)
    target = tmp_path / "report.txt"
    assert invoke(runner, "export", sid, "-o", target, "--format", "md", db=db_path).exit_code == 0
    assert target.read_text().startswith("# ")


@pytest.mark.parametrize("name", ["report.pdf", "report.docx"])
def test_export_refuses_an_unknown_extension_and_writes_nothing(runner, db_path, tmp_path, name):
    sid = import_demo(runner, db_path)
    before = sorted(tmp_path.iterdir())
    result = invoke(runner, "export", sid, "-o", tmp_path / name, db=db_path)
    refused(result, f"no export format ends '{Path(name).suffix}'; use .html, .md, .xlsx, .json, .zip or a folder")
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.parametrize("args", [["-o", "tables.csv"], ["-o", "tables.csv", "--format", "csv"]])
def test_export_to_a_csv_name_says_the_tables_are_several_files(runner, db_path, tmp_path, args):
    sid = import_demo(runner, db_path)
    before = sorted(tmp_path.iterdir())
    result = invoke(runner, "export", sid, *[tmp_path / a if a.endswith(".csv") else a for a in args], db=db_path)
    refused(result, f"{tmp_path / 'tables.csv'}: CSV exports are several files, one a table; give a folder name, "
                    "or a name ending .zip")
    assert sorted(tmp_path.iterdir()) == before


# --- compare, list --locality, and counts that read right -------------------------------------

def test_compare_refuses_the_same_session_twice(runner, db_path):
    sid = import_demo(runner, db_path)
    refused(invoke(runner, "compare", sid, sid, db=db_path), f"are the same session ({sid})")
    refused(invoke(runner, "compare", sid[:4], sid, db=db_path), "compare two different sessions")


def test_list_for_a_locality_with_no_sessions_names_the_localities_there_are(runner, db_path, tmp_path):
    import_demo(runner, db_path)
    other = tmp_path / "eastbridge.yaml"
    other.write_text(Path(DEMO).read_text().replace("locality: Northshire", "locality: Eastbridge"))
    import_demo(runner, db_path, other)
    result = invoke(runner, "list", "--locality", "Nowhere", db=db_path)
    refused(result, "no sessions for locality 'Nowhere'; sessions are for: Eastbridge, Northshire")
    assert "no sessions yet" not in result.output
    refused(invoke(runner, "list", "--locality", "Northshir", db=db_path),
            "no sessions for locality 'Northshir' (did you mean 'Northshire'?)")
    assert json.loads(invoke(runner, "list", "--locality", "Nowhere", "--json", db=db_path).stdout) == []
    assert "Eastbridge" in invoke(runner, "list", "--locality", "eastbridge", db=db_path).stdout


def test_one_ballot_reads_right(runner, db_path, tmp_path):
    votes = tmp_path / "one.csv"
    votes.write_text("participant,group,principle,score\n,vcs,council-sustains-grant-programmes,4\n")
    result = invoke(runner, "import", DEMO, votes, db=db_path)
    assert result.exit_code == 0 and result.stderr.startswith("imported 1 ballot into session ")
    other = tmp_path / "other.db"
    import_demo(runner, other)
    assert invoke(runner, "merge", other, db=db_path).stdout == "added 1 session, 0 already here\n"


def test_where_says_when_there_is_no_database_yet(runner, tmp_path):
    db = tmp_path / "later.db"
    result = invoke(runner, "where", db=db)
    assert result.exit_code == 0 and result.stdout == f"{db}\n"
    assert "no database there yet" in result.stderr


@pytest.mark.parametrize("columns", [40, 80])
def test_list_keeps_every_title_whole(runner, db_path, tmp_path, columns):
    """On a terminal the list is a table that fits the width, titles wrapping in their column (piped,
    it is a line a session: test_cli_list)."""
    plan = tmp_path / "long.yaml"
    title = "Northshire and Eastbridge Joint Partnership Health Check with the Health and Wellbeing Board"
    plan.write_text(Path(DEMO).read_text().replace("title: Northshire Partnership Health Check (demo)",
                                                    f"title: {title}"))
    sid = import_demo(runner, db_path, plan)
    code, out = on_a_terminal("--db", str(db_path), "list", columns=columns)
    assert code == 0 and "…" not in out and max(len(line) for line in out.splitlines()) <= columns
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    column = [c.strip() for c in header.split("┃")].index("title")
    assert sid in out and title in column_text(out, column)
