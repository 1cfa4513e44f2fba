"""After the workshop, in the screens: history, read-only review, compare, trend, export, action follow-up."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from conftest import DATA, REPO, SIZE, make_app, screen_text, settle, wait_for

from workshop.inputs.plan import load_plan
from workshop.store import Store
from workshop.tui.screens.compare import CompareScreen
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.history import HistoryScreen
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.trend import TrendScreen
from workshop.tui.screens.vote import VoteScreen
from workshop.inputs.ballots_csv import read_votes
from workshop.wording import ARROW_LEGEND


@pytest.fixture
def history(db_path):
    """Three Northshire sessions a year apart and one elsewhere, imported from paper ballots."""
    plan, text = load_plan(REPO / "sessions" / "demo.yaml")
    ids = []
    with Store(db_path) as store:
        for year, votes in ((2024, "demo-votes.csv"), (2025, "demo-votes-later.csv"), (2026, "demo-votes.csv")):
            dated = dataclasses.replace(plan, date=plan.date.replace(year=year), title=f"Health check {year}")
            ids.append(store.import_ballots(dated, text, read_votes(DATA / "votes" / votes, dated)).id)
        other = dataclasses.replace(plan, locality="Eastbridge", title="Eastbridge check")
        store.import_ballots(other, text, read_votes(DATA / "votes" / "demo-votes.csv", other))
        store.add_action(ids[0], "Publish the grants timetable", owner="council", due="2025-03-31")
    return ids


async def test_history_filter_and_read_only_review(db_path, history):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "Eastbridge check" in screen_text(app) and "4 of 4 sessions" in screen_text(app)
        await pilot.press("slash", *"2025")
        text = screen_text(app)
        assert "1 of 4 sessions" in text and "Health check 2025" in text and "Health check 2024" not in text
        await pilot.press("enter")  # opens the one session left, straight from the filter
        assert isinstance(app.screen, GapScreen) and app.screen.live.readonly
        assert "Health check 2025" in screen_text(app)
        # A finished session's gap view is sorted by gap: find principle 1, then open it.
        await pilot.press(*["down"] * app.screen.rows.index(0), "enter")
        assert isinstance(app.screen, VoteScreen)
        text = screen_text(app)
        assert "REVIEW" in text and "mean 4.0" in text and "VCS rates this 0.7 lower than Council" in text
        await pilot.press("r", "u", "right", "3")  # nothing changes a reviewed session
        with Store(db_path) as check:
            assert len(check.ballots(history[1])) == 12
        await pilot.press("escape")
        assert isinstance(app.screen, GapScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_compare_two_marked_sessions(db_path, history):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        table = app.screen.query_one("#history")
        rows = [s.title for s in app.screen.shown]
        await pilot.press(*["down"] * rows.index("Health check 2025"), "space")
        await pilot.press(*["down"] * (rows.index("Health check 2024") - rows.index("Health check 2025")), "space")
        assert "marked for compare: 2 of 2" in screen_text(app)
        await pilot.press("c")
        assert isinstance(app.screen, CompareScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "Health check 2024" in text and "→" in text
        # Council on the first principle: 4.3 in 2024, 4.0 in 2025; the gap closed from −2.3 to −0.7,
        # in the words every report uses, with what the arrows mean.
        assert "4.3 → 4.0 ↓ −0.3" in text and "−2.3 → −0.7 narrower by 1.6" in text
        assert ARROW_LEGEND in " ".join(text.split())
        assert table is not None


async def test_locality_trend(db_path, history):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("slash", *"northshire 2024", "tab")
        await pilot.press("l")
        assert isinstance(app.screen, TrendScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "Trend: Northshire, 3 sessions" in text and re.search(r"−2\.3\s+−0\.7\s+−2\.3", text)


async def test_export_picker_writes_in_a_worker(db_path, history, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("enter")  # open the newest session's gap view
        sid = app.screen.live.id
        await pilot.press("e")
        formats = list(app.screen.formats)
        await pilot.press(*["down"] * formats.index("json"), "enter")
        target = tmp_path / "exports" / f"2026-12-03-eastbridge-{sid}.json"
        assert app.screen.query_one("#path").value == str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists, tries=100)
        await app.workers.wait_for_complete()
        data = json.loads(target.read_text())
        assert data["session"]["id"] == sid and len(data["ballots"]) == 20


async def test_lobby_follows_up_earlier_actions(db_path, history):
    plan = load_plan(REPO / "sessions" / "demo.yaml")
    app = make_app(db_path, plan=plan)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LobbyScreen)
        text = screen_text(app)
        assert "Actions from earlier sessions in Northshire: 1 still open" in text
        assert "Publish the grants timetable" in text
        await pilot.press("d", *"Published in May", "enter")
        await wait_for(pilot, lambda: "done: Published in May" in screen_text(app))
        with Store(db_path) as check:
            [(action, _)] = check.all_actions(locality="Northshire")
            assert (action.status, action.status_note) == ("done", "Published in May")
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen)


def dialog_text(app) -> str:
    """The words inside the dialog's border, as one line."""
    inside = [line[line.index("█") + 1:line.rindex("█")] for line in screen_text(app).splitlines()
              if line.count("█") >= 2]
    return " ".join(" ".join(inside).replace("▀", " ").replace("▄", " ").split())


