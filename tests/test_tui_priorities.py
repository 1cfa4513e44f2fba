"""The priorities round on the facilitator's screens, driven by keys through Pilot: the grid of dots by
cards and by roster, the allowance, the ranking with whole statements, an action from a priority in
one step, and the gap view's dots."""

from __future__ import annotations

from conftest import SIZE, make_app, screen_text, type_text, wait_for

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.commands import workshop_commands
from workshop.tui.screens.dialogs import ConfirmScreen
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.help import HelpScreen
from workshop.tui.screens.note import NoteScreen
from workshop.tui.screens.priorities import PrioritiesScreen
from workshop.tui.screens.ranking import RankingScreen
from workshop.tui.screens.vote import VoteScreen

P1, P2 = "council-sustains-grant-programmes", "council-and-vcs-reshape-funding-arrangements"
PLAN = f"""
title: Eastbury check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 3
priorities: {{dots: 3}}
principles: {{ids: [{P1}, {P2}]}}
modes: [cards, roster]
roster:
  - {{group: council, count: 3}}
  - {{group: vcs, count: 3}}
"""
LONG = ("The VCS, the council and other public bodies talk about how to change the way they fund VCS "
        "work.")  # P2's statement: wraps in the grid and the ranking, and is never cut


def app_on(db_path, text: str = PLAN):
    return make_app(db_path, plan=(parse_plan(text), text))


def words(app) -> str:
    """The screen's text with line breaks and runs of spaces as single spaces: a wrapped statement reads whole."""
    return " ".join(screen_text(app).split())


def column(app, header: str) -> str:
    """The words of one column of a table on screen, top to bottom: a wrapped statement reads whole."""
    lines = screen_text(app).splitlines()
    at = next(i for i, line in enumerate(lines) if f" {header} " in line)
    start = lines[at].index(f" {header} ") + 1
    end = next((lines[at].index(w, start + len(header)) - 1 for w in lines[at][start + len(header):].split()[:1]),
               len(lines[at]))
    return " ".join(" ".join(line[start:end] for line in lines[at + 1:]).split())


def row(app, start: str) -> list[str]:
    """A ranking row's rank and numbers: the figures on the line where its statement starts."""
    [line] = [line for line in screen_text(app).splitlines() if start in line]
    return [w for w in line.split() if w.isdigit()]


async def to_the_round(pilot) -> None:
    """The lobby, both principles passed (nothing voted), then n after the last: the round."""
    await pilot.press("enter", "n", "n")
    assert isinstance(pilot.app.screen, PrioritiesScreen)


