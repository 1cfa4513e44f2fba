"""A note or an action as typed in the room: the one rule the laptop's dialog and the remote share."""

from __future__ import annotations

import pytest

from workshop.session.capture import BAD_DUE, EMPTY, Entry, EntryError, checked_entry


@pytest.mark.parametrize("text, owner, due, action, entry", [
    ("  Grant timetable ", "", "", False, Entry("Grant timetable")),
    ("Publish it", "council", "", False, Entry("Publish it", "council", "", True)),  # an owner makes an action
    ("Publish it", "", "2027-03-31", False, Entry("Publish it", "", "2027-03-31", True)),
    ("Publish it", "", "", True, Entry("Publish it", "", "", True)),
    ("A note", "", "", False, Entry("A note", "", "", False)),
])
def test_what_is_stored(text, owner, due, action, entry):
    assert checked_entry(text, owner, due, action=action) == entry


@pytest.mark.parametrize("text, due, field, message", [
    ("   ", "", "text", EMPTY),
    ("Publish it", "31/03/2027", "due", BAD_DUE),
    ("Publish it", "20270331", "due", BAD_DUE),  # Python reads it as a date; the store keeps YYYY-MM-DD only
    ("Publish it", "2027-3-31", "due", BAD_DUE),
    ("Publish it", "2027-02-30", "due", "Due date 2027-02-30 is not a day in the calendar; check the month and the day"),
    ("Publish it", "2027-13-45", "due", "Due date 2027-13-45 is not a day in the calendar; check the month and the day"),
])
def test_what_is_refused_says_which_box_and_why(text, due, field, message):
    with pytest.raises(EntryError) as info:
        checked_entry(text, "", due)
    assert (info.value.field, str(info.value)) == (field, message)


def test_an_owner_typed_as_a_group_is_stored_by_the_groups_name(tmp_path, demo_plan):
    from workshop.session.running import LiveSession
    from workshop.store import Store

    with Store(tmp_path / "w.db") as store:
        live = LiveSession(store, store.start_session(demo_plan))
        for owner in ("council", "VCS", "vcs ", "A. Patel"):
            live.add_action("Publish it", owner=owner.strip())
        assert [a.owner for a in live.actions()] == ["Council", "VCS", "VCS", "A. Patel"]
        first = live.actions()[3]
        live.update_action(first.id, text=first.text, owner="council", due="")
        assert live.store.actions(live.id)[3].owner == "Council"
