"""The remote's second set of buttons with the real app: jump to a principle, the gap view, the timer,
comments waiting for approval, a note or an action, and the perception round's cards. Each goes through
the app's own code for its key, so the projector (the app's screen) and the database follow."""

from __future__ import annotations

from contextlib import asynccontextmanager

from conftest import REPO, screen_text, wait_for
from test_remote_tui import paired

from workshop.inputs.plan import parse_plan
from workshop.session.capture import BAD_DUE, EMPTY
from workshop.tui.screens.comments import CommentsScreen
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.vote import VoteScreen
from workshop.wording import time_left_words

DEMO = (REPO / "sessions" / "demo.yaml").read_text(encoding="utf-8")


@asynccontextmanager
async def running(db_path, extra: str = ""):
    """The demo plan (with extra lines), begun on the laptop, and a paired remote: (app, pilot, http, base, remote)."""
    text = DEMO + extra
    async with paired(db_path, (parse_plan(text), text)) as (app, pilot, http, base, remote):
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        yield app, pilot, http, base, remote


async def api(http, base, remote, path: str, body: dict) -> tuple[int, dict]:
    async with http.post(base + path, json=body, headers=remote._headers()) as r:
        return r.status, await r.json()


async def test_a_jump_from_the_remote_shows_on_the_projector(db_path):
    async with running(db_path) as (app, pilot, http, base, remote):
        live = app.screen.live
        page = (await remote.get("/remote"))[1]
        # Every principle listed by number and whole statement, the one on screen chosen.
        assert f'<option value="1" selected>1. {live.principles[0].statement}</option>' in page
        assert f'<option value="10">10. {live.principles[9].statement}</option>' in page
        assert (await remote.post("/remote/act", {"action": "jump", "number": "5"}))[:2] == (303, "/remote")
        await wait_for(pilot, lambda: "5 of 10" in screen_text(app))
        assert live.position == 4 and app.store.position(live.id)[0] == 4
        assert live.principles[4].statement[:40] in screen_text(app)
        status, body = await api(http, base, remote, "/api/remote/action", {"action": "jump", "number": 2})
        assert status == 200 and body["state"]["principle"]["number"] == 2
        await wait_for(pilot, lambda: "2 of 10" in screen_text(app))
        for number, code in (("0", 409), ("two", 400), ("", 400)):
            assert (await remote.post("/remote/act", {"action": "jump", "number": number}))[0] == code, number
        status, _, page = await remote.post("/remote/act", {"action": "jump", "number": "11"})
        assert status == 409 and "There is no principle 11: the session has 10" in page
        assert live.position == 1


async def test_the_gap_view_opens_and_closes_from_the_remote(db_path):
    async with running(db_path) as (app, pilot, http, base, remote):
        live = app.screen.live
        assert 'value="gap">Open the gap view' in (await remote.get("/remote"))[1]
        assert (await remote.post("/remote/act", {"action": "gap"}))[0] == 303
        await wait_for(pilot, lambda: isinstance(app.screen, GapScreen))
        page = (await remote.get("/remote"))[1]
        assert "The projector shows the gap view" in page and 'value="gap">Close the gap view' in page
        assert 'value="next"' not in page  # under the gap view the vote screen's keys wait
        status, state = await remote.state()
        assert state["view"] == "gap"
        status, _, page = await remote.post("/remote/act", {"action": "next"})
        assert status == 409 and "finish there first" in page and isinstance(app.screen, GapScreen)
        status, body = await api(http, base, remote, "/api/remote/action", {"action": "gap"})
        assert status == 200 and body["state"]["view"] == "vote"
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        assert live.principle.statement[:40] in screen_text(app)


async def test_the_remote_shows_the_time_box_as_the_projector_counts_it(db_path):
    async with running(db_path) as (app, pilot, http, base, remote):
        live = app.screen.live
        status, state = await remote.state()
        left = live.time_left()
        assert state["time_box"] == 300 and left - 2 <= state["time_left"] <= left <= 300
        page = (await remote.get("/remote"))[1]
        assert 'class="timer" id="timer"' in page and " left</span>" in page
        assert time_left_words(live.time_left())[:3] in screen_text(app)  # the same clock on the projector
        await pilot.press("r")
        status, state = await remote.state()
        assert state["time_left"] is None and 'id="timer"' not in (await remote.get("/remote"))[1]


