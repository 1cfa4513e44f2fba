"""Another workshop command holding the write lock never stops the room: what is typed is kept,
shown as waiting, retried off the keys' path, and counted on screen only once committed."""

from __future__ import annotations

import sqlite3

from conftest import ROSTER_PLAN, SIZE, make_app, screen_text, wait_for

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.screens.vote import VoteScreen


async def voting(pilot, app) -> None:
    """Enter on Home, then wait until the vote screen has stored its opening move: the lock is
    taken after that, so what waits is only what the test typed (a loaded machine can be slow)."""
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen) and "VOTING OPEN" in screen_text(app))


def committed(db_path, session_id, principle_id) -> dict:
    with Store(db_path) as check:
        return check.card_counts(session_id, principle_id)


async def test_cards_typed_while_another_command_writes_are_kept_and_stored_after(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await voting(pilot, app)
        sid, first = app.screen.live.id, demo[0].principles[0].id
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another workshop command, say a long import, holds the lock
        await pilot.press("3", "enter", "4", "enter")  # Council 3 at score 1, VCS 4 at score 1
        assert isinstance(app.screen, VoteScreen)  # the app is still there
        await wait_for(pilot, lambda: "2 ballots waiting: another workshop command is writing" in screen_text(app))
        assert "Ballots in: Council 0   VCS 0" in screen_text(app)  # nothing counted before it is stored
        assert committed(db_path, sid, first) == {}
        await pilot.press("2", "enter")  # Council 2 at score 2 (Enter on the last group went on to score 2)
        await wait_for(pilot, lambda: "3 ballots waiting" in screen_text(app))
        other.execute("ROLLBACK")
        other.close()
        await wait_for(pilot, lambda: "Ballots in: Council 5   VCS 4" in screen_text(app), tries=100)
        assert "waiting" not in screen_text(app)
        assert committed(db_path, sid, first) == {("council", 1): 3, ("vcs", 1): 4, ("council", 2): 2}


async def test_a_reveal_while_another_command_writes_waits_then_reveals(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await voting(pilot, app)
        await pilot.press("3", "enter")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("r")
        await wait_for(pilot, lambda: "1 other change waiting" in screen_text(app))
        assert "REVEALED" not in screen_text(app)  # the screen follows what is stored
        other.execute("ROLLBACK")
        other.close()
        await wait_for(pilot, lambda: "REVEALED" in screen_text(app), tries=100)


async def test_a_roster_vote_while_another_command_writes_is_ticked_only_once_stored(db_path):
    plan = parse_plan(ROSTER_PLAN)
    app = make_app(db_path, plan=(plan, ROSTER_PLAN))
    async with app.run_test(size=SIZE) as pilot:
        await voting(pilot, app)
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("4")  # A. Patel
        await wait_for(pilot, lambda: "1 ballot waiting" in screen_text(app))
        assert "✓ voted" not in screen_text(app)
        other.execute("ROLLBACK")
        other.close()
        await wait_for(pilot, lambda: screen_text(app).count("✓ voted") == 1, tries=100)
        live = app.screen.live
        names = live.store.participant_names(live.id)
        assert {names[b.participant]: b.score for b in live.store.ballots(live.id)} == {"A. Patel": 4}
