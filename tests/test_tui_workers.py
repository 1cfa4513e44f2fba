"""Slow reads off the keys' path: trend, comparison, Home and exports are read in worker threads and
shown when they arrive; a failure shows its cause and is logged. Also the palette and the help, read
from the keys' bindings, and the gap view's way back to a principle."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat
from pathlib import Path

import pytest

from textual.command import CommandList

from conftest import DATA, REPO, ROSTER_PLAN, SIZE, make_app, screen_text, settle, wait_for
from workshop.inputs.ballots_csv import read_votes
from workshop.inputs.plan import load_plan, parse_plan
from workshop.store import Store
from workshop.tui.app import WorkshopApp
from workshop.tui.screens.compare import CompareScreen
from workshop.tui.screens.dialogs import ErrorScreen
from workshop.tui.screens.export import ExportScreen
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.help import HelpScreen
from workshop.tui.screens.history import HistoryScreen
from workshop.tui.screens.home import HomeScreen
from workshop.tui.screens.trend import TrendScreen
from workshop.tui.screens.vote import VoteScreen

PLAN = """\
title: {title}
date: 2026-12-03
locality: Southvale
groups: [council, vcs]
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{ids: [council-sustains-grant-programmes]}}
modes: [cards]
"""


@pytest.fixture
def years(db_path):
    """Northshire in 2024 and 2025, from paper ballots: (older id, newer id)."""
    plan, text = load_plan(REPO / "sessions" / "demo.yaml")
    ids = []
    with Store(db_path) as store:
        for year, votes in ((2024, "demo-votes.csv"), (2025, "demo-votes-later.csv")):
            dated = dataclasses.replace(plan, date=plan.date.replace(year=year), title=f"Health check {year}")
            ids.append(store.import_ballots(dated, text, read_votes(DATA / "votes" / votes, dated)).id)
    return ids


def one_line(app) -> str:
    """The screen's words in one line, without a dialog's borders: a wrapped sentence reads whole."""
    return " ".join(re.sub("[█▀▄▊▎▔▁]", " ", screen_text(app)).split())


async def test_trend_is_drawn_when_its_sessions_arrive(db_path, years):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(TrendScreen("Northshire"))
        # The heading and the table are mounted by one message and laid out together a moment
        # later: the wait is for the table's words, not the heading's.
        await wait_for(pilot, lambda: "−2.3 −0.7" in one_line(app))
        text = one_line(app)
        assert "Trend: Northshire, 2 sessions" in text
        assert "A trend needs three or more sessions" in text and "−2.3 −0.7" in text
        assert "loading" not in text


async def test_comparison_is_drawn_when_both_sessions_arrive(db_path, years):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CompareScreen(*years))
        await wait_for(pilot, lambda: "narrower by 1.6" in one_line(app))
        text = one_line(app)
        assert "Then: Health check 2024" in text and f"session {years[1]}" in text
        assert "−2.3 → −0.7 narrower by 1.6" in text and "loading" not in text


async def test_home_reads_the_plans_again_when_shown_again(db_path, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "first.yaml").write_text(PLAN.format(title="First check"), encoding="utf-8")
    (plans / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    app = WorkshopApp(Store(db_path), sessions_dir=plans)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "First check" in screen_text(app))
        assert "problem(s): Enter shows them" in screen_text(app)
        assert app.screen.focused.id == "plans"  # no session is waiting: a new one is the likelier wish
        (plans / "second.yaml").write_text(PLAN.format(title="Second check"), encoding="utf-8")
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await wait_for(pilot, lambda: "Second check" in screen_text(app))
        # The row under the cursor is the plan that Enter starts, whatever arrived in between.
        await pilot.press("down", "down")
        await pilot.pause()
        assert app.screen.plans[app.screen.query_one("#plans").cursor_row].name == "second.yaml"


async def test_an_export_that_fails_shows_its_cause_and_is_logged(db_path, years, tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "/proc/report.html"  # a folder that takes no files: the export fails as it writes
    logs = tmp_path / "logs"
    logs.mkdir()
    app = make_app(db_path, log_path=logs / "phones.log")
    caplog.set_level(logging.ERROR, logger="workshop.tui")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CompareScreen(*years))
        await wait_for(pilot, lambda: "Health check 2024" in screen_text(app))
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#path").value = name
        await pilot.press("enter", "enter")  # the format (the first), then the file name
        await wait_for(pilot, lambda: "failed" in screen_text(app), tries=100)
        assert isinstance(app.screen, ErrorScreen)
        text = one_line(app)
        assert f"Export to {name} failed" in text and "Cause: No such file or directory" in text
        # The log's path may wrap anywhere: read it with the spaces taken out.
        assert f"Thedetailsarekeptin{logs / 'workshop.log'}" in "".join(text.split())
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)  # the workshop carries on
    logged = [r for r in caplog.records if r.name == "workshop.tui"]
    assert logged and logged[0].exc_info is not None
    assert logged[0].getMessage() == f"Export to {name} failed"
    kept = (logs / "workshop.log").read_text(encoding="utf-8")
    assert f"Export to {name} failed" in kept and "Traceback" in kept


async def test_a_name_no_export_can_go_to_is_said_in_the_dialog_to_mend(db_path, years, tmp_path, monkeypatch):
    """A folder, a pipe, a folder that does not exist: the dialog says so and keeps the name, as the
    command line refuses them; the exports folder it offers is made; nothing else is made or replaced."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    os.mkfifo(out / "pipe.html")
    (out / "folder.html").mkdir()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CompareScreen(*years))
        await wait_for(pilot, lambda: "Health check 2024" in screen_text(app))
        await pilot.press("e", "enter")  # html, the first format
        (out / "file").write_text("a file where a folder should be", encoding="utf-8")
        long = "r" * 251 + ".html"
        for name, problem in [("missing/r.html", "missing: no such folder"), ("file/r.html", "file: is a file, not a folder"),
                              (long, "cannot be written there (File name too long); give another name"),
                              ("pipe.html", "not a regular file (a device, pipe or socket); give a file name"),
                              ("folder.html", "is a folder; give a file name")]:
            app.screen.query_one("#path").value = name
            await pilot.press("enter")
            assert isinstance(app.screen, ExportScreen) and app.screen.query_one("#path").value == name
            assert problem in one_line(app)
        assert sorted(p.name for p in out.iterdir()) == ["file", "folder.html", "pipe.html"]
        assert stat.S_ISFIFO((out / "pipe.html").lstat().st_mode)
        app.screen.query_one("#path").value = str(Path("exports") / "r.html")  # the folder the dialog offers
        await pilot.press("enter")
        await wait_for(pilot, lambda: (out / "exports" / "r.html").exists(), tries=100)
        assert isinstance(app.screen, CompareScreen)