async def test_after_the_last_principle_the_cards_dots_are_typed_and_ranked(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_the_round(pilot)
        live = app.screen.live
        assert live.priorities_open and "Each participant places 3 dots" in screen_text(app)
        # Council: 2 dots on P1, 5 on P2; the VCS 7 on P2 (counted on the wall).
        await pilot.press("2", "enter", "5", "tab", "7", "enter")
        with Store(db_path) as check:
            assert check.wall_dots(live.id) == {(P1, "council"): 2, (P2, "council"): 5, (P2, "vcs"): 7}
        assert "Dots placed: Council 7 of 9   VCS 7 of 9" in screen_text(app)
        # Where the dots went stays masked: a dot in each cell with some, nothing in the others.
        assert "contracted services. · 2 The VCS" in words(app) and "VCS work. r Show ranking" in words(app)
        assert "fund · · VCS work." in words(app)
        await pilot.press("r")
        assert isinstance(app.screen, RankingScreen)
        text = words(app)
        assert LONG in column(app, "Principle") and "(principle 2)" in text  # whole, wrapped
        assert row(app, "The VCS, the council") == ["1", "5", "7", "12"]
        assert row(app, "The council keeps giving") == ["2", "2", "0", "2"]
        assert "…" not in screen_text(app)
    with Store(db_path) as check:
        assert check.priorities_state(live.id) == "closed" and check.status(live.id) == "finished"


async def test_the_ranking_reads_most_dots_first_and_each_groups_own(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_the_round(pilot)
        await pilot.press("4", "enter", "4", "tab", "7", "enter", "r")  # Council 4 and 4, the VCS 7 on P2
        text = column(app, "Principle")
        assert text.index(LONG) < text.index("keeps giving grants")  # 11 dots before 4
        await pilot.press("o")  # the Council's own ranking: 4 and 4, equal, so in plan order, both first
        text = column(app, "Principle")
        assert "Ranked by Council's dots" in screen_text(app)
        assert text.index("keeps giving grants") < text.index(LONG)
        assert row(app, "The council keeps giving")[0] == row(app, "The VCS, the council")[0] == "1"
        await pilot.press("o")
        assert "Ranked by VCS's dots" in screen_text(app) and "keeps giving grants" not in words(app)
        await pilot.press("o")
        assert "Ranked by all groups' dots" in screen_text(app)


async def test_a_top_priority_becomes_an_action_in_one_step(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_the_round(pilot)
        await pilot.press("down", "9", "enter", "r")  # Council: 9 on P2
        live = app.screen.live
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one("#is-action").value and app.screen.principle.id == P2
        assert "Action on principle 2" in screen_text(app) and LONG in words(app)
        await pilot.press(*"Review", "tab", *"vcs", "enter")
        await wait_for(pilot, lambda: bool(live.actions(everywhere=True)))
        [action] = live.actions(everywhere=True)
        assert (action.principle_id, action.text, action.owner) == (P2, "Review", "VCS")  # typed vcs: stored by the group's name
        await pilot.press("escape")
        assert isinstance(app.screen, RankingScreen)


async def test_a_on_a_priority_offers_its_wording_enter_takes_it_and_typing_replaces_it(db_path):
    app = app_on(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_round(pilot)
        await pilot.press("4", "down", "5", "enter", "r")  # Council: 4 on P1, 5 on P2
        live = app.screen.live
        await pilot.press("a")  # on the top priority, P2
        field = app.screen.query_one("#text")
        offered = f"Act on priority 1: {LONG}"
        assert field.value == offered and field.selected_text == offered
        assert "Act on priority 1: The VCS" in screen_text(app)  # the wording's start is what shows
        await pilot.press("enter")  # one step: the priority is an action
        await wait_for(pilot, lambda: bool(live.actions(everywhere=True)))
        [action] = live.actions(everywhere=True)
        assert (action.principle_id, action.text) == (P2, offered)
        await pilot.press("escape", "down", "a")  # the second priority: typing replaces the offer
        await type_text(pilot, "Publish the grants timetable")
        await pilot.press("tab", "shift+tab")  # back in the text: what was typed stays
        await type_text(pilot, " by March")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(live.actions(everywhere=True)) == 2)
        assert {(a.principle_id, a.text) for a in live.actions(everywhere=True)} == {
            (P2, offered), (P1, "Publish the grants timetable by March")}


async def test_a_wall_count_beyond_the_rooms_dots_asks_first(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_the_round(pilot)
        await pilot.press("1", "0", "enter")  # 10 dots from the Council's 3 people with 3 each
        assert isinstance(app.screen, ConfirmScreen)
        assert "would make 10 dots from Council, but its people in the room have 9" in app.screen.question
        await pilot.press("n")  # keep what was there
        assert app.screen.live.wall_dots() == {}
        await pilot.press("1", "0", "enter", "y")
        assert app.screen.live.wall_dots() == {(P1, "council"): 10}


async def test_roster_seats_place_their_own_dots_never_more_than_three(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_the_round(pilot)
        await pilot.press("v")
        live = app.screen.live
        assert app.screen.focused.id == "dots-roster" and "seat 1" in screen_text(app)
        await pilot.press("2", "enter", "2", "enter")  # Council seat 1: 2 on P1, then 2 on P2: one too many
        assert live.seat_dots(0) == {P1: 2}
        assert "places 3 dots, not 4; 1 dot left" in " ".join(str(n.message) for n in app._notifications)
        await pilot.press("1", "enter")
        assert live.seat_dots(0) == {P1: 2, P2: 1} and "Seats with dots: 1 of 6" in screen_text(app)
        await pilot.press("r")
        text = words(app)
        assert "too few to show" in text  # one seat's dots: fewer than min_group_size people placed them
        # Placed but hidden is not "no dots".
        assert "Too few people placed dots to show a ranking (fewer than 3 in Council)" in text
        assert "No dots yet" not in text and "got no dots" not in text


async def test_only_n_p_and_j_change_principle_and_the_round_has_its_keys(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert " x  Priorities " in screen_text(app)
        assert "Priorities" in {c.title for c in workshop_commands(app.screen)}
        await pilot.press("question_mark")
        assert ("x", "Priorities") in list(app.screen.rows())
        await pilot.press("escape", "x")
        assert isinstance(app.screen, PrioritiesScreen)
        live = app.screen.live
        assert {"Show ranking", "Cards/roster", "Room size"} <= {c.title for c in workshop_commands(app.screen)}
        await pilot.press("n", "p", "j")  # no principle moves from the round
        assert isinstance(app.screen, PrioritiesScreen) and live.position == 0
        await pilot.press("escape")
        assert isinstance(app.screen, VoteScreen) and live.priorities_open


async def test_the_gap_view_shows_the_dots_once_the_ranking_is_shown(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "g")
        assert isinstance(app.screen, GapScreen) and "Dots" not in screen_text(app)
        await pilot.press("x", "7", "r", "escape")  # the round from the gap view, 7 on P1, the ranking
        assert isinstance(app.screen, GapScreen)
        await wait_for(pilot, lambda: "7 dots: Council 7, VCS 0" in words(app))
        text = screen_text(app)
        assert " Dots " in text and "Priorities" in text and "7 dots: Council 7, VCS 0" in words(app)


async def test_without_the_round_there_is_no_priorities_key(db_path):
    app = app_on(db_path, PLAN.replace("priorities: {dots: 3}\n", ""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert " x  Priorities " not in screen_text(app)
        await pilot.press("x", "n", "n")
        assert isinstance(app.screen, GapScreen)


async def test_the_wall_dots_typed_in_one_burst_land_in_the_cells_typed(db_path):
    """Digits, Enter and Tab queued at once, as a fast typist sends them: each count in its own cell."""
    from test_tui_live_room import burst

    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_the_round(pilot)
        live = app.screen.live
        burst(app, ["2", "enter", "5", "tab", "7", "up", "1", "enter"])
        await wait_for(pilot, lambda: len(live.wall_dots()) == 4)
        with Store(db_path) as check:
            assert check.wall_dots(live.id) == {(P1, "council"): 2, (P2, "council"): 5, (P2, "vcs"): 7,
                                                (P1, "vcs"): 1}
