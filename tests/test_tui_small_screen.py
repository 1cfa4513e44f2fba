"""The deliberation rounds' screens on a small terminal (80x24) and a projector (120x36): nothing cut.

A word cut at a table's edge or a dialog's border reads as something else, and a QR code cut short
cannot be scanned; each test reads what the screen shows, inside the widget a person looks at.
"""

from __future__ import annotations

import pytest
from conftest import make_app, screen_text, wait_for

from workshop.inputs.plan import parse_plan
from workshop.tui.screens.floor_comment import FloorCommentScreen
from workshop.tui.screens.priorities import PrioritiesScreen
from workshop.tui.screens.qr import QRScreen
from workshop.tui.screens.vote import VoteScreen
from workshop.tui.widgets.join_panel import qr_text

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
VCS = "Voluntary and community sector"
PLAN = f"""
title: Harbourside check
date: 2026-12-03
groups: [council, {{id: vcs, name: {VCS}}}]
anonymous: true
min_group_size: 3
perception: true
comments: true
priorities: {{dots: 3}}
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{themes: [funding-and-grants]}}
modes: [cards, roster]
roster:
  - {{name: A. Patel, group: council}}
  - {{group: council, count: 2}}
  - {{group: vcs, count: 4}}
"""


def app_on(db_path, text: str = PLAN, **kwargs):
    return make_app(db_path, plan=(parse_plan(text), text), **kwargs)


def shown_region(app, widget):
    """The part of a widget's content that is on screen: inside its scrolling parents."""
    where = app.screen.find_widget(widget)
    return widget.scrollable_content_region.intersection(where.clip)


def inside(app, widget) -> str:
    """The words shown inside a widget's content area, lines joined: what a reader of it sees."""
    region = shown_region(app, widget)
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    return " ".join(" ".join(line[region.x:region.right] for line in lines).split())


def left_of(app, widget, heading: str) -> str:
    """The words of a table's first column, from the headings down to the table's end: what the lines
    show left of heading (a table's lines start with its cells' padding; the text after it does not)."""
    region = shown_region(app, widget)
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    top = next((i for i, line in enumerate(lines) if f" {heading} " in line[region.x:region.right]), None)
    if top is None:
        return ""
    end = lines[top].index(f" {heading} ", region.x) + 1
    rows = []
    for line in lines[top:]:
        if not line[region.x:end].startswith(" "):
            break
        rows.append(line[region.x:end])
    return " ".join(" ".join(rows).split())


def lines_of(app) -> list[str]:
    return screen_text(app).splitlines()


@pytest.mark.parametrize("size", SIZES)
async def test_the_perception_reveal_shows_every_figure_and_the_misread_mark_whole(db_path, size):
    app = app_on(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.press("right", "right", "right", "3", "down", "left", "left", "3", "enter")  # Council 4s, VCS 2s
        await pilot.press("w", "right", "right", "right", "3", "down", "3", "enter")  # both expect 4 of the other
        await pilot.press("r")
        panel = app.screen.query_one("#perceptions")
        await wait_for(pilot, lambda: panel.display and panel.size.height > 0)
        await pilot.pause()  # laid out: at 80x24 long names make the reveal scroll, the table whole below
        panel.scroll_visible(animate=False)
        names = f"Council about {VCS} {VCS} about Council"
        await wait_for(pilot, lambda: "MISREAD" in inside(app, panel) and left_of(app, panel, "Own") == names)
        shown = inside(app, panel)
        for said in ("Own", "Expected", "Actual", "Off by", "4.0 (n 3)", "+2.0", "MISREAD"):
            assert said in shown
        assert "…" not in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_second_raise_and_the_roster_show_long_group_names_whole(db_path, size):
    app = app_on(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter", "w", "down")  # the second raise, on its last row
        grid = app.screen.query_one("#predict-cards")
        # The cursor's move brings the whole grid on screen, once the screen has scrolled.
        await wait_for(pilot, lambda: left_of(app, grid, "1") == f"Group Council about {VCS} {VCS} about Council")
        await pilot.press("v")  # the roster's second entry: every column on screen, beside the names
        roster = app.screen.query_one("#roster")
        await wait_for(pilot, lambda: roster.display)
        await pilot.press(*["down"] * 6)  # to the last seat
        await wait_for(pilot, lambda: f"{VCS} seat 4" in left_of(app, roster, "Group"))
        assert "Predicted" in inside(app, roster)
        assert roster.virtual_size.width <= roster.content_region.width  # nothing off the right edge
        assert "…" not in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_floor_comment_dialog_shows_its_help_whole(db_path, size):
    app = app_on(db_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter", "f")
        assert isinstance(app.screen, FloorCommentScreen)
        shown = inside(app, app.screen.query_one("#floor-dialog"))
        assert "Only the side is kept with it, never a name. It is approved as you save it." in shown
        assert "Tab: the sides (arrows, Enter) Enter in the text: save Escape: cancel" in shown


async def test_every_seat_and_principle_of_the_dots_grid_is_reachable_at_80x24(db_path):
    app = app_on(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, PrioritiesScreen))
        await pilot.press("v")
        grid = app.screen.query_one("#dots-roster")
        last = app.screen.live.principles[-1]
        await pilot.press(*["right"] * 6, *["down"] * (len(app.screen.live.principles) - 1), "2")
        # The last seat's column on the last principle: its name whole in the heading, the count being
        # typed on screen beside the statement, and the statement whole.
        await wait_for(pilot, lambda: "2▏" in inside(app, grid))
        shown = inside(app, grid)
        assert f"{VCS} seat 4: 3 dots left" in " ".join(screen_text(app).split())
        heads = lines_of(app)[grid.content_region.y:][:grid.header_height]
        assert "seat 4" in heads[-1] and "Voluntary" in heads[0]  # the whole name, down the heading
        assert "2▏" in shown
        lines = lines_of(app)[:shown_region(app, grid).bottom]
        first = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{len(app.screen.live.principles)} "))
        start = lines[first].index(last.statement.split()[0])
        width = grid.ordered_columns[1].width
        assert " ".join(" ".join(line[start:start + width] for line in lines[first:]).split()) == last.statement
        await pilot.press("enter")
        assert app.screen.live.seat_dots(6) == {last.id: 2}


def qr_lines(app) -> list[str]:
    """The QR code's rows as drawn, its white quiet zone aside."""
    return [line for line in qr_text(app.join_details()[2]).plain.splitlines() if line.strip()]


async def test_the_lobby_shows_the_qr_code_whole_or_the_address_and_q_for_it(db_path):
    app = app_on(db_path, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None and app.join_details() is not None)
        await pilot.pause()
        url, code = app.join_details()[:2]
        shown = " ".join(screen_text(app).split())
        # No room for the whole code: none of it is drawn, the address and the code are, and q for the code.
        assert not any(row in line for row in qr_lines(app) for line in lines_of(app))
        assert f"Open {url} and type the code" in shown and code in shown
        assert "press q to show it on its own" in shown
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, QRScreen))
        await pilot.pause()
        drawn = lines_of(app)
        assert all(any(row in line for line in drawn) for row in qr_lines(app))
        await pilot.press("escape")
        await pilot.resize_terminal(120, 36)
        await wait_for(pilot, lambda: all(any(row in line for line in lines_of(app)) for row in qr_lines(app)))
        assert url in screen_text(app) and "press q" not in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen)
