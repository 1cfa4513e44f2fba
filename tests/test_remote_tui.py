"""The remote drives the real app: the laptop asks before pairing, the remote's presses run the keys,
and the projector (the app's screen) follows; unpairing on the laptop ends the remote."""

from __future__ import annotations

from contextlib import asynccontextmanager

import aiohttp
from conftest import make_app, screen_text, wait_for
from test_remote_api import Device

from workshop.tui.screens import remotes as remotes_screen
from workshop.tui.screens.remotes import PairScreen, RemotesScreen
from workshop.tui.screens.vote import VoteScreen

SIZE = (120, 36)


async def pair(pilot, app, device: Device) -> None:
    """Ask from the device, say y on the laptop, finish on the device."""
    assert (await device.post("/remote/pair"))[0] == 303
    await wait_for(pilot, lambda: isinstance(app.screen, PairScreen))
    code = app.screen.code
    await pilot.pause()
    assert f"Pair this device? ({code})" in screen_text(app)
    # What pairing gives away, said before the facilitator answers.
    assert "counts cards, approves comments, adds notes and actions" in str(app.screen.query_one(".dialog-help").content)
    assert code in (await device.get("/remote"))[1]
    await wait_for(pilot, lambda: app.screen.armed)
    await pilot.press("y")
    await wait_for(pilot, lambda: not isinstance(app.screen, PairScreen))
    assert (await device.post("/remote/claim", {"code": code}))[0] == 303


@asynccontextmanager
async def paired(db_path, demo):
    """The app with phone voting on for the plan (demo: the plan and its text), and a remote paired
    with it: (app, pilot, http, base, remote)."""
    app = make_app(db_path, plan=demo, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        base = f"http://127.0.0.1:{app.phone_server.port}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            remote = Device(http, base)
            await pair(pilot, app, remote)
            yield app, pilot, http, base, remote


async def test_the_remote_begins_reveals_and_reopens_and_the_projector_follows(db_path, demo):
    async with paired(db_path, demo) as (app, pilot, http, base, remote):
        assert "Remote 1" in (await remote.get("/remote"))[1]
        # Next in the lobby begins, as Enter does there.
        assert (await remote.post("/remote/act", {"action": "next"}))[:2] == (303, "/remote")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        live = app.screen.live
        first = live.principle
        assert live.state() == "open" and first.statement[:40] in screen_text(app)
        for group, score in (("council", 4), ("council", 5), ("council", 4), ("vcs", 2), ("vcs", 1), ("vcs", 2)):
            app.store.record_ballot(live.id, first.id, group, score)
        # Next before the reveal is refused with the same warning the key gives.
        status, _, page = await remote.post("/remote/act", {"action": "next"})
        assert status == 409 and "not revealed yet" in page.lower() and live.position == 0
        status, state = await remote.state()
        assert state["ballots"] == {"council": 3, "vcs": 3} and state["results"]["council"]["n"] == 3
        assert "Mean" not in screen_text(app)  # the projector shows no distribution yet
        # Reveal from the remote: stored, and on the projector.
        assert (await remote.post("/remote/act", {"action": "reveal"}))[0] == 303
        assert app.store.principle_states(live.id)[first.id] == "closed"
        await wait_for(pilot, lambda: "4.3" in screen_text(app))
        assert 'value="reopen">Reopen voting' in (await remote.get("/remote"))[1]
        # Reopen, then on to the next principle and back.
        async with http.post(base + "/api/remote/action", json={"action": "reopen"},
                             headers=remote._headers()) as r:
            assert r.status == 200 and (await r.json())["state"]["state"] == "open"
        await wait_for(pilot, lambda: "4.3" not in screen_text(app))
        assert (await remote.post("/remote/act", {"action": "reveal"}))[0] == 303
        assert (await remote.post("/remote/act", {"action": "next"}))[0] == 303
        await wait_for(pilot, lambda: live.position == 1 and live.principle.statement[:40] in screen_text(app))
        assert (await remote.post("/remote/act", {"action": "previous"}))[0] == 303
        await wait_for(pilot, lambda: live.position == 0 and first.statement[:40] in screen_text(app))
        # A dialog open on the laptop: the remote waits its turn instead of acting behind it.
        await pilot.press("question_mark")
        status, _, page = await remote.post("/remote/act", {"action": "reopen"})
        assert status == 409 and "dialog" in page and live.state() == "closed"
        await pilot.press("escape")
        # l lists the remotes; 1 unpairs Remote 1 at once and closes the list.
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, RemotesScreen))
        assert "Remote 1: paired at" in screen_text(app)
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        assert "Remote 1 is unpaired" in " ".join(str(n.message) for n in app._notifications)
        assert (await remote.state())[0] == 401
        await pilot.press("l")
        await wait_for(pilot, lambda: "No remote is paired" in screen_text(app))
        await pilot.press("escape")
        assert (await remote.post("/remote/act", {"action": "reopen"}))[:2] == (303, "/remote")
        assert live.state() == "closed"


