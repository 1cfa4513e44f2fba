"""The command line end to end: import paper ballots, show the gap view, list, export, bad input."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, REPO

from workshop.cli import cli

DEMO = str(REPO / "sessions" / "demo.yaml")
VOTES = str(DATA / "votes" / "demo-votes.csv")


def invoke(runner, *args, db=None):
    argv = (["--db", str(db)] if db else []) + [str(a) for a in args]
    return runner.invoke(cli, argv, catch_exceptions=False, env={"COLUMNS": "120"})


def import_demo(runner, db) -> str:
    result = invoke(runner, "import", DEMO, VOTES, db=db)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_import_then_show_json_gives_numbers_worked_out_by_hand(runner, db_path):
    sid = import_demo(runner, db_path)
    data = json.loads(invoke(runner, "show", sid, "--json", db=db_path).stdout)
    session = {key: data["session"].get(key) for key in ("id", "title", "date", "locality", "anonymous", "status")}
    assert session == {"id": sid, "title": "Northshire Partnership Health Check (demo)", "date": "2026-12-03",
                       "locality": "Northshire", "anonymous": True, "status": "finished"}
    assert data["groups"] == ["council", "vcs"]
    assert data["scale"] == {"min": 1, "max": 5, "dont_know": True, "labels": {
        "1": "Not at all true", "2": "Slightly true", "3": "Partly true", "4": "Mostly true", "5": "Completely true"}}
    by_id = {p["id"]: p for p in data["principles"]}
    assert len(by_id) == 10

    # Council 4, 5, 4 and a don't know; VCS 2, 1, 2, 3 and two don't knows.
    challenge = by_id["council-accepts-vcs-right-to-challenge"]
    assert challenge["groups"]["council"] == {
        "n": 3, "dont_know": 1, "mean": 4.333, "median": 4.0, "sd": 0.471,
        "counts": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}, "suppressed": False}
    assert challenge["groups"]["vcs"] | {"counts": None} == {
        "n": 4, "dont_know": 2, "mean": 2.0, "median": 2.0, "sd": 0.707, "counts": None, "suppressed": False}
    assert challenge["gap"] == -2.333
    assert challenge["flags"] == ["blind spot"]

    # Council 5, 4, 4 (4.33); VCS 4, 4, 5, 5 (4.5): both in the top quarter.
    grants = by_id["council-sustains-grant-programmes"]
    assert (grants["groups"]["vcs"]["mean"], grants["gap"], grants["flags"]) == (4.5, 0.167, ["shared strength"])

    # Two council scores are fewer than min_group_size 3: suppressed, so no gap.
    pressures = by_id["vcs-understands-council-pressures"]
    assert pressures["groups"]["council"] | {} == {
        "n": 2, "dont_know": 0, "mean": None, "median": None, "sd": None, "counts": {}, "suppressed": True}
    assert pressures["groups"]["vcs"]["mean"] == 1.667
    assert (pressures["gap"], pressures["flags"]) == (None, ["thin"])

    untouched = by_id["council-is-frank-with-vcs"]
    assert untouched["groups"]["vcs"]["n"] == 0 and untouched["gap"] is None


def test_imported_session_is_finished_and_anonymous_names_are_not_stored(runner, db_path):
    sid = import_demo(runner, db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT status FROM sessions WHERE id = ?", [sid]).fetchone() == ("finished",)
    assert conn.execute("SELECT COUNT(*) FROM ballots").fetchone() == (22,)
    assert conn.execute("SELECT COUNT(*) FROM participants WHERE name IS NOT NULL").fetchone() == (0,)
    assert set(conn.execute("SELECT state FROM session_principles").fetchall()) == {("closed",)}


def test_show_prints_the_gap_view(runner, db_path):
    sid = import_demo(runner, db_path)
    out = invoke(runner, "show", sid[:5], "--sort", "gap", db=db_path).stdout
    assert "Northshire Partnership Health Check (demo)" in out
    assert "too few to show" in out and "blind spot" in out
    assert "VCS rates this 2.3 lower than Council" in out
    # Sorted by gap: principle 1 (gap -2.3) before 5 (+0.2), then those with no gap in plan order.
    blocks = out[:out.index("Largest gaps:")]
    assert [int(n) for n in re.findall(r"^ *(\d+)\. ", blocks, re.M)] == [1, 5, 2, 3, 4, 6, 7, 8, 9, 10]


def test_list_and_where(runner, db_path):
    assert "no sessions yet" in invoke(runner, "list", db=db_path).stdout
    sid = import_demo(runner, db_path)
    listed = json.loads(invoke(runner, "list", "--json", db=db_path).stdout)
    assert [(s["id"], s["ballots"], s["status"]) for s in listed] == [(sid, 22, "finished")]
    assert sid in invoke(runner, "list", db=db_path).stdout
    assert invoke(runner, "where", db=db_path).stdout.strip() == str(db_path)
    assert invoke(runner, "where").stdout.strip() == os.environ["WORKSHOP_DB"]


def test_export_json_holds_everything(runner, db_path, tmp_path):
    sid = import_demo(runner, db_path)
    out = tmp_path / "report.json"
    assert invoke(runner, "export", sid, "--format", "json", "-o", out, db=db_path).exit_code == 0
    data = json.loads(out.read_text())
    # 22 ballots, less the two council scores on a principle where the council is too few to show.
    assert len(data["ballots"]) == 20 and len(data["principles"]) == 10
    assert not [b for b in data["ballots"] if b["principle"] == "vcs-understands-council-pressures"
                and b["group"] == "council"]
    assert all("participant" not in b for b in data["ballots"])  # anonymous session
    assert "A. Patel" not in json.dumps(data["ballots"])
    assert data["plan"]["title"] == data["session"]["title"]


@pytest.mark.parametrize("target", ["results", "results.zip"])
def test_export_csv_folder_or_zip(runner, db_path, tmp_path, target):
    sid = import_demo(runner, db_path)
    out = tmp_path / target
    assert invoke(runner, "export", sid, "--format", "csv", "-o", out, db=db_path).exit_code == 0
    if out.suffix == ".zip":
        with zipfile.ZipFile(out) as zf:
            files = {n: zf.read(n).decode() for n in zf.namelist()}
    else:
        files = {p.name: p.read_text() for p in out.iterdir()}
    assert set(files) == {"ballots.csv", "summary.csv", "notes.csv", "actions.csv"}
    ballots = list(csv.DictReader(files["ballots.csv"].splitlines()))
    assert len(ballots) == 20 and "participant" not in ballots[0]  # two suppressed ballots left out
    assert sum(b["score"] == "dk" for b in ballots) == 3
    summary = list(csv.DictReader(files["summary.csv"].splitlines()))
    row = next(r for r in summary if r["principle"] == "council-sustains-grant-programmes" and r["group"] == "vcs")
    assert (row["mean"], row["count_5"], row["gap"]) == ("4.5", "2", "0.167")


def test_export_refuses_a_missing_folder_and_writes_nothing(runner, db_path, tmp_path):
    sid = import_demo(runner, db_path)
    result = invoke(runner, "export", sid, "--format", "json", "-o", tmp_path / "nope" / "x.json", db=db_path)
    assert result.exit_code == 2 and "no such folder" in result.stderr
    assert not (tmp_path / "nope").exists()


BAD_VOTES = [
    ("missing-column.csv", ["1: missing column score; the first line must be: participant,group,principle,score"]),
    ("unknown-group.csv", ["3: unknown group 'vcss' (did you mean 'vcs'?)"]),
    ("off-scale.csv", ["2: score 7 is off the scale; use 1 to 5 or dk (don't know)"]),
    ("not-a-number.csv", ["2: score 'four' is not a number; use 1 to 5 or dk (don't know)"]),
    ("unknown-principle.csv", ["2: principle 'council-sustains-grant-programs' is not in this plan "
                               "(did you mean 'council-sustains-grant-programmes'?)"]),
    ("wrong-field-count.csv", ["2: expected 4 fields, found 3"]),
    ("duplicate-ballot.csv", ["3: 'S. Okafor' already has a ballot on 'council-sustains-grant-programmes' "
                              "(line 2); keep one of the two"]),
    ("two-groups.csv", ["3: 'S. Okafor' is in group 'vcs' on line 2, and 'council' here"]),
    ("empty.csv", ["1: no header row; the first line must be: participant,group,principle,score"]),
    ("header-only.csv", [": no ballots in this file; add rows under the header"]),
    ("several.csv", ["2: score '3.5' must be a whole number from 1 to 5",
                     "3: no score; use 1 to 5 or dk (don't know)",
                     "4: unknown group 'health'"]),
    ("unclosed-quote.csv", ["3: broken CSV: unexpected end of data"]),
    ("latin1.csv", [": not UTF-8 text; save the CSV as UTF-8 and try again"]),
]


@pytest.mark.parametrize("name, lines", BAD_VOTES, ids=[b[0] for b in BAD_VOTES])
def test_bad_votes_are_all_reported_and_nothing_is_imported(runner, db_path, name, lines):
    path = DATA / "bad_votes" / name
    result = invoke(runner, "import", DEMO, path, db=db_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{path}{line}" if line.startswith(":") else f"{path}:{line}"
                                          for line in lines]
    assert "Traceback" not in result.output
    assert not db_path.exists()  # checked before the database was even opened


def test_bad_plan_on_import_imports_nothing(runner, db_path, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("title: X\ndate: 2026-02-30\n")
    result = invoke(runner, "import", plan, VOTES, db=db_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{plan}:2: date 2026-02-30 is not a day in the calendar; check the month and the day (YYYY-MM-DD)"
    assert not db_path.exists()


@pytest.mark.parametrize("args, message", [
    (["show", "nosuch"], "no session 'nosuch'"),
    (["export", "nosuch", "--format", "json", "-o", "x.json"], "no session 'nosuch'"),
])
def test_unknown_session(runner, db_path, args, message):
    import_demo(runner, db_path)
    result = invoke(runner, *args, db=db_path)
    assert result.exit_code == 2 and message in result.stderr


def test_foreign_database_gives_one_line_and_exit_2(runner, tmp_path):
    path = tmp_path / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    result = invoke(runner, "list", db=path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "another program" in result.stderr
    assert path.read_bytes() == before


# --- workshop actions at 80 columns (and whenever output is piped) ----------------------------

LONG_ACTION = "Publish the grants timetable for the next three years, with the criteria, on the council website"


def table_rows(out: str) -> list[list[str]]:
    """Each table line's cells, stripped: the header's and the body's."""
    return [[c.strip() for c in re.split("[│┃]", line)[1:-1]] for line in out.splitlines()
            if line.startswith(("│", "┃"))]