async def test_comments_waiting_are_read_and_moderated_on_the_remote(db_path):
    async with running(db_path, "comments: true\n") as (app, pilot, http, base, remote):
        live = app.screen.live
        first = app.store.add_comment(live.id, live.principle.id, "vcs", "We only hear about grants too late")
        second = app.store.add_comment(live.id, live.principles[3].id, "council", "Budgets are set in May")
        await pilot.press("r")
        page = (await remote.get("/remote"))[1]
        assert "Comments waiting: 2" in page and "We only hear about grants too late" in page
        assert "Budgets are set in May" in page and "on principle 4" in page
        status, state = await remote.state()
        assert {c["text"] for c in state["comments_waiting"]} == {"We only hear about grants too late",
                                                                  "Budgets are set in May"}
        # Approve one by form, hide the other as JSON: stored as a and h store them in the comments list.
        assert (await remote.post("/remote/comment", {"comment": first, "status": "approved"}))[0] == 303
        status, body = await api(http, base, remote, "/api/remote/comment", {"comment": second, "status": "hidden"})
        assert status == 200 and body["state"]["comments_waiting"] == []
        assert {c.id: c.status for c in app.store.comments(live.id)} == {first: "approved", second: "hidden"}
        assert "Comments waiting: 0" in (await remote.get("/remote"))[1]
        # The laptop's comments list shows the remote's decisions.
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, CommentsScreen))
        assert "none waiting" in screen_text(app)
        for bad, code in (({"comment": "nosuch", "status": "approved"}, 409),
                          ({"comment": first, "status": "shown"}, 400), ({"status": "hidden"}, 400)):
            assert (await api(http, base, remote, "/api/remote/comment", bad))[0] == code, bad


async def test_an_action_from_the_remote_is_stored_as_one_typed_on_the_laptop(db_path):
    async with running(db_path) as (app, pilot, http, base, remote):
        live = app.screen.live
        here = live.principle.id
        form = {"principle": here, "kind": "action", "text": "  Publish the grants calendar  ",
                "owner": " Council ", "due": "2027-03-31"}
        assert (await remote.post("/remote/capture", form))[:2] == (303, "/remote")
        # The same action typed into the laptop's dialog, for comparison.
        await pilot.press("a")
        await pilot.press(*"Publish the grants calendar", "tab", *"Council", "tab", *"2027-03-31", "enter")
        await pilot.press("escape")
        actions = app.store.actions(live.id)
        assert [(a.principle_id, a.text, a.owner, a.due, a.status) for a in actions] == \
            [(here, "Publish the grants calendar", "Council", "2027-03-31", "open")] * 2
        await wait_for(pilot, lambda: "2 actions on this principle" in screen_text(app))
        # A note, as JSON; an owner alone makes it an action, as in the dialog.
        status, body = await api(http, base, remote, "/api/remote/capture",
                                 {"principle": here, "kind": "note", "text": "Finance lead to join next time"})
        assert status == 200 and body["state"]["notes"] == ["Finance lead to join next time"]
        assert [n.text for n in app.store.notes(live.id)] == ["Finance lead to join next time"]
        # Refused with the dialog's own words, nothing stored, what was typed kept on the page.
        status, _, page = await remote.post("/remote/capture", dict(form, due="31/03/2027", text="Check the terms"))
        assert status == 400 and BAD_DUE in page and ">Check the terms</textarea>" in page
        assert 'value="31/03/2027"' in page
        status, body = await api(http, base, remote, "/api/remote/capture", dict(form, text="  "))
        assert status == 400 and body["error"] == EMPTY
        assert len(app.store.actions(live.id)) == 2
        # The laptop has moved on: refused, and nothing stored on the wrong principle.
        await pilot.press("n")
        await wait_for(pilot, lambda: live.position == 1)
        status, _, page = await remote.post("/remote/capture", dict(form, text="Too late"))
        assert status == 409 and "moved to another principle" in page and ">Too late</textarea>" in page
        assert len(app.store.actions(live.id)) == 2


async def test_the_second_raise_is_counted_on_the_remote(db_path):
    async with running(db_path, "perception: true\n") as (app, pilot, http, base, remote):
        live = app.screen.live
        here = live.principle.id
        page = (await remote.get("/remote"))[1]
        assert "Council about VCS: predictions" in page and "VCS about Council: predictions" in page
        assert 'id="p-council-2" name="c-2" value="0"' in page
        form = {"principle": here, "group": "council", "c-2": "3", "was-2": "0", "c-4": "1", "was-4": "0"}
        assert (await remote.post("/remote/predictions", form))[0] == 303
        assert live.prediction_card_counts() == {("council", 2): 3, ("council", 4): 1}
        assert live.card_counts() == {}  # predictions never count as ratings
        status, body = await api(http, base, remote, "/api/remote/predictions",
                                 {"principle": here, "group": "vcs", "score": "dk", "count": 2})
        assert status == 200 and body["state"]["predictions"] == {"council": {"2": 3, "4": 1}, "vcs": {"dk": 2}}
        await wait_for(pilot, lambda: "Predictions in: Council 4   VCS 2" in screen_text(app))
        status, _ = await api(http, base, remote, "/api/remote/predictions",
                              {"principle": here, "group": "health", "score": 2, "count": 1})
        assert status == 400
        live.set_room_sizes({"council": 4, "vcs": None})
        status, body = await api(http, base, remote, "/api/remote/predictions",
                                 {"principle": here, "group": "council", "score": 5, "count": 1})
        assert status == 409 and "would make 5 predictions from Council, but 4 are in the room" in body["error"]


async def test_a_plan_without_the_round_takes_no_predictions(db_path):
    async with running(db_path) as (app, pilot, http, base, remote):
        live = app.screen.live
        assert "predictions" not in (await remote.get("/remote"))[1]
        status, body = await api(http, base, remote, "/api/remote/predictions",
                                 {"principle": live.principle.id, "group": "council", "score": 2, "count": 1})
        assert status == 409 and "not being counted" in body["error"]
