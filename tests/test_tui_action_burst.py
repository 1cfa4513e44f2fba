"""The action dialog typed in one burst: text, Tab, owner, Tab, due date, Enter, however fast.

A facilitator types an action while the room talks, straight after `a`; every key must land in its
field, and a due date that is not a date must be refused with nothing stored.
"""

from __future__ import annotations

from conftest import SIZE, make_app, screen_text, wait_for
from test_tui_live_room import burst
from textual import events

from workshop.tui.screens.note import NoteScreen

TEXT = "Review grant conditions with CVS"


async def typed_action(pilot, app, due: str):
    """The session's live record after `a` and a whole action typed in one burst on the vote screen."""
    await pilot.press("enter")
    live = app.screen.live
    # Queued all at once, before the dialog exists, let alone has the focus.
    burst(app, ["a", *TEXT, "tab", *"Council", "tab", *due, "enter"])
    return live


async def test_an_action_typed_in_one_burst_straight_after_a_keeps_its_owner_and_due_date(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        live = await typed_action(pilot, app, "2027-03-31")
        await wait_for(pilot, lambda: live.store.actions(live.id))
        [action] = live.store.actions(live.id)
        assert (action.text, action.owner, action.due) == (TEXT, "Council", "2027-03-31")
        assert live.store.notes(live.id) == [] and isinstance(app.screen, NoteScreen)
        await wait_for(pilot, lambda: f"{TEXT} (Council, due 2027-03-31)" in screen_text(app))


async def test_a_bad_due_date_typed_in_one_burst_is_refused_and_kept_to_correct(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        live = await typed_action(pilot, app, "2027-13-45")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen)
                       and app.screen.query_one("#due").value == "2027-13-45" and app.screen.query_one("#due").has_focus)
        assert [f.value for f in app.screen.query("Input")] == [TEXT, "Council", "2027-13-45"]
        assert live.store.actions(live.id) == [] and live.store.notes(live.id) == []  # nothing stored half-right
        await pilot.press(*["backspace"] * 5, *"03-31", "enter")
        [action] = live.store.actions(live.id)
        assert (action.owner, action.due) == ("Council", "2027-03-31")


async def test_keys_that_reach_the_action_dialog_before_it_has_the_focus_are_typed_in_order(db_path, demo):
    app = make_app(db_path, plan=demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        live = app.screen.live
        dialog = NoteScreen(live)
        app.push_screen(dialog)
        assert dialog.focused is None and not dialog.query("Input")
        # What the app does with a key while nothing has the focus: it hands it to the screen.
        for key in [*"Review grants", "tab", *"VCS forum", "tab", *"2027-03-31", "enter"]:
            dialog.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_for(pilot, lambda: live.store.actions(live.id))
        [action] = live.store.actions(live.id)
        assert (action.text, action.owner, action.due) == ("Review grants", "VCS forum", "2027-03-31")
