"""The live room through Pilot: keys never surprise, card counts are the counts typed, nothing
about scores shows before the reveal, the room size is known, three groups compare by pairs."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO, ROSTER_PLAN, SIZE, make_app, screen_text, type_text, wait_for
from test_tui_history import dialog_text

from workshop.inputs.plan import load_plan, parse_plan
from workshop.store import Store
from workshop.tui.screens.dialogs import ConfirmScreen, GroupNumbersScreen
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.note import NoteScreen
from workshop.tui.screens.vote import VoteScreen
from workshop.tui.widgets.cards_grid import CardsGrid

THREE_GROUPS = """
title: Three sides
date: 2026-12-03
locality: Riverside
groups: [council, vcs, health]
anonymous: true
min_group_size: 3
scale: {min: 1, max: 5, dont_know: true}
principles: {ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]}
modes: [cards]
"""


def cards(db_path, session_id, principle_id) -> dict:
    """What the database holds for a principle: (group, score) -> how many ballots."""
    with Store(db_path) as check:
        return check.card_counts(session_id, principle_id)


def grid_lines(app) -> list[str]:
    """The card grid's rows as the room sees them."""
    return [line for line in screen_text(app).splitlines()
            if line.strip().startswith(("Council", "VCS")) and line.strip().split()[-1].isdigit()]


async def test_arrows_never_change_the_principle(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *["right"] * 8, *["left"] * 8, "down", "up", "right", "right")
        assert "1 of 10" in screen_text(app)
        live = app.screen.live
        assert live.states()[demo[0].principles[1].id] == "pending"  # principle 2 was never opened
        await pilot.press("n")  # no ballots yet: n moves on at once
        assert "2 of 10" in screen_text(app)
        await pilot.press("p", "j", "5", "enter")
        assert "5 of 10" in screen_text(app)


async def test_n_before_the_reveal_says_so_once(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "enter", "n")
        assert "1 of 10" in screen_text(app)
        assert any("not revealed yet: r to reveal, n again to move on" in n.message.lower()
                   for n in app._notifications)
        await pilot.press("n")
        assert "2 of 10" in screen_text(app)
        assert app.screen.live.states()[demo[0].principles[0].id] == "open"  # left open, as asked