def session_rows(db_path) -> list[str]:
    with Store(db_path) as check:
        return [s.title for s in check.sessions()]


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_history_deletes_a_session_after_asking(db_path, history, size):
    from workshop.tui.screens.dialogs import ConfirmScreen

    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("h")
        await settle(pilot)
        # In the key bar where it fits, and always in the line under the table.
        assert size[0] < 100 or " x  Delete " in screen_text(app).splitlines()[-1]
        assert "x deletes" in screen_text(app)
        rows = [s.title for s in app.screen.shown]
        await pilot.press(*["down"] * rows.index("Health check 2025"), "x")
        assert isinstance(app.screen, ConfirmScreen)
        question = dialog_text(app)
        assert ("Delete session 2025-12-03 Health check 2025 (12 ballots), with its notes and actions? "
                "This cannot be undone.") in question
        await pilot.press("n")  # no: nothing goes
        assert isinstance(app.screen, HistoryScreen) and len(session_rows(db_path)) == 4
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert len(session_rows(db_path)) == 4
        await pilot.press("x", "y")
        assert isinstance(app.screen, HistoryScreen)
        assert "Health check 2025" not in session_rows(db_path) and len(session_rows(db_path)) == 3
        text = screen_text(app)
        assert "Health check 2025" not in text.replace("Deleted session 2025-12-03 Health check 2025", "")
        assert "3 of 3 sessions" in text
        with Store(db_path) as check:
            assert check.db.execute("SELECT COUNT(*) FROM ballots WHERE session_id = ?", [history[1]]).fetchone() == (0,)


async def test_history_delete_key_is_in_the_help(db_path, history):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("question_mark")
        assert "Delete" in screen_text(app)


async def test_confirm_dialog_answers_with_enter(db_path, history):
    from workshop.tui.screens.dialogs import ConfirmScreen

    answers = []
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await settle(pilot)
        app.push_screen(ConfirmScreen("Really?"), answers.append)
        await pilot.pause()
        assert "Really?" in screen_text(app)
        await pilot.press("enter")
        app.push_screen(ConfirmScreen("Again?"), answers.append)
        await pilot.pause()
        await pilot.press("escape")
        assert answers == [True, False] and isinstance(app.screen, HistoryScreen)


