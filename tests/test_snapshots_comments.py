"""Snapshots of the comments list at 80x24 and 120x36: look at every diff before --snapshot-update."""

from __future__ import annotations

import pytest

from test_snapshots import CARDS_PLAN, SIZES, _steady_screen, make_app, plans_dir  # noqa: F401  (fixtures)

COMMENTS_PLAN = CARDS_PLAN + "comments: true\n"
SAID = [("vcs", "The grants timetable arrived after our trustees had already set the budget, so we could not "
                "plan staff for the year."),
        ("council", "We want the VCS at the table before the budget is drafted, not after."),
        ("vcs", "Thank you for the honest answer tonight.")]


async def moderating(pilot) -> None:
    """Three cards a side on principle 1, three comments from phones, one approved and on the projector,
    one hidden, one waiting; then the list."""
    await pilot.press("enter", "right", "right", "3", "down", "left", "3", "enter")
    live = pilot.app.screen.live
    for group, text in SAID:
        live.store.add_comment(live.id, live.principle.id, group, text)
    await pilot.press("o")
    council, thanks, grants = live.comments.all()  # by group, then text
    live.comments.moderate(grants, "approved")
    live.comments.moderate(thanks, "hidden")
    live.comments.show(live.comments.all()[2])
    pilot.app.screen.show_comments()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_comments_list(snap_compare, db_path, plans_dir, size):  # noqa: F811
    assert snap_compare(make_app(db_path, plans_dir, COMMENTS_PLAN), terminal_size=size, run_before=moderating)


async def shown_on_vote(pilot) -> None:
    await moderating(pilot)
    await pilot.press("escape")


@pytest.mark.parametrize("size", SIZES)
def test_comment_on_the_projector(snap_compare, db_path, plans_dir, size):  # noqa: F811
    assert snap_compare(make_app(db_path, plans_dir, COMMENTS_PLAN), terminal_size=size, run_before=shown_on_vote)