async def test_no_on_the_laptop_pairs_nothing_nor_does_enter_or_a_hasty_y(db_path, demo, monkeypatch):
    monkeypatch.setattr(remotes_screen, "ARM_SECONDS", 60)  # the question stays too new to answer yes
    app = make_app(db_path, plan=demo, phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            device = Device(http, f"http://127.0.0.1:{app.phone_server.port}")
            assert (await device.post("/remote/pair"))[0] == 303
            await wait_for(pilot, lambda: isinstance(app.screen, PairScreen))
            code = app.screen.code
            # Enter never pairs, nor a y typed as the question appears (meant for a note behind it).
            await pilot.press("enter", "y")
            assert isinstance(app.screen, PairScreen) and app.phone_server.remote.remotes.waiting().answer is None
            assert "Your pairing code" in (await device.get("/remote"))[1]
            await pilot.press("n")
            await wait_for(pilot, lambda: not isinstance(app.screen, PairScreen))
            assert "did not pair" in (await device.get("/remote"))[1]
            assert (await device.post("/remote/claim", {"code": code}))[0] == 403
            assert app.phone_server.remote.remotes.paired() == []


async def test_unpairing_closes_the_list_and_no_digit_typed_there_becomes_a_count(db_path, demo):
    async with paired(db_path, demo) as (app, pilot, http, base, remote):
        await pilot.press("enter", "l")  # on the vote screen, the cards grid behind the list
        await wait_for(pilot, lambda: isinstance(app.screen, RemotesScreen))
        live = app.screen_stack[-2].live
        await pilot.press("2", "3")  # no such remotes: the bell, and the digits go nowhere
        assert isinstance(app.screen, RemotesScreen) and app.phone_server.remote.remotes.paired()
        assert "No remote 3 is paired" in " ".join(str(n.message) for n in app._notifications)
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))  # the facilitator is back at the grid
        assert app.phone_server.remote.remotes.paired() == [] and (await remote.state())[0] == 401
        assert app.store.card_counts(live.id, live.principle.id) == {}
        await pilot.press("3", "enter")  # typed now, it is a count the room sees go in
        await wait_for(pilot, lambda: app.store.card_counts(live.id, live.principle.id) != {})


async def test_cards_counted_on_the_remote_are_stored_as_typed_on_the_laptop(db_path, demo):
    async with paired(db_path, demo) as (app, pilot, http, base, remote):
        await pilot.press("enter")  # begin on the laptop
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        live = app.screen.live
        principle = live.principle.id

        def cards(group: str = "council") -> dict:
            return {score: n for (g, score), n in app.store.card_counts(live.id, principle).items() if g == group}

        def form(group: str, **cells) -> dict:
            data = {"principle": principle, "group": group}
            for name, (now, was) in cells.items():
                data[f"c-{name[1:]}"], data[f"was-{name[1:]}"] = str(now), str(was)
            return data

        # Three council cards at 4 typed on the laptop: the remote shows them in its grid.
        await pilot.press("right", "right", "right", "3", "enter")
        assert cards() == {4: 3}
        page = (await remote.get("/remote"))[1]
        assert 'id="c-council-4" name="c-4" value="3"' in page and "Council: cards raised" in page
        # The remote makes it five at 4 and adds one at 5: stored, and on the laptop's screen.
        assert (await remote.post("/remote/cards", form("council", s4=(5, 3), s5=(1, 0), s1=(0, 0))))[0] == 303
        assert cards() == {4: 5, 5: 1}
        await wait_for(pilot, lambda: "Ballots in: Council 6" in screen_text(app))
        # The laptop changes 4 again; a remote page drawn before that changes only its own cell.
        await pilot.press("up", "2", "enter")
        assert cards() == {4: 2, 5: 1}
        assert (await remote.post("/remote/cards", form("council", s4=(5, 5), s1=(1, 0))))[0] == 303
        assert cards() == {1: 1, 4: 2, 5: 1}  # the laptop's 2 was not written over
        # One cell as JSON, don't know included; the last count committed wins.
        async with http.post(base + "/api/remote/cards", headers=remote._headers(),
                             json={"principle": principle, "group": "vcs", "score": "dk", "count": 2}) as r:
            assert r.status == 200 and (await r.json())["state"]["cards"]["vcs"] == {"dk": 2}
        await wait_for(pilot, lambda: "VCS 2" in screen_text(app))
        # Beyond the people in the room the remote is told why, and nothing is stored.
        live.set_room_sizes({"council": 5, "vcs": None})
        status, _, page = await remote.post("/remote/cards", form("council", s3=(3, 0)))
        assert status == 409 and "but 5 are in the room" in page and 3 not in cards()
        for bad in ("-1", "two", "1000"):
            assert (await remote.post("/remote/cards", form("council", s3=(bad, 0))))[0] == 400
        # Once revealed, or for a principle the laptop has left, no count is taken.
        stale = form("council", s2=(4, 0))
        await pilot.press("r")
        status, _, page = await remote.post("/remote/cards", stale)
        assert status == 409 and 2 not in cards()
        assert "Count cards" not in (await remote.get("/remote"))[1]
