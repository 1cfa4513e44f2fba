"""The perception round on the facilitator's screens, driven by keys through Pilot: the second raise of
cards, the roster's second entry per seat, the reveal's three figures and the gap view's mark."""

from __future__ import annotations

from conftest import SIZE, make_app, screen_text, wait_for

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.commands import workshop_commands
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.help import HelpScreen
from workshop.tui.screens.vote import VoteScreen

PID = "council-sustains-grant-programmes"
PLAN = f"""
title: Perception check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 3
perception: true
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{ids: [{PID}, council-is-frank-with-vcs]}}
modes: [cards, roster]
roster:
  - {{name: A. Patel, group: council}}
  - {{name: B. Khan, group: council}}
  - {{name: C. Jones, group: council}}
  - {{name: S. Okafor, group: vcs}}
  - {{name: T. Evans, group: vcs}}
  - {{name: R. Nowak, group: vcs}}
"""


def app_on(db_path, text: str = PLAN):
    return make_app(db_path, plan=(parse_plan(text), text))


async def test_cards_take_a_second_raise_per_group_and_score(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen)
        text = screen_text(app)
        assert "Second raise: how will the other side rate this?" in text and "Council about VCS" in text
        # The rating: Council three cards at 4, VCS three at 2.
        await pilot.press("right", "right", "right", "3", "down", "left", "left", "3", "enter")
        await pilot.press("w")  # the second raise
        assert "NOW" in screen_text(app) and app.screen.focused.id == "predict-cards"
        # Council expects the VCS to say 4 (three cards); the VCS expects 4 too.
        await pilot.press("right", "right", "right", "3", "down", "3", "enter")
        live = app.screen.live
        with Store(db_path) as check:
            assert sorted((b.group, b.score) for b in check.ballots(live.id)) == \
                [("council", 4)] * 3 + [("vcs", 2)] * 3
            assert check.prediction_tallies(live.id) == {(PID, "council", "vcs"): {4: 3},
                                                         (PID, "vcs", "council"): {4: 3}}
        text = screen_text(app)
        assert "Ballots in: Council 3 of 3   VCS 3 of 3" in text and "Predictions in: Council 3   VCS 3" in text
        assert "mean" not in text and "expected" not in text  # nothing shows before the reveal
        await pilot.press("w")  # back to the rating grid
        assert app.screen.focused.id == "cards"
        await pilot.press("r")
        text = screen_text(app)
        assert "Council about VCS" in text and "4.0 (n 3)" in text and "MISREAD" in text
        assert "Council expected VCS to rate this 4.0; VCS rated it 2.0." in text
        assert "VCS expected Council to rate this 4.0; Council rated it 4.0." in text
        assert "Flags: blind spot, misread" in text
        await pilot.press("g")
        assert isinstance(app.screen, GapScreen)
        text = screen_text(app)
        assert "misread" in text and "Misread" in text
        await pilot.press("f", "f", "f", "f", "f", "f")  # the filter reaches misread after the usual flags
        assert "showing misread" in screen_text(app) and "keeps giving grants" in screen_text(app)


async def test_a_second_raise_larger_than_the_room_asks_first(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "w", "7", "enter")
        await wait_for(pilot, lambda: "would make 7 predictions from" in screen_text(app))
        await pilot.press("escape")
        assert app.screen.live.prediction_counts()["council"] == 0


async def test_roster_seats_rate_then_predict(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "v")
        text = screen_text(app)
        assert "Predicted" in text and "A. Patel: their own rating, then how VCS will rate this" in text
        await pilot.press("4")  # A. Patel's rating: the same seat is asked its second question
        assert "A. Patel: how will VCS rate this?" in screen_text(app)
        await pilot.press("2")  # A. Patel's prediction; on to B. Khan
        await wait_for(pilot, lambda: "B. Khan: their own rating" in screen_text(app))
        await pilot.press("5", "d")  # B. Khan rates 5 and doesn't know what the VCS will say
        await pilot.press("1", "5")  # C. Jones
        await pilot.press("2", "4")  # S. Okafor
        text = screen_text(app)
        assert text.count("✓ predicted") == 4 and text.count("✓ voted") == 4
        assert "Predictions in: Council 3   VCS 1" in text
        live = app.screen.live
        store = live.store
        assert sorted(b.score for b in store.ballots(live.id) if b.group == "council") == [1, 4, 5]
        assert sorted((p.group, p.about, p.score or 0) for p in store.predictions(live.id)) == [
            ("council", "vcs", 0), ("council", "vcs", 2), ("council", "vcs", 5), ("vcs", "council", 4)]
        # Anonymous: every row its own id, none shared by a seat's rating and its prediction.
        ids = [b.participant for b in store.ballots(live.id)] + [p.participant for p in store.predictions(live.id)]
        assert len(ids) == len(set(ids)) == 8 and store.participants(live.id) == []
        # w switches the selected seat's question by hand: T. Evans predicts before rating.
        await pilot.press("w", "3")
        assert {(p.group, p.score) for p in store.predictions(live.id)} >= {("vcs", 3)}
        await pilot.press("r")
        text = screen_text(app)
        assert "Council expected VCS to rate this 3.5" not in text  # 2 and 5: two of three are shown nowhere
        assert "Council's predictions of VCS: too few to show." in text
        assert "VCS's predictions of Council: too few to show." in text


async def test_the_keys_say_so_in_the_footer_the_help_and_the_palette(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert " w  Other side " in screen_text(app)
        assert "Other side" in {c.title for c in workshop_commands(app.screen)}
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("w", "Other side") in list(app.screen.rows())
        await pilot.press("escape", "r")
        assert " w  Other side " not in screen_text(app)  # revealed: nothing more to enter


async def test_without_the_round_there_is_no_second_question(db_path):
    app = app_on(db_path, PLAN.replace("perception: true\n", ""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        text = screen_text(app)
        assert "Second raise" not in text and "Other side" not in text and "about VCS" not in text
        await pilot.press("v")
        assert "Predicted" not in screen_text(app)
        await pilot.press("w")  # no such key here: nothing happens
        assert app.screen.question == "rating"


async def test_with_comments_too_each_round_keeps_its_own_key(db_path):
    app = app_on(db_path, PLAN + "comments: true\n")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        commands = {c.title for c in workshop_commands(app.screen)}
        assert {"Other side", "Comments"} <= commands
        await pilot.press("w")
        assert app.screen.question == "prediction" and app.screen.focused.id == "predict-cards"