async def test_a_read_that_fails_shows_its_cause(db_path, years):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        # Home has read its list (else its own read may be the one that fails first).
        await wait_for(pilot, lambda: "Health check 2025" in screen_text(app))
        # The app keeps its own connection open; a new reading connection finds no file.
        db_path.rename(db_path.with_name("moved.db"))
        app.push_screen(TrendScreen("Northshire"))
        await wait_for(pilot, lambda: "failed" in screen_text(app), tries=100)
        assert isinstance(app.screen, ErrorScreen)
        text = one_line(app)
        assert "The trend for Northshire failed" in text
        assert f"Cause:nodatabaseat{db_path}" in "".join(text.split())


async def test_palette_lists_the_screens_commands_by_name(db_path, years):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Health check 2025" in screen_text(app))
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: "History" in screen_text(app) and "Start / resume" in screen_text(app))
        text = "\n".join(screen_text(app).splitlines()[:-1])  # the palette, not the key bar under it
        assert "Start / resume" in text and "key: h" in text
        # Textual's own entries are not the workshop's: no theme list, screenshot or key panel.
        assert "Screenshot" not in text and "Change the current theme" not in text and "Keys" not in text
        assert "Plans ⇄ sessions" not in text  # moving the focus is a key, not a command
        await pilot.press(*"history")
        await wait_for(pilot, lambda: "History" in str(app.screen.query_one(CommandList).get_option_at_index(0).prompt))
        await pilot.press("enter")
        assert isinstance(app.screen, HistoryScreen)  # the command does what its key does


async def test_help_on_a_roster_screen_explains_the_roster_keys(db_path):
    app = make_app(db_path, plan=(parse_plan(ROSTER_PLAN), ROSTER_PLAN))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = one_line(app)
        assert "1 … 9 Roster: the selected participant votes that score" in text
        assert "d Roster: the selected participant doesn't know" in text
        assert "arrows Roster: choose a participant" in text
        assert "Cards:" not in text  # the plan counts no cards
        assert "? This help" in text and "ctrl+q Quit (everything is already saved)" in text


async def test_a_reviewed_principle_goes_back_to_its_gap_view(db_path, years):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.open_readonly(years[0])
        await pilot.pause()
        gap = app.screen
        assert isinstance(gap, GapScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen) and "REVIEW" in screen_text(app)
        await pilot.press("g")
        assert app.screen is gap


async def test_history_lists_every_session_when_read_and_keeps_keys_on_the_list(db_path, years):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await wait_for(pilot, lambda: "2 of 2 sessions" in screen_text(app))
        text = screen_text(app)
        assert "Health check 2024" in text and "Health check 2025" in text
        assert app.screen.focused.id == "history"  # the list, not the filter: space marks, c compares
        await pilot.press("space", "down", "space", "c")
        assert isinstance(app.screen, CompareScreen)
        await settle(pilot)
        await wait_for(pilot, lambda: "Then: Health check 2024" in one_line(app))
