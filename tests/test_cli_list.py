"""`workshop list` over years of history: the newest fifty by default, every one with --all or --json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from click.testing import CliRunner

from workshop.cli import cli
from workshop.store import Store


def many_sessions(db_path, demo_plan, n: int) -> list[str]:
    """n sessions, one a week, each a different title; newest last."""
    ids = []
    with Store(db_path) as store:
        for i in range(n):
            plan = dataclasses.replace(demo_plan, title=f"Check {i:03d}",
                                       date=dt.date(2020, 1, 6) + dt.timedelta(weeks=i))
            ids.append(store.start_session(plan).id)
    return ids


def listed(db_path, *args) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "list", *args], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_list_shows_the_newest_fifty_and_says_how_to_see_the_rest(db_path, demo_plan):
    ids = many_sessions(db_path, demo_plan, 55)
    out = listed(db_path)
    shown = [sid for sid in ids if sid in out]
    assert shown == ids[5:]  # the newest fifty
    assert "Check 054" in out and "Check 004" not in out
    assert out.rstrip().endswith("the newest 50 of 55 sessions; 'workshop list --all' lists every one")
    # Newest first, as before.
    assert out.index("Check 054") < out.index("Check 005")


def test_list_all_and_json_give_every_session(db_path, demo_plan):
    ids = many_sessions(db_path, demo_plan, 55)
    out = listed(db_path, "--all")
    assert all(sid in out for sid in ids) and "--all" not in out
    data = json.loads(listed(db_path, "--json"))
    assert [s["id"] for s in data] == ids[::-1]


def test_fifty_or_fewer_need_no_footer(db_path, demo_plan):
    ids = many_sessions(db_path, demo_plan, 50)
    out = listed(db_path)
    assert all(sid in out for sid in ids) and "--all" not in out


def test_piped_the_list_is_a_line_a_session_whatever_the_width(db_path, demo_plan):
    """`workshop list | grep Saltmarsh` finds a session's whole row: piped, no table wraps a title
    over lines (on a terminal the table does: test_cli_housekeeping)."""
    ids = many_sessions(db_path, demo_plan, 3)
    with Store(db_path) as store:
        long_title = "Northshire and Eastbridge Joint Partnership Health Check with the Health and Wellbeing Board"
        ids.append(store.start_session(dataclasses.replace(demo_plan, title=long_title,
                                                           date=dt.date(2021, 1, 1))).id)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "list"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "date", "title", "locality", "ballots", "status"]
    assert [line.split()[0] for line in lines[1:]] == ids[::-1]  # newest first, one line each
    newest = lines[1]
    assert long_title in newest and "2021-01-01" in newest and newest.split()[-2:] == ["0", "open"]
    assert not any(ch in result.stdout for ch in "┃│━─…")
    # Columns line up: every row's title starts under the header's.
    assert {line.index(t) for line, t in zip(lines[1:], [long_title, "Check 002", "Check 001", "Check 000"])} \
        == {lines[0].index("title")}
