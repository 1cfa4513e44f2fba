"""The gap view's table over a long plan: every statement whole, the keys move the cursor row by row
and page by page, Enter and a click open the principle under it, and sorting starts at the top."""

from __future__ import annotations

from conftest import make_app, screen_text
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from workshop.inputs.catalogue import default_catalogue
from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.vote import VoteScreen

PRINCIPLES = 40


def long_session(db_path) -> tuple[str, list]:
    principles = default_catalogue().principles[:PRINCIPLES]
    text = ("title: Long plan\ndate: 2026-12-03\nlocality: Benchton\ngroups: [council, vcs]\nanonymous: true\n"
            "scale: {min: 1, max: 5, dont_know: true}\n"
            f"principles: {{ids: [{', '.join(p.id for p in principles)}]}}\nmodes: [cards]\n")
    with Store(db_path) as store:
        session = store.start_session(parse_plan(text, "long.yaml"), text)
    return session.id, principles


async def test_keys_move_through_every_row_and_open_the_one_under_the_cursor(db_path):
    sid, principles = long_session(db_path)
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, GapScreen)
        table = app.screen.query_one("#gap-table")
        assert table.row_count == PRINCIPLES and table.cursor_row == 0
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("end")
        assert table.cursor_row == PRINCIPLES - 1
        assert " ".join(principles[-1].statement.split()[:4]) in " ".join(screen_text(app).split())
        await pilot.press("home", "pagedown")
        assert 3 < table.cursor_row < PRINCIPLES - 1  # a page is many rows, not the whole list
        await pilot.press("pageup")
        assert table.cursor_row == 0
        await pilot.press("down", "down", "down", "enter")
        assert isinstance(app.screen, VoteScreen)
        assert f"4 of {PRINCIPLES}" in screen_text(app)


async def test_every_statement_shows_whole_as_the_cursor_walks_down(db_path):
    sid, principles = long_session(db_path)
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        seen = ""
        for _ in principles:
            seen += screen_text(app)
            await pilot.press("down")
        seen = " ".join(seen.split())
        for p in principles:
            assert all(word in seen for word in p.statement.split()), p.id
        assert "…" not in seen


async def test_a_click_opens_a_row_and_a_new_sort_starts_at_the_top(db_path):
    sid, _ = long_session(db_path)
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("g", "down", "down")
        table = app.screen.query_one("#gap-table")
        await pilot.press("o")  # sorted by gap: the cursor goes back to the first row
        assert table.cursor_row == 0 and "biggest gap first" in screen_text(app)
        await pilot.press("o", "o")  # theme, then plan order again
        await pilot.click("#gap-table", offset=(5, 1))  # the header is one line: this is the first row
        assert isinstance(app.screen, VoteScreen) and f"1 of {PRINCIPLES}" in screen_text(app)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cdé-—\n漢字 "), max_size=120), st.integers(1, 40))
def test_a_rows_height_is_the_number_of_lines_its_cells_are_drawn_in(text, width):
    from workshop.tui.widgets.line_table import cell_height, cell_lines

    lines = cell_lines(Text(text), width)
    assert cell_height(Text(text), width) == len(lines)
    assert all(line.cell_len <= width for line in lines)  # and none is wider than its column
