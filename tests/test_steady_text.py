"""A line redrawn in place (the Vote screen's counts, its clock, the phones joined): whatever it
says, all of it is on screen, also when it grows onto a second line and shrinks back."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from workshop.tui.widgets.steady_text import update_text

from conftest import screen_text, settle


class Lines(App):
    CSS = "#line { width: 30; height: auto; } #below { height: 1; }"

    def compose(self) -> ComposeResult:
        yield Static(id="line")
        yield Static("the line below", id="below")


def rows(app) -> list[str]:
    return [row.rstrip() for row in screen_text(app).splitlines()[:4]]


async def test_a_line_redrawn_in_place_is_always_shown_whole():
    app = Lines()
    async with app.run_test(size=(40, 8)) as pilot:
        line = app.query_one("#line", Static)
        for count in (1, 9, 10, 11):  # the same height: redrawn where it is
            update_text(line, Text(f"Ballots in: {count}"))
            await settle(pilot)
            assert rows(app)[:2] == [f"Ballots in: {count}", "the line below"]
        # Grown too wide for one line: it wraps, and what was below moves down.
        update_text(line, Text("Ballots in: Council 120   VCS 118"))
        await settle(pilot)
        assert rows(app)[:3] == ["Ballots in: Council 120   VCS", "118", "the line below"]
        update_text(line, Text("Ballots in: 12\nretrying"))  # a second line of its own
        await settle(pilot)
        assert rows(app)[:3] == ["Ballots in: 12", "retrying", "the line below"]
        update_text(line, Text("Ballots in: 13"))  # and back to one
        await settle(pilot)
        assert rows(app)[:2] == ["Ballots in: 13", "the line below"]
        line.update("something else, long enough to wrap onto a second line")
        await settle(pilot)
        update_text(line, Text("Ballots in: 14"))  # shown by other means in between: laid out again
        await settle(pilot)
        assert rows(app)[:2] == ["Ballots in: 14", "the line below"]


async def test_a_line_redrawn_in_place_after_its_width_changed_takes_only_the_height_it_needs():
    app = Lines()
    async with app.run_test(size=(40, 8)) as pilot:
        line = app.query_one("#line", Static)
        update_text(line, Text("Ballots in: Council 12   VCS 1"))  # one line at 30 columns
        await settle(pilot)
        line.styles.width = 20  # narrower (a smaller terminal): it wraps onto two
        await settle(pilot)
        assert rows(app)[:3] == ["Ballots in: Council", "12   VCS 1", "the line below"]
        update_text(line, Text("Ballots in: 15"))
        await settle(pilot)
        assert rows(app)[:2] == ["Ballots in: 15", "the line below"]