async def test_counts_are_what_was_typed_however_slowly(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        sid, first = app.screen.live.id, demo[0].principles[0].id
        await pilot.press("1")
        await pilot.pause(1.8)  # a facilitator counting the last cards
        await pilot.press("2", "enter")  # Council, score 1: 12, then down to VCS
        assert cards(db_path, sid, first) == {("council", 1): 12}
        # On the bottom row Down stores the cell even though the cursor cannot move further down.
        await pilot.press("2", "down", "3", "down", "1", "tab")
        assert cards(db_path, sid, first) == {("council", 1): 12, ("vcs", 1): 1}
        # Backspace edits the digits typed; Delete clears a cell.
        await pilot.press("4", "7", "backspace", "up")  # VCS, score 2: 4
        assert cards(db_path, sid, first)[("vcs", 2)] == 4
        await pilot.press("down", "delete")
        assert ("vcs", 2) not in cards(db_path, sid, first)
        # Escape while typing forgets the digits; the stored count stays.
        await pilot.press("left", "9", "escape", "up")
        assert cards(db_path, sid, first)[("vcs", 1)] == 1 and isinstance(app.screen, VoteScreen)
        # A count still being typed is stored before the reveal.
        await pilot.press("right", "right", "5", "r")
        assert cards(db_path, sid, first)[("council", 3)] == 5 and "REVEALED" in screen_text(app)


async def test_nothing_about_scores_shows_before_the_reveal(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right", "right", "7", "down", "4")
        council, vcs = grid_lines(app)
        # Stored and left, the cell is masked: only the group's total of 7 shows, as "ballots in" does.
        assert council.split()[1:] == ["·"] * 6 + ["7"]
        assert vcs.split()[1:] == ["·", "·", "4▏", "·", "·", "·", "0"]  # the cell being typed shows its digits
        await pilot.press("enter")
        council, vcs = grid_lines(app)
        assert vcs.split()[1:] == ["·"] * 6 + ["4"]
        assert "Ballots in: Council 7   VCS 4" in screen_text(app)


async def test_entering_a_principle_starts_on_the_first_score_and_the_first_seat_to_vote(db_path):
    plan = parse_plan(ROSTER_PLAN)
    app = make_app(db_path, plan=(plan, ROSTER_PLAN))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "down", "down", "5", "4")  # S. Okafor 5, T. Evans 4
        await pilot.press("n", "n")  # past the question about revealing
        assert "2 of 2" in screen_text(app)
        await pilot.press("3")  # the first seat that has not voted on principle 2: A. Patel
        live = app.screen.live
        names = live.store.participant_names(live.id)
        second = plan.principles[1].id
        assert {names[b.participant]: b.score for b in live.store.ballots(live.id, second)} == {"A. Patel": 3}
        await pilot.press("p")  # back on principle 1 the cursor is on the first seat still to vote
        await pilot.press("2")
        first = plan.principles[0].id
        got = {names[b.participant]: b.score for b in live.store.ballots(live.id, first)}
        assert got == {"S. Okafor": 5, "T. Evans": 4, "A. Patel": 2}


async def test_room_size_and_a_count_above_it_asks_first(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        assert "not counted yet" in screen_text(app)
        await pilot.press("c")
        assert isinstance(app.screen, GroupNumbersScreen)
        await pilot.press("1", "2", "tab", "1", "0", "enter")  # typed in one burst
        assert isinstance(app.screen, LobbyScreen) and "Council 12 · VCS 10" in screen_text(app)
        sid = app.screen.live.id
        with Store(db_path) as check:
            assert check.room_sizes(sid) == {"council": 12, "vcs": 10}
        await pilot.press("enter", "9", "enter")
        assert "Ballots in: Council 9 of 12   VCS 0 of 10" in screen_text(app)
        first = demo[0].principles[0].id
        await pilot.press("up", "right", "4", "enter")  # 9 + 4 = 13 council ballots: more than the room
        assert isinstance(app.screen, ConfirmScreen) and "13 ballots from Council, but 12" in app.screen.question
        await pilot.press("n")
        assert cards(db_path, sid, first) == {("council", 1): 9}
        await pilot.press("4", "enter", "y")
        assert cards(db_path, sid, first) == {("council", 1): 9, ("council", 2): 4}
        assert "Council 13 of 12" in screen_text(app)
        await pilot.press("c", "1", "4", "enter")  # editable any time: typing replaces the number shown
        assert "Council 13 of 14" in screen_text(app)


async def test_a_count_confirmed_after_the_principle_closed_is_refused_not_a_crash(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "2", "tab", "2", "enter", "enter")  # a room of two a side, then begin
        live = app.screen.live
        first = live.principle.id
        await pilot.press("3", "enter")  # three council cards at 1: more than the room, so it asks
        assert isinstance(app.screen, ConfirmScreen)
        live.reveal()  # meanwhile the remote reveals: the principle closes
        await pilot.press("y")
        await wait_for(pilot, lambda: "Not stored" in " ".join(str(n.message) for n in app._notifications))
        assert "is closed; reopen it to take more ballots" in " ".join(str(n.message) for n in app._notifications)
        assert cards(db_path, live.id, first) == {}
        assert app.is_running


async def test_three_groups_compare_by_pairs(db_path):
    plan = parse_plan(THREE_GROUPS)
    app = make_app(db_path, plan=(plan, THREE_GROUPS))
    async with app.run_test(size=SIZE) as pilot:
        # Council 4 cards at 5, VCS 4 at 2, Health 1 at 1: only Health is thin.
        await pilot.press("enter", *["right"] * 4, "4", "down", *["left"] * 3, "4", "down", "left", "1", "r")
        text = screen_text(app)
        assert "VCS rates this 3.0 lower than Council" in text and "blind spot" in text
        assert "thin" not in text  # Health's single card makes nothing thin: flags are about the pair
        assert "Gap between Council and VCS" in text
        await pilot.press("b")
        assert "Gap between Council and Health" in screen_text(app)
        assert "No gap: Health has too few scores to show" in screen_text(app)
        await pilot.press("g")
        assert isinstance(app.screen, GapScreen)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Principle" in line)
        assert "Council" in header and "VCS" in header and "Health" in header  # every group's mean
        assert "gap = Health − Council" in text
        await pilot.press("b", "b")
        assert "gap = VCS − Council" in screen_text(app)
        assert "−3.0" in screen_text(app) and "blind spot" in screen_text(app)


async def test_gap_view_shows_every_statement_whole(db_path, demo):
    for size in ((120, 36), (80, 24)):
        app = make_app(db_path, plan=demo)
        async with app.run_test(size=size) as pilot:
            await pilot.press("enter", "g")
            seen = ""
            for _ in demo[0].principles:
                seen += screen_text(app)
                await pilot.press("down")
            seen = " ".join(seen.split())
            for p in demo[0].principles:
                for word in p.statement.split():
                    assert word in seen, (size, word)
            assert "…" not in seen


async def test_notes_and_actions_show_and_can_be_edited_and_deleted(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "a")
        assert isinstance(app.screen, NoteScreen)
        await type_text(pilot, "Grant timetable")  # a note
        await pilot.press("enter")
        await pilot.click("#is-action")
        await pilot.click("#text")
        await type_text(pilot, "Publish the grant timetable")
        await pilot.press("enter")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "1 action · 1 note on this principle" in screen_text(app))
        await pilot.press("a", "tab", "tab", "tab")  # past the owner and the due date
        await wait_for(pilot, lambda: app.screen.query_one("#saved").has_focus)
        await pilot.press("down", "e")  # the action
        await type_text(pilot, "Publish the timetable by March")
        await pilot.press("tab")
        await type_text(pilot, "council")
        await pilot.press("tab")
        await type_text(pilot, "2027-03-31")
        await pilot.press("enter")
        live = app.screen.live
        [action] = live.store.actions(live.id)
        assert (action.text, action.owner, action.due) == ("Publish the timetable by March", "Council", "2027-03-31")
        app.screen.query_one("#saved").focus()
        await pilot.press("up", "x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert live.store.notes(live.id) == [] and len(live.store.actions(live.id)) == 1
        await pilot.press("escape")
        assert "1 action on this principle" in screen_text(app)
        await pilot.press("g")
        assert "1 action" in screen_text(app)


async def test_quitting_a_lobby_never_begun_keeps_no_session(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LobbyScreen)
        await pilot.press("ctrl+q")
    with Store(db_path) as check:
        assert check.sessions() == []


async def test_resume_keeps_the_join_code(db_path, demo):
    plan = load_plan(REPO / "sessions" / "demo.yaml")
    app = make_app(db_path, plan=plan, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        await pilot.press("enter", "2", "enter")
        code, sid = app.phone_server.join_code, app.screen.live.id
    app = make_app(db_path, session_id=sid, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        assert app.phone_server.join_code == code
        await wait_for(pilot, lambda: code in screen_text(app))


async def test_resuming_an_anonymous_roster_shows_names_only_while_the_plan_file_is_unchanged(db_path, tmp_path):
    text = ROSTER_PLAN.replace("anonymous: false", "anonymous: true")
    path = tmp_path / "roster.yaml"
    path.write_text(text, encoding="utf-8")
    app = make_app(db_path, plan=load_plan(path), plan_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4")
        sid = app.screen.live.id
    with Store(db_path) as check:
        assert "A. Patel" not in check.session(sid).plan.to_dict().__repr__()  # no name is stored
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=SIZE):
        assert "A. Patel" in screen_text(app) and "T. Evans" in screen_text(app)
    path.write_text(text.replace("T. Evans", "T. Evens"), encoding="utf-8")
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=SIZE):
        text_now = screen_text(app)
        assert "A. Patel" not in text_now and "Council seat 1" in text_now


async def test_lobby_shows_earlier_actions_beside_the_qr_code(db_path):
    plan, text = load_plan(REPO / "sessions" / "example-full.yaml")
    with Store(db_path) as store:
        old = store.start_session(dataclasses.replace(plan, date=plan.date.replace(year=plan.date.year - 1)))
        for i in range(3):
            store.add_action(old.id, f"Earlier action {i}: publish the grants timetable", owner="council")
    app = make_app(db_path, plan=(plan, text), host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None and app.phone_server.join_code in screen_text(app))
        shown = screen_text(app)
        assert "█" in shown and "Vote on your phone" in shown  # the QR code is on screen
        for i in range(3):  # and so is every earlier action, without scrolling
            assert f"Earlier action {i}: publish the grants" in shown


async def test_private_entry_masks_every_digit_typed_until_it_is_turned_off(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "m", "1", "5")
        council, _ = grid_lines(app)
        assert "15" not in council and "••▏" in council and "PRIVATE ENTRY" in screen_text(app)
        await pilot.press("enter")
        assert cards(app.screen.live.store.path, app.screen.live.id, demo[0].principles[0].id) == {("council", 1): 15}
        await pilot.press("0")  # a zero is masked like any other count
        council, vcs = grid_lines(app)
        assert council.split()[1:] == ["·"] * 6 + ["15"] and vcs.split()[1:] == ["•▏"] + ["·"] * 5 + ["0"]
        await pilot.press("m", "right", "2", "0")  # private entry off again: the digits show
        council, vcs = grid_lines(app)
        assert vcs.split()[1:] == ["·", "20▏"] + ["·"] * 4 + ["0"] and "PRIVATE ENTRY" not in screen_text(app)


async def test_escape_from_a_live_principle_asks_before_leaving_the_room(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "escape")  # the first Escape forgets the digits typed
        assert isinstance(app.screen, VoteScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen) and "Leave the live room" in app.screen.question
        await pilot.press("n")
        assert isinstance(app.screen, VoteScreen) and "1 of 10" in screen_text(app)


async def test_the_warning_before_moving_on_holds_only_for_the_ballots_it_warned_about(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "enter", "n")  # warned about 3 ballots
        await pilot.press("2", "enter", "n")  # two more came in: warned again, not moved
        assert "1 of 10" in screen_text(app)
        await pilot.press("n")
        assert "2 of 10" in screen_text(app)


async def test_the_question_about_the_room_is_shown_whole(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "2", "tab", "2", "enter", "enter", "1", "3", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "13 cards at score 1 would make 13 ballots from Council, but 2 are in the room. Store 13?" \
            in dialog_text(app)


async def test_resuming_a_phone_session_starts_phone_voting_again(db_path, demo):
    app = make_app(db_path, plan=demo, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        await pilot.press("enter", "2", "enter")
        code, sid = app.phone_server.join_code, app.screen.live.id
    app = make_app(db_path, session_id=sid, host="127.0.0.1", port=0)  # no --phones this time
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        assert app.phone_server.join_code == code


def burst(app, keys) -> None:
    """Keys delivered as a fast typist sends them: all queued at once, none waiting for the screen
    (Pilot's press waits for each key to be handled, which would hide what goes wrong)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_a_burst_straight_after_c_lands_in_the_room_dialog(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        burst(app, ["c", *"12", "tab", *"10", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen) and "Council 12 · VCS 10" in screen_text(app))
        with Store(db_path) as check:
            assert check.room_sizes(app.screen.live.id) == {"council": 12, "vcs": 10}


async def test_a_burst_straight_after_a_lands_in_the_note(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        burst(app, ["a", *"review grant conditions", "enter"])  # r, g, n, d: none acts on the vote screen
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen)
                       and app.screen.live.notes() and True)
        live = app.screen.live
        assert [n.text for n in live.notes()] == ["review grant conditions"]
        assert live.states()[demo[0].principles[0].id] == "open" and live.position == 0  # nothing revealed or moved


async def test_a_principle_only_one_side_can_judge_says_so(db_path):
    text = THREE_GROUPS.replace("groups: [council, vcs, health]", "groups: [council, vcs]").replace(
        "principles: {ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]}",
        "principles: {ids: [vcs-national-bodies-carry-local-messages, council-sustains-grant-programmes]}")
    plan = parse_plan(text)
    app = make_app(db_path, plan=(plan, text))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert "for VCS to answer" in screen_text(app)
        await pilot.press("n")
        assert "to answer" not in screen_text(app)  # both sides can judge the second


async def test_card_counts_typed_in_one_burst_land_in_the_cells_typed(db_path, demo):
    """Tab moves to the next cell only after the digits typed before it are stored there."""
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        sid, first = app.screen.live.id, demo[0].principles[0].id
        burst(app, ["1", "2", "tab", "3", "tab", "1", "enter", "4", "shift+tab", "5", "enter"])
        await wait_for(pilot, lambda: len(cards(db_path, sid, first)) == 5)
        assert cards(db_path, sid, first) == {("council", 1): 12, ("council", 2): 3, ("council", 3): 1,
                                              ("vcs", 3): 4, ("vcs", 2): 5}
