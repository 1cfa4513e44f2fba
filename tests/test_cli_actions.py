"""Following actions up from the command line: each listed with its session and principle, edited,
deleted after asking; bad values refused with one line and nothing changed."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, REPO
from test_cli_layout import LONGEST, flat, on_a_terminal

from workshop.cli import cli
from workshop.store import Store

DEMO = str(REPO / "sessions" / "demo.yaml")
VOTES = str(DATA / "votes" / "demo-votes.csv")


def invoke(runner, db, *args, columns: str = "80"):
    return runner.invoke(cli, ["--db", str(db), *map(str, args)], catch_exceptions=False,
                         env={"COLUMNS": columns})


@pytest.fixture
def agreed(runner, db_path, tmp_path):
    """A session asking the longest statement, with an action on it; another session with a loose action."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"""
title: Eastbury Partnership Health Check
date: 2026-11-20
locality: Eastbury
groups: [council, vcs]
principles: {{ids: [council-sustains-grant-programmes, {LONGEST[0].id}]}}
""")
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,group,principle,score\n,vcs,council-sustains-grant-programmes,4\n")
    first = invoke(runner, db_path, "import", plan, votes).stdout.strip()
    second = invoke(runner, db_path, "import", DEMO, VOTES).stdout.strip()
    with Store(db_path) as store:
        about = store.add_action(first, "Map which local initiatives the VCS shares resources with",
                                 owner="vcs", due="2027-03-31", principle_id=LONGEST[0].id)
        loose = store.add_action(second, "Joint letter to government", owner="both")
    return about, loose


def test_actions_show_the_session_and_the_whole_principle_of_each(runner, db_path, agreed):
    about, loose = agreed
    result = invoke(runner, db_path, "actions")
    assert result.exit_code == 0
    out = flat(result.stdout.replace("│", " "))
    assert "…" not in result.stdout and max(len(line) for line in result.stdout.splitlines()) <= 80
    assert f"Principle 2: {flat(LONGEST[0].statement)}" in out
    assert "Eastbury Partnership Health Check, Eastbury" in out
    assert "Northshire Partnership Health Check (demo), Northshire" in out
    data = {a["id"]: a for a in json.loads(invoke(runner, db_path, "actions", "--json").stdout)}
    assert (data[about.id]["principle_number"], data[about.id]["principle_statement"]) == (2, LONGEST[0].statement)
    assert data[about.id]["session_title"] == "Eastbury Partnership Health Check"
    assert data[loose.id]["principle_number"] is None


def test_action_edits_text_owner_and_due(runner, db_path, agreed):
    about, _ = agreed
    result = invoke(runner, db_path, "action", about.id, "--text", "Map shared initiatives", "--owner", "VCS forum",
                    "--due", "2027-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"action {about.id}: Map shared initiatives\n  VCS forum, due 2027-06-30, open\n"
    with Store(db_path) as store:
        changed = store.action(about.id)
    assert (changed.text, changed.owner, changed.due, changed.status) == (
        "Map shared initiatives", "VCS forum", "2027-06-30", "open")
    assert invoke(runner, db_path, "action", about.id, "--due", "").exit_code == 0
    assert invoke(runner, db_path, "action", about.id, "--status", "done", "--note", "Map published").stdout.endswith(
        "VCS forum, done (Map published)\n")
    with Store(db_path) as store:
        assert (store.action(about.id).due, store.action(about.id).status_note) == ("", "Map published")


@pytest.mark.parametrize("args, message", [
    (["--due", "31/03/2027"], "due date '31/03/2027' must be a day written YYYY-MM-DD, like 2027-03-31"),
    (["--due", "2027-02-30"], "due date '2027-02-30' must be a day written YYYY-MM-DD"),
    (["--text", " "], "an action needs its text"),
    (["--delete", "--text", "x"], "--delete deletes the whole action"),
    (["--status", "finished"], "Invalid value for '--status'"),
])
def test_action_refuses_bad_values_and_changes_nothing(runner, db_path, agreed, args, message):
    about, _ = agreed
    result = invoke(runner, db_path, "action", about.id, "--owner", "council", *args)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
    with Store(db_path) as store:
        assert store.action(about.id) == about


def test_action_that_does_not_exist(runner, db_path, agreed):
    result = invoke(runner, db_path, "action", 999, "--text", "x")
    assert result.exit_code == 2 and result.stderr.startswith("error: no action 999; 'workshop actions' lists them")


def test_action_delete_with_yes(runner, db_path, agreed):
    about, loose = agreed
    result = invoke(runner, db_path, "action", about.id, "--delete", "--yes")
    assert result.exit_code == 0 and result.stdout == f"deleted action {about.id}\n"
    with Store(db_path) as store:
        assert [a.id for a, _ in store.all_actions()] == [loose.id]


def test_action_delete_without_a_terminal_refuses(runner, db_path, agreed):
    about, _ = agreed
    result = invoke(runner, db_path, "action", about.id, "--delete")
    assert result.exit_code == 2 and "add --yes" in result.stderr and result.stderr.count("\n") == 1
    with Store(db_path) as store:
        assert store.action(about.id) == about


@pytest.mark.parametrize("answer, deleted", [("y", True), ("n", False)])
def test_action_delete_on_a_terminal_asks_first(db_path, agreed, answer, deleted):
    about, _ = agreed
    code, out = on_a_terminal("--db", str(db_path), "action", str(about.id), "--delete", answer=answer)
    assert code == 0, out
    assert f"Delete action {about.id} “Map which local initiatives the VCS shares resources with”?" in out
    with Store(db_path) as store:
        assert (about.id not in [a.id for a in store.actions(about.session_id)]) == deleted


def test_action_with_no_change_shows_it(runner, db_path, agreed):
    about, _ = agreed
    result = invoke(runner, db_path, "action", about.id)
    assert result.exit_code == 0
    assert result.stdout == (f"action {about.id}: Map which local initiatives the VCS shares resources with\n"
                             "  vcs, due 2027-03-31, open\n")


@pytest.mark.parametrize("columns", ["80", "140"])
def test_the_principle_is_on_its_own_line_under_the_action(runner, db_path, agreed, columns):
    about, _ = agreed
    out = invoke(runner, db_path, "actions", columns=columns).stdout
    cells = [line.split("│")[2].rstrip() for line in out.splitlines() if line.startswith("│")]
    start = next(i for i, cell in enumerate(cells) if cell.strip().startswith("Map which"))
    # The action's own lines hold only its words; the principle starts a line of its own, indented.
    action_lines = cells[start:next(i for i in range(start, len(cells)) if "Principle 2:" in cells[i])]
    assert flat(" ".join(action_lines)) == about.text
    principle = next(cell for cell in cells if "Principle 2:" in cell)
    assert principle.startswith("   Principle 2: ") and "Map which" not in principle
