"""The facilitator's screens driven by keys through Pilot, checked on screen and in the database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from conftest import REPO, ROSTER_PLAN, SIZE, make_app, screen_text, settle, type_text, wait_for

from workshop.inputs.plan import load_plan, parse_plan
from workshop.store import Store
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.help import HelpScreen
from workshop.tui.screens.dialogs import ConfirmScreen
from workshop.tui.screens.home import HomeScreen
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.note import NoteScreen
from workshop.tui.screens.vote import VoteScreen


async def test_cards_session_lobby_to_gap_view(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LobbyScreen)
        assert "Press Enter to begin" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen)
        text = screen_text(app)
        assert "1 of 10" in text and "accepts the right of the VCS to challenge" in text
        # Council: three cards at 4 and one at 5. VCS: two at 1, two at 2 (typed 2 then +1 then -1).
        await pilot.press("right", "right", "right", "3", "right", "1")
        await pilot.press("down", "left", "left", "left", "left", "2", "right", "2", "plus", "minus")
        await pilot.press("right", "right", "right", "right", "1", "enter")  # VCS: one don't know
        session_id = app.screen.live.id
        with Store(db_path) as check:
            ballots = check.ballots(session_id, demo[0].principles[0].id)
        assert sorted((b.group, b.score or 0) for b in ballots) == [
            ("council", 4), ("council", 4), ("council", 4), ("council", 5),
            ("vcs", 0), ("vcs", 1), ("vcs", 1), ("vcs", 2), ("vcs", 2)]
        text = screen_text(app)
        assert "Ballots in: Council 4   VCS 5" in text
        assert "mean" not in text and "lower than" not in text  # nothing revealed before r
        await pilot.press("r")
        await wait_for(pilot, lambda: "mean 4.3" in screen_text(app))  # the results panel mounts after the first frame
        text = screen_text(app)
        assert "mean 4.3 · n 4 · 0 don't know" in text  # 4.25 rounds half away from zero
        assert "mean 1.5 · n 4 · 1 don't know" in text
        assert "VCS rates this 2.8 lower than Council" in text and "blind spot" in text  # 4.3 − 1.5, as shown
        assert "REVEALED" in text
        await pilot.press("n")
        assert "2 of 10" in screen_text(app)
        await pilot.press("j")
        await pilot.press("1", "0", "enter")
        assert "10 of 10" in screen_text(app)
        await pilot.press("n")  # past the last principle: the gap view
        assert isinstance(app.screen, GapScreen)
        text = screen_text(app)
        assert "Gap view" in text and "Blind spots" in text and "−2.8" in text  # a real minus sign
        await pilot.press("o")
        assert "biggest gap first" in screen_text(app)
        await pilot.press("enter")  # opens the first row: principle 1, revealed
        assert isinstance(app.screen, VoteScreen) and "1 of 10" in screen_text(app)
    with Store(db_path) as check:
        session = check.session(session_id)
        assert session.status == "finished" and session.position == 0
        assert check.principle_states(session_id)[demo[0].principles[0].id] == "closed"


async def test_reopen_takes_more_ballots(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right", "2", "r")
        assert "REVEALED" in screen_text(app)
        await pilot.press("u")
        assert "VOTING OPEN" in screen_text(app)
        await pilot.press("3", "enter")  # a count is stored when the cursor leaves its cell
        live = app.screen.live
        assert live.counts()["council"] == 3 and live.state() == "open"


async def test_roster_voting_named_session(db_path):
    plan = parse_plan(ROSTER_PLAN)
    app = make_app(db_path, plan=(plan, ROSTER_PLAN))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert "A. Patel" in screen_text(app) and "T. Evans" in screen_text(app)
        await pilot.press("4")            # A. Patel
        await pilot.press("5")            # B. Khan (the selection moved on)
        await pilot.press("m", "2")       # S. Okafor, in private
        await pilot.press("d")            # T. Evans: don't know
        text = screen_text(app)
        assert text.count("✓ voted") == 4
        assert "Ballots in: Council 2 of 2   VCS 2 of 2" in text  # the roster says who is in the room
        live = app.screen.live
        names = live.store.participant_names(live.id)
        got = {names[b.participant]: b.score for b in live.store.ballots(live.id)}
        assert got == {"A. Patel": 4, "B. Khan": 5, "S. Okafor": 2, "T. Evans": None}
        # Re-voting replaces: select A. Patel again and change to 3.
        await pilot.press("up", "up", "up", "up", "3")
        got = {names[b.participant]: b.score for b in live.store.ballots(live.id)}
        assert got["A. Patel"] == 3 and len(got) == 4


async def test_roster_voting_in_an_anonymous_session_links_no_ballot_to_a_seat(db_path):
    text = ROSTER_PLAN.replace("anonymous: false", "anonymous: true\nmin_group_size: 1")
    plan = parse_plan(text)
    app = make_app(db_path, plan=(plan, text))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "5", "2", "d")
        assert screen_text(app).count("✓ voted") == 4 and "A. Patel" in screen_text(app)  # on screen only
        assert ": 4" not in screen_text(app)  # the confirmation never shows the score
        await pilot.press("n", "n", "3")  # n twice: the first says principle 1 is not revealed yet
        live = app.screen.live
        ids = [b.participant for b in live.store.ballots(live.id)]
        assert len(ids) == len(set(ids)) == 5  # every ballot its own id, even the same seat's
        assert live.store.participants(live.id) == []
        assert [s.name for s in live.store.session(live.id).plan.roster] == [None] * 4


async def test_resume_after_teardown_mid_principle(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "n")           # principle 3
        await pilot.press("right", "4")                 # four council cards at 1
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        await type_text(pilot, "Budget consultation came too late")
        await pilot.press("enter", "escape")
        session_id = app.screen.live.id
    # The app is gone, as after a crash; run it again on the session.
    app = make_app(db_path, session_id=session_id)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, VoteScreen)
        text = screen_text(app)
        assert "3 of 10" in text and "Ballots in: Council 4   VCS 0" in text
        assert "VOTING OPEN" in text
        await pilot.press("a")
        assert "Budget consultation came too late" in screen_text(app)


async def test_note_and_action_are_stored_at_once(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "a")
        await type_text(pilot, "Council to publish grant timetable")
        await pilot.click("#is-action")
        await pilot.click("#owner")
        await type_text(pilot, "council")
        await pilot.click("#due")
        await type_text(pilot, "2027-03-31")
        await pilot.press("enter")
        live = app.screen.live
        [action] = live.store.actions(live.id)
        assert (action.text, action.owner, action.due, action.principle_id) == (
            "Council to publish grant timetable", "Council", "2027-03-31", demo[0].principles[0].id)
        assert "Council to publish grant timetable (Council, due 2027-03-31)" in screen_text(app)


async def test_home_lists_plans_and_sessions_and_starts_a_plan(db_path, demo):
    with Store(db_path) as store:
        old = store.start_session(dataclasses.replace(demo[0], title="Last year's check"))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await wait_for(pilot, lambda: "example-full.yaml" in screen_text(app))  # plans are read off the keys' path
        text = screen_text(app)
        assert "demo.yaml" in text and "example-full.yaml" in text and "Last year's check" in text
        # An unfinished session is waiting: the sessions table has the focus, Enter resumes it.
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen) and app.screen.live.id == old.id
        await pilot.press("escape")  # a live principle, resumed from Home: asked, as when begun from a plan
        assert isinstance(app.screen, ConfirmScreen) and "Leave the live room" in app.screen.question
        await pilot.press("y")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # one Escape too many never quits in front of the room
        assert isinstance(app.screen, ConfirmScreen) and app.screen.question == "Quit workshop? Everything is saved."
        await pilot.press("n")
        assert isinstance(app.screen, HomeScreen) and app.is_running
        await pilot.press("tab")
        rows = app.screen.plans
        await pilot.press(*["down"] * [p.name for p in rows].index("demo.yaml"), "enter")
        assert isinstance(app.screen, LobbyScreen)
        await pilot.press("escape")  # opened by mistake: no empty session is kept
        assert isinstance(app.screen, HomeScreen)
    with Store(db_path) as check:
        assert [s.id for s in check.sessions()] == [old.id]


async def test_gap_view_hides_what_is_not_revealed(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right", "right", "right", "5", "down", "left", "left", "left", "4")
        await pilot.press("g")  # principle 1 is still open: its numbers must not show
        text = screen_text(app)
        assert "not revealed yet" in text and "5.0" not in text and "−3.0" not in text
        await pilot.press("escape", "r", "g")
        assert "−3.0" in screen_text(app)


async def test_carrying_on_after_the_end_resumes_where_the_facilitator_was(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "j", "1", "0", "enter", "n")  # past the last: gap view, finished
        assert isinstance(app.screen, GapScreen)
        await pilot.press("escape", "j", "4", "enter", "right", "2", "enter")  # back to principle 4, voting again
        sid = app.screen.live.id
    with Store(db_path) as check:
        session = check.session(sid)
        assert session.status == "open" and session.position == 3
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, VoteScreen) and "4 of 10" in screen_text(app)


async def test_help_theme_and_source(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "s")
        await wait_for(pilot, lambda: "— They must find common cause and not fall out" in screen_text(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await wait_for(pilot, lambda: "Command palette" in screen_text(app))
        text = screen_text(app)
        assert "Reveal" in text and "Gap view" in text and "Command palette" in text
        await pilot.press("escape")
        assert app.theme == "projector"
        await pilot.press("t")
        assert app.theme == "projector-dark"
    app = make_app(db_path)
    async with app.run_test(size=SIZE):
        assert app.theme == "projector-dark"  # remembered


async def test_every_vote_key_is_in_the_command_palette(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Next", "Prev", "Reveal", "Note", "Gap view", "Source", "Jump to number", "Export", "Help", "Theme"} <= titles
        assert "Reopen" not in titles  # only once revealed
        assert {"Room size", "Clear cell", "+1 card"} <= titles
        assert not {"Copy selected text", "Cursor up", "Page down"} & titles  # the workshop's own commands only


async def test_simulation_fills_the_open_principle(db_path, demo):
    app = make_app(db_path, plan=demo, simulate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        live = app.screen.live
        await wait_for(pilot, lambda: sum(live.counts().values()) >= 6, tries=100)
        assert "mean" not in screen_text(app)


async def test_usable_at_80_by_24(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "right", "3", "down", "2", "r")
        text = screen_text(app)
        assert "VCS rates this" in text or "No gap" in text
        assert "Reveal" not in text.splitlines()[-1] and "Next" in text.splitlines()[-1]


async def test_three_groups_reveal_fits_80_by_24(db_path):
    plan = load_plan(REPO / "sessions" / "example-full.yaml")
    app = make_app(db_path, plan=plan, host="127.0.0.1", port=0)  # the plan has phones: a free port
    async with app.run_test(size=(80, 24)) as pilot:
        # The roster seats two councillors and two health partners: 5 and 3 cards ask first (y stores).
        await pilot.press("enter", "right", "5", "down", "y", "down", "4", "down", "3", "enter", "y", "r")
        text = screen_text(app)
        assert "Health partners" in text and "rate this the same" in text  # the gap line is not pushed off
        bar_lines = [line for line in text.splitlines() if "█" in line]
        assert bar_lines and all(line.count("│") >= 4 for line in bar_lines)  # no bar wrapped out of its box


async def test_escape_on_home_quits_only_when_the_facilitator_says_so(db_path):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")
        assert "Quit workshop? Everything is saved." in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running)


async def test_back_on_home_the_session_just_left_is_under_the_cursor(db_path, demo):
    """Enter on Home after leaving a session goes back into it, not into the newest or a new one."""
    with Store(db_path) as store:
        older = store.start_session(dataclasses.replace(demo[0], title="Spring check", date=dt.date(2026, 3, 1)))
        store.start_session(dataclasses.replace(demo[0], title="Autumn check", date=dt.date(2026, 10, 1)))
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Spring check" in screen_text(app))
        assert app.screen.session_ids.index(older.id) == 1  # the newest first
        await pilot.press("down", "enter")
        assert isinstance(app.screen, VoteScreen) and app.screen.live.id == older.id
        await pilot.press("escape", "y")
        assert isinstance(app.screen, HomeScreen)
        await settle(pilot)
        sessions = app.screen.query_one("#sessions")
        assert app.screen.focused is sessions and app.screen.session_ids[sessions.cursor_row] == older.id
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen) and app.screen.live.id == older.id