@pytest.fixture
def twins(db_path, tmp_path):
    """Two sessions of one three-group plan: the same title and the same date, the older started first."""
    path = tmp_path / "three.yaml"
    path.write_text((REPO / "sessions" / "demo.yaml").read_text()
                    .replace("groups: [council, vcs]", "groups: [council, vcs, health]")
                    .replace("title: Northshire Partnership Health Check (demo)", "title: Review Three Groups 2026"))
    plan, text = load_plan(path)
    with Store(db_path) as store:
        older = store.import_ballots(plan, text, read_votes(DATA / "votes" / "demo-votes.csv", plan)).id
        newer = store.import_ballots(plan, text, read_votes(DATA / "votes" / "demo-votes-later.csv", plan)).id
    return older, newer


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_history_shows_every_group_and_the_id_at_any_width(db_path, twins, size):
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await wait_for(pilot, lambda: all(sid in screen_text(app) for sid in twins))
        text = screen_text(app)
        words = " ".join(text.split())
        # Both sessions told apart by their ids; every group there, the health group too.
        assert all(sid in text for sid in twins)
        assert words.count("Review Three Groups 2026") == 2 and "council, vcs, health" in words
        assert "…" not in text


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_home_keeps_titles_whole_and_shows_the_ids(db_path, twins, size):
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # read in a worker
        text = screen_text(app)
        assert all(sid in text for sid in twins)
        assert text.count("Review Three Groups 2026") == 2  # whole, on one line each
        # The plans' titles whole too, wrapped in their column where the screen is narrow.
        assert re.search(r"demo\.yaml\s+Northshire Partnership Health Check \(demo\)"
                         if size == SIZE else r"demo\.yaml\s+Northshire Partnership Health\s.*\n\s+Check \(demo\)", text)


@pytest.mark.parametrize("first_marked", ["newer", "older"])
async def test_compare_puts_the_older_session_first_whichever_is_marked_first(db_path, twins, first_marked):
    older, newer = twins
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        ids = [s.id for s in app.screen.shown]
        order = [newer, older] if first_marked == "newer" else [older, newer]
        await pilot.press(*["down"] * ids.index(order[0]), "space")
        await pilot.press(*(["up"] if ids.index(order[1]) < ids.index(order[0]) else ["down"])
                          * abs(ids.index(order[1]) - ids.index(order[0])), "space")
        assert app.screen.marked == order
        await pilot.press("c")
        assert isinstance(app.screen, CompareScreen)
        await settle(pilot)
        lines = screen_text(app).splitlines()
        # The header names each session with its id, the older one "then".
        assert f"Then: Review Three Groups 2026 (2026-12-03, session {older})" in lines[0]
        assert f"Now:  Review Three Groups 2026 (2026-12-03, session {newer})" in lines[1]
        # The first principle: the older session's gap −2.3, the newer one's −0.7.
        assert "−2.3 → −0.7" in screen_text(app)


async def test_compare_screen_marks_changed_wording_as_the_reports_do(db_path, history):
    from workshop.export.report import WORDING_LEGEND, WORDING_MARK

    with Store(db_path) as store:
        plan = store.session(history[0]).plan
        p0 = dataclasses.replace(plan.principles[0], statement="The council welcomes challenge from the VCS.")
        changed = dataclasses.replace(plan, principles=(p0,) + plan.principles[1:])
        later = store.import_ballots(changed, "", read_votes(DATA / "votes" / "demo-votes-later.csv", changed)).id
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CompareScreen(history[0], later))
        await settle(pilot)  # read in a worker
        text = screen_text(app)
        # The first row (the biggest change): the statement whole, the mark straight after it.
        assert re.search(r"1  The council welcomes challenge from the VCS\.\s+(\S.*\n\s+)?†", text)
        assert WORDING_LEGEND in " ".join(text.split()) and WORDING_MARK == "†"


async def test_trend_screen_line_uses_the_marks_of_the_values(db_path, history, tmp_path):
    # A later session that asks only two principles and has no votes on either.
    with Store(db_path) as store:
        plan = store.session(history[2]).plan
        store.start_session(dataclasses.replace(plan, date=plan.date.replace(year=2027),
                                                principles=plan.principles[:2]))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(TrendScreen("Northshire"))
        await settle(pilot)  # read in a worker
        text = screen_text(app)
        # Challenge: −2.3, −0.7, −2.3, then asked with no scores (–); the line ends – too, not "not asked".
        assert re.search(r"−2\.3\s+−0\.7\s+−2\.3\s+–\s+\S\S\S–", text)
        # Principle 3, not asked in 2027: · in both its value and its line.
        assert re.search(r"–\s+–\s+–\s+·\s+–––·", text)


async def test_history_at_80_columns_keeps_help_in_the_key_bar_and_every_key_in_help(db_path, history):
    from workshop.tui.screens.help import HelpScreen, key_label

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        assert " ?  Help " in screen_text(app).splitlines()[-1]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in HistoryScreen.BINDINGS:
            assert binding.description in text and key_label(binding) in text
