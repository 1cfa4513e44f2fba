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