def test_actions_at_80_columns_keep_the_number_and_the_action_readable(runner, db_path, tmp_path):
    from workshop.store import Store

    sid = import_demo(runner, db_path)
    other = tmp_path / "eastbridge.yaml"
    other.write_text(Path(DEMO).read_text().replace("locality: Northshire", "locality: Eastbridge"))
    eastbridge = invoke(runner, "import", other, VOTES, db=db_path).stdout.strip()
    with Store(db_path) as store:
        first = store.add_action(sid, LONG_ACTION, owner="Council grants team", due="2027-03-31")
        store.set_action_status(first.id, "in progress", "draft shared with the VCS forum")
        second = store.add_action(eastbridge, "Joint letter to government", owner="both", due="spring")
    result = runner.invoke(cli, ["--db", str(db_path), "actions"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = table_rows(result.stdout)
    assert rows[0] == ["#", "Action", "Owner, due", "Agreed", "Status"]
    # Each action's number stands whole on its first line, beside the start of its text.
    starts = {r[0]: r[1] for r in rows[1:] if r[0]}
    assert set(starts) == {str(first.id), str(second.id)}
    # The action's words, wrapped but all there, in the Action column and in order.
    first_rows = rows[1:rows.index(next(r for r in rows if r[0] == str(second.id)))]
    assert " ".join(r[1] for r in first_rows if r[1]).startswith(LONG_ACTION)
    header = next(line for line in lines if line.startswith("┃"))
    widths = [len(cell) for cell in header.split("┃")[1:-1]]
    assert widths[1] == max(widths) and widths[1] >= 25  # the action has most of the width
    assert first_rows[0][3] == "2026-12-03"  # agreed: the date only
    # The session and its locality, on a line of their own under the action.
    assert "Session: Northshire Partnership Health Check (demo), Northshire" in " ".join(r[1] for r in first_rows)
    assert "in progress:" in " ".join(r[4] for r in first_rows)
    assert "Joint letter to government" in " ".join(r[1] for r in rows)


def test_actions_of_one_locality_name_it_once(runner, db_path):
    from workshop.store import Store

    sid = import_demo(runner, db_path)
    with Store(db_path) as store:
        action = store.add_action(sid, "Joint letter to government", owner="both")
    result = runner.invoke(cli, ["--db", str(db_path), "actions"], env={"COLUMNS": "80"})
    assert result.stdout.splitlines()[0].strip() == "Actions agreed in Northshire"
    assert [str(action.id), "Joint letter to government", "both", "2026-12-03", "open"] in table_rows(result.stdout)


# --- the installed entry point, in a real process -------------------------------------------

WORKSHOP = str(Path(sys.executable).parent / "workshop")


def run(*args, env_db=None):
    env = dict(os.environ, COLUMNS="120")
    if env_db:
        env["WORKSHOP_DB"] = str(env_db)
    return subprocess.run([WORKSHOP, *map(str, args)], capture_output=True, text=True, env=env, cwd=REPO)


def test_installed_command_imports_and_shows(db_path):
    version = run("--version")
    assert version.returncode == 0 and "workshop" in version.stdout
    imported = run("import", "sessions/demo.yaml", VOTES, env_db=db_path)
    assert imported.returncode == 0, imported.stderr
    sid = imported.stdout.strip()
    shown = run("show", sid, "--json", env_db=db_path)
    assert json.loads(shown.stdout)["principles"][0]["gap"] == -2.333


def test_installed_command_reports_bad_input_without_traceback(tmp_path):
    result = run("validate", DATA / "bad_votes" / "empty.csv")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run("show", "x", env_db=tmp_path / "not-a-folder" / ".." / "db.db")
    assert result.returncode == 2 and result.stderr.startswith("error: ")


def test_run_with_a_bad_plan_reports_every_problem_and_starts_nothing(runner, db_path, tmp_path):
    plan = tmp_path / "bad.yaml"
    plan.write_text("title: X\ndate: 2026-01-01\nmodes: [cards, roster]\nprinciples: {ids: [no-such-id]}\n")
    result = invoke(runner, "run", plan, db=db_path)
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{plan}:3: roster voting needs a 'roster'")
    assert lines[1].startswith(f"{plan}:4: unknown principle id 'no-such-id'")
    assert not db_path.exists()


@pytest.mark.parametrize("args, message", [
    (["run", "nosuch"], "no session 'nosuch'"),
    (["run", "missing-plan.yaml"], "missing-plan.yaml: no such plan file"),
    (["export", "x", "--format", "pdf", "-o", "x.pdf"], "Invalid value for '--format'"),
])
def test_run_and_export_refuse_unknown_targets(runner, db_path, args, message):
    import_demo(runner, db_path)
    result = invoke(runner, *args, db=db_path)
    assert result.exit_code == 2 and message in result.stderr


def test_export_to_a_folder_name_refuses_and_writes_nothing(runner, db_path, tmp_path):
    sid = import_demo(runner, db_path)
    result = invoke(runner, "export", sid, "--format", "json", "-o", tmp_path, db=db_path)
    assert result.exit_code == 2 and "is a folder" in result.stderr
    assert not list(tmp_path.glob("*.json"))


def not_files(folder: Path, suffix: str) -> dict[str, Path]:
    """A pipe, a link to it and, where this user may make one, a device like /dev/null: targets that
    are not files. Writing beside one and renaming onto it would replace the thing itself."""
    things = {"pipe": folder / f"pipe{suffix}", "link": folder / f"link{suffix}"}
    os.mkfifo(things["pipe"])
    things["link"].symlink_to(things["pipe"])
    try:
        os.mknod(folder / f"null{suffix}", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the device /dev/null is
        things["device"] = folder / f"null{suffix}"
    except PermissionError:
        pass
    return things


@pytest.mark.parametrize("command, suffix", [
    (["export", "{sid}"], ".md"), (["export", "{sid}"], ".html"), (["export", "{sid}"], ".xlsx"),
    (["export", "{sid}"], ".json"), (["export", "{sid}"], ".zip"), (["trend", "Northshire", "--format", "md"], ".md"),
    (["datasette-metadata"], ".yaml"), (["publish", "{sid}", "--force"], ".db"),
])
def test_writing_onto_a_pipe_or_a_device_refuses_and_leaves_it_as_it_was(runner, db_path, tmp_path, command, suffix):
    sid = import_demo(runner, db_path)
    folder = tmp_path / "out"
    folder.mkdir()
    things = not_files(folder, suffix)
    for kind, target in things.items():
        result = invoke(runner, *[a.format(sid=sid) for a in command], "-o", target, db=db_path)
        assert result.exit_code == 2, (kind, result.output)
        assert result.stderr == f"error: {target}: not a regular file (a device, pipe or socket); give " \
            f"{'another file name' if command[0] == 'publish' else 'a file name'}\n", kind
    assert stat.S_ISFIFO(things["pipe"].lstat().st_mode) and things["link"].is_symlink()
    assert "device" not in things or stat.S_ISCHR(things["device"].lstat().st_mode)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in things.values())


def test_a_named_csv_into_an_anonymous_plan_says_how_many_names_it_dropped(runner, db_path, tmp_path):
    votes = tmp_path / "named.csv"
    votes.write_text("participant,group,principle,score\n"
                     "A. Patel,council,council-accepts-vcs-right-to-challenge,4\n"
                     "A. Patel,council,council-respects-independence-of-funded-vcs,3\n"
                     "B. Khan,vcs,council-accepts-vcs-right-to-challenge,2\n", encoding="utf-8")
    result = invoke(runner, "import", DEMO, str(votes), db=db_path)
    assert result.exit_code == 0, result.output
    assert "dropped 2 names: the plan is anonymous" in result.stderr
    conn = sqlite3.connect(db_path)
    ids = [r[0] for r in conn.execute("SELECT participant_id FROM ballots")]
    assert len(ids) == len(set(ids)) == 3  # A. Patel's two ballots share nothing
    assert conn.execute("SELECT COUNT(*) FROM participants").fetchone() == (0,)
    assert b"Patel" not in db_path.read_bytes()


def test_a_name_too_long_for_the_file_system_is_one_line_and_one_just_short_of_it_is_written(runner, db_path, tmp_path):
    sid = import_demo(runner, db_path)
    too_long = tmp_path / ("r" * 251 + ".html")
    result = invoke(runner, "export", sid, "-o", too_long, db=db_path)
    assert result.exit_code == 2
    assert result.stderr == f"error: {too_long}: cannot be written there (File name too long); give another name\n"
    longest = tmp_path / ("r" * 250 + ".md")  # 253 characters: its temporary name beside it is cut short
    result = invoke(runner, "export", sid, "-o", longest, db=db_path)
    assert result.exit_code == 0 and longest.read_text(encoding="utf-8").startswith("# ")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("r")) == [longest.name]


@pytest.mark.parametrize("command", [["export", "{sid}"], ["export", "{sid}", "--format", "md"],
                                     ["trend", "Northshire", "--format", "md"]])
def test_an_export_to_standard_output_is_refused_not_written_as_a_file_named_dash(runner, db_path, tmp_path,
                                                                                  monkeypatch, command):
    sid = import_demo(runner, db_path)
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, *[a.format(sid=sid) for a in command], "-o", "-", db=db_path)
    assert result.exit_code == 2
    assert result.stderr == "error: -: exports are written to files, not to standard output; give a file name, " \
                            "such as report.md\n"
    assert not (tmp_path / "-").exists()
