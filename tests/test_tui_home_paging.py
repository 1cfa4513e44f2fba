"""Home and History over years of history: Home lists the newest sessions and every unfinished one,
and how many more History holds; History lists every one, the rows below the first screenful built
while the first frame is already up, and a filter typed meanwhile still finds every match."""

from __future__ import annotations

from conftest import make_app, screen_text, settle, wait_for

from workshop.inputs.plan import parse_plan
from workshop.store import Store
from workshop.tui.screens import history, home
from workshop.tui.screens.history import HistoryScreen

PLAN = """title: {title}
date: {date}
locality: Westbury
groups: [council, vcs]
anonymous: true
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{ids: [council-sustains-grant-programmes]}}
modes: [cards]
"""


def many_sessions(db_path, count: int, open_titles: set[str]) -> list[str]:
    """count sessions a day apart, newest last; all finished but those titled in open_titles."""
    ids = []
    with Store(db_path) as store:
        for n in range(count):
            title = f"Check {n:03d}"
            text = PLAN.format(title=title, date="2020-01-01" if n == 0 else f"2021-{1 + n // 28:02d}-{1 + n % 28:02d}")
            session = store.start_session(parse_plan(text, "p.yaml"), text)
            if title not in open_titles:
                store.finish_session(session.id)
            ids.append(session.id)
    return ids


def test_home_sessions_are_the_newest_and_every_unfinished_one(db_path):
    ids = many_sessions(db_path, 12, {"Check 000"})  # the oldest is still open
    with Store(db_path, readonly=True) as store:
        listed = store.home_sessions(5)
        assert [s.title for s in listed] == ["Check 011", "Check 010", "Check 009", "Check 008", "Check 007",
                                             "Check 000"]
        assert [s.id for s in listed] == [s.id for s in store.sessions(ids=[s.id for s in listed])]
        assert len(store.home_sessions(50)) == len(ids) == store.count_sessions()


async def test_home_lists_a_page_and_says_history_has_the_rest(db_path, monkeypatch):
    monkeypatch.setattr(home, "NEWEST", 4)
    many_sessions(db_path, 9, {"Check 001"})
    app = make_app(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "4 older sessions in History (h)" in screen_text(app))
        await settle(pilot)
        text = screen_text(app)
        assert all(f"Check {n:03d}" in text for n in (8, 7, 6, 5, 1))  # the newest four, and the open one
        assert "Check 004" not in text and "Check 000" not in text
        assert "4 older sessions in History (h)" in text
        await pilot.press("h")
        await settle(pilot)
        await wait_for(pilot, lambda: "9 of 9 sessions" in screen_text(app))
        assert "9 of 9 sessions" in screen_text(app) and "Check 000" in screen_text(app)


async def test_home_with_few_sessions_says_nothing_more(db_path):
    many_sessions(db_path, 2, set())
    app = make_app(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "Check 001" in screen_text(app))
        assert "Check 000" in screen_text(app) and "in History (h)" not in screen_text(app)


async def test_history_lists_every_session_though_rows_are_built_a_slice_at_a_time(db_path, monkeypatch):
    monkeypatch.setattr(history, "SLICE", 3)
    many_sessions(db_path, 11, set())
    app = make_app(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        await wait_for(pilot, lambda: app.screen.query_one("#history").row_count == 11)
        await pilot.press("end")
        assert "Check 000" in screen_text(app) and app.screen.selected.title == "Check 000"
        await pilot.press("slash", *"Check 00")  # the ten of 000 to 009, newest first
        await wait_for(pilot, lambda: app.screen.query_one("#history").row_count == 10)
        assert "10 of 11 sessions" in screen_text(app)
        await pilot.press("enter")
        assert app.screen.live.session.title == "Check 000"  # the cursor stayed on the last row


async def test_history_shows_the_newest_page_first_and_keeps_the_cursor_when_the_rest_arrives(db_path, monkeypatch):
    monkeypatch.setattr(history, "FIRST_PAGE", 4)
    many_sessions(db_path, 9, set())
    with Store(db_path) as store:  # the oldest of all has three groups: a wider groups column
        text = PLAN.format(title="Three sides", date="2019-06-01").replace("[council, vcs]", "[council, vcs, nhs]")
        store.finish_session(store.start_session(parse_plan(text, "p.yaml"), text).id)
    app = make_app(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("h")
        await wait_for(pilot, lambda: app.screen.query_one("#history").row_count >= 4)
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: "10 of 10 sessions" in screen_text(app))
        assert app.screen.query_one("#history").row_count == 10
        assert app.screen.selected.title == "Check 006"  # the third newest, as the cursor was put
        await pilot.press("end")
        assert app.screen.selected.title == "Three sides" and "nhs" in screen_text(app)
