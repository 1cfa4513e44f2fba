"""Comments at the facilitator's keyboard: how many wait, the list that approves, hides and shows on the
projector, and a comment from the floor in a cards room and a roster room, all through Pilot."""

from __future__ import annotations

from conftest import ROSTER_PLAN, SIZE, make_app, screen_text, type_text, wait_for

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.commands import workshop_commands
from workshop.tui.screens.comments import CommentsScreen
from workshop.tui.screens.floor_comment import FloorCommentScreen
from workshop.tui.screens.help import HelpScreen
from workshop.tui.screens.vote import VoteScreen

CARDS = """\
title: Comments check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 3
scale: {min: 1, max: 5, dont_know: true}
principles: {ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]}
modes: [cards]
comments: true
"""


def app_on(db_path, text: str = CARDS):
    return make_app(db_path, plan=(parse_plan(text), text))


def phone_comments(db_path, session_id: str, principle_id: str, *said: tuple[str, str]) -> None:
    """Comments as the phone server stores them: pending, through a connection of its own."""
    with Store(db_path) as other:
        for group, text in said:
            other.add_comment(session_id, principle_id, group, text)


async def test_moderation_approves_hides_and_shows_only_approved_comments_on_the_projector(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        vote = app.screen
        live = vote.live
        # Enough cards on both sides that both groups' comments may be shown.
        await pilot.press("right", "right", "3", "down", "left", "3", "enter")
        assert live.counts() == {"council": 3, "vcs": 3}
        phone_comments(db_path, live.id, live.principle.id, ("vcs", "Grants were cut without warning"),
                       ("council", "We had no money left to give"))
        vote.refresh_entry()  # as the app does once the phone server has committed them
        await wait_for(pilot, lambda: "comments wait" in screen_text(app))
        text = screen_text(app)
        assert "2 comments wait (on this principle): o to read them" in text
        assert "Grants were cut" not in text and "no money left" not in text  # counted, never shown unread

        await pilot.press("o")
        assert isinstance(app.screen, CommentsScreen)
        text = screen_text(app)
        assert "Comments: 2, 2 waiting" in text and "v reads the highlighted one" in text
        assert "Grants were cut without warning" not in text and "We had no money left to give" not in text
        # Rows: Council's first (plan order of groups). Showing a comment that waits is refused.
        await pilot.press("s")
        assert live.comments.shown_id is None
        await pilot.press("h")  # hide the council's comment
        await pilot.press("down", "a")  # approve the VCS one
        stored = {c.text: c.status for c in live.store.comments(live.id)}
        assert stored == {"We had no money left to give": "hidden", "Grants were cut without warning": "approved"}
        await pilot.press("up", "s")  # a hidden one cannot go on the projector
        assert live.comments.shown_id is None
        await pilot.press("down", "s")
        assert "ON SCREEN" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is vote
        await wait_for(pilot, lambda: "From the room · VCS" in screen_text(app))
        text = screen_text(app)
        assert "From the room · VCS" in text and "“Grants were cut without warning”" in text
        assert "no money left" not in text and "comments wait" not in text
        # Hidden afterwards: gone from the projector at once.
        await pilot.press("o", "down", "h", "escape")
        await wait_for(pilot, lambda: "Grants were cut" not in screen_text(app))
        assert live.comments.on_projector() is None


async def test_a_small_group_comment_stays_off_the_projector(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right", "2", "enter")  # two council cards: too few to show
        live = app.screen.live
        phone_comments(db_path, live.id, live.principle.id, ("council", "Only two of us here"))
        await pilot.press("o", "a", "s")
        assert live.comments.shown_id is None
        assert "too few to show" in " ".join(str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert "Only two of us here" not in screen_text(app)


async def test_a_comment_from_the_floor_in_a_cards_room(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        live = app.screen.live
        await pilot.press("f")
        assert isinstance(app.screen, FloorCommentScreen)
        await type_text(pilot, "Said at the back: nobody asked us")
        await pilot.press("enter")  # no side chosen yet: it asks, and keeps what was typed
        assert isinstance(app.screen, FloorCommentScreen) and live.store.comments(live.id) == []
        await pilot.press("down", "enter")  # the sides: VCS
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        [comment] = live.store.comments(live.id)
        assert (comment.group, comment.text, comment.status) == ("vcs", "Said at the back: nobody asked us", "approved")
        assert comment.principle_id == live.principle.id
        assert live.store.notes(live.id) == []  # a comment, not the facilitator's note
        await pilot.press("o")
        assert "Said at the back: nobody asked us" in screen_text(app) and "approved" in screen_text(app)


async def test_back_in_the_floor_comment_after_the_sides_what_was_typed_stays(db_path):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "f")
        live = app.screen.live
        await type_text(pilot, "Nobody asked us")
        await pilot.press("tab", "shift+tab")  # to the sides and back: nothing is selected to be typed over
        await type_text(pilot, " until the budget was set")
        assert app.screen.query_one("#floor-text").value == "Nobody asked us until the budget was set"
        await pilot.press("tab", "enter")  # choosing the side sends the focus back to the text
        await type_text(pilot, ".")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        [comment] = live.store.comments(live.id)
        assert (comment.group, comment.text) == ("council", "Nobody asked us until the budget was set.")


async def test_a_comment_from_the_floor_in_a_roster_room_and_an_empty_one_refused(db_path):
    text = ROSTER_PLAN + "comments: true\n"
    app = app_on(db_path, text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4")  # A. Patel votes; the roster keeps its keys
        live = app.screen.live
        await pilot.press("o", "f")
        assert isinstance(app.screen, FloorCommentScreen)
        await pilot.press("enter")
        assert "write a comment first" in " ".join(str(n.message) for n in app._notifications).lower()
        await type_text(pilot, "Council officers want earlier notice")
        await pilot.press("tab", "enter")  # the first side: Council
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CommentsScreen))
        assert [(c.group, c.status) for c in live.store.comments(live.id)] == [("council", "approved")]
        await wait_for(pilot, lambda: "Council officers want earlier notice" in screen_text(app))


async def test_comment_keys_show_in_help_and_palette_only_where_the_plan_takes_comments(db_path, demo):
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        names = {c.title for c in workshop_commands(app.screen)}
        assert {"Comments", "Comment from the floor"} <= names
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Comments" in text and "Comment from the floor" in text
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        names = {c.title for c in workshop_commands(app.screen)}
        assert "Comments" not in names and "Comment from the floor" not in names
        await pilot.press("o")
        assert isinstance(app.screen, VoteScreen)


async def test_the_list_masks_comments_that_wait_or_are_hidden_until_v_reads_the_highlighted_one(db_path):
    # The laptop's screen is mirrored to the projector: a comment the facilitator has not approved
    # never shows there unless they ask to read it, and only that one, only while it is highlighted.
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        live = app.screen.live
        phone_comments(db_path, live.id, live.principle.id, ("council", "Our budget is already gone"),
                       ("vcs", "Nobody answered our letters"))
        await pilot.press("o")
        text = screen_text(app)
        assert "Our budget is already gone" not in text and "Nobody answered our letters" not in text
        assert text.count("press v to read it") == 2 and "v reads the highlighted one" in text
        await pilot.press("v")  # the council's, highlighted
        text = screen_text(app)
        assert "Our budget is already gone" in text and "Nobody answered our letters" not in text
        await pilot.press("down")  # moving on covers it again
        text = screen_text(app)
        assert "Our budget is already gone" not in text and "Nobody answered our letters" not in text
        await pilot.press("v")
        assert "Nobody answered our letters" in screen_text(app)
        await pilot.press("v")  # pressed again: covered
        assert "Nobody answered our letters" not in screen_text(app)
        await pilot.press("a")  # approved: the room may see it, so the list shows it
        assert "Nobody answered our letters" in screen_text(app)
        await pilot.press("up", "h")  # hidden: covered, like one that waits
        text = screen_text(app)
        assert "Our budget is already gone" not in text and "(hidden: press v to read it here)" in text
        assert [c.status for c in live.store.comments(live.id)] == ["hidden", "approved"]
