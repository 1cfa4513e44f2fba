"""The priorities round on phones: POST /api/dots and the page's POST /dots with every status they
answer, what GET / and GET /api/state show while the round is open and once it is closed, and the
live update when the facilitator opens it. A real server on 127.0.0.1, a real database file."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3

import aiohttp
import pytest
from conftest import REPO
from test_web_api import USER_AGENT, Room, rows
from test_web_attack import HeldLock
from test_web_perception import open_room

from workshop.inputs.plan import load_plan
from workshop.store import Store
from workshop.web import batcher, prioritising
from workshop.web import bodies as bodies_module
from workshop.web.guard import ballot_id, dots_id, participant_id
from workshop.web.server import MAX_BODY


def priorities_plan(dots: int = 3):
    """The demo plan with the priorities round (or without: dots=0), every group shown."""
    plan, _ = load_plan(REPO / "sessions" / "demo.yaml")
    return dataclasses.replace(plan, dots=dots, min_group_size=1, modes=("phones",))


async def join(http: aiohttp.ClientSession, base: str, code: str, group: str) -> str:
    """A phone's token, joined by the API."""
    async with http.post(f"{base}/api/join", json={"code": code, "group": group}) as r:
        return (await r.json())["token"]


@pytest.fixture
async def room(db_path, tmp_path):
    store, live, server, clock = await open_room(db_path, tmp_path, priorities_plan())
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), headers={"User-Agent": USER_AGENT}) as http:
        yield Room(store, live, server, http, f"http://127.0.0.1:{server.port}", db_path, tmp_path / "phones.log",
                   clock)
    await server.stop()
    store.close()


async def place(room: Room, token: str | None, principle, dots, **kwargs) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    body = kwargs.pop("json", {"principle": principle, "dots": dots})
    async with room.http.post(f"{room.base}/api/dots", json=body, headers=headers, **kwargs) as r:
        return r.status, await r.json()


def stored(room: Room) -> list[tuple]:
    return rows(room.db_path, "SELECT principle_id, group_id, dots, mode FROM dots ORDER BY principle_id")


@pytest.mark.parametrize("raw, count", [
    (0, 0), (2, 2), ("3", 3), (" 1 ", 1), (-1, None), ("-1", None), (1.0, None), (True, None), (False, None),
    (None, None), ("", None), ("two", None), ("12345", None), ([1], None),
])
def test_a_number_of_dots_is_a_whole_number_zero_or_more(raw, count):
    assert prioritising.parse_count(raw) == count


@pytest.mark.parametrize("allowance, others, words", [
    (3, 3, "you have placed all 3 dots: take one off another principle first"),
    (3, 1, "each participant places 3 dots: you can put at most 2 on this principle"),
    (1, 0, "each participant places 1 dot: you can put at most 1 on this principle"),
])
def test_a_tap_past_the_allowance_says_what_is_left(allowance, others, words):
    assert prioritising.over_allowance(allowance, others) == words


async def test_a_phone_places_moves_and_takes_off_its_dots(room):
    room.live.start()
    token = await room.join("vcs")
    room.live.open_priorities()
    p1, p2, p3 = room.principles[:3]
    assert await place(room, token, p1, 1) == (200, {"ok": True, "my_dots": {p1: 1}, "left": 2})
    assert await place(room, token, p2, 2) == (200, {"ok": True, "my_dots": {p1: 1, p2: 2}, "left": 0})
    # In the file when the 200 arrives, under an id of the phone's own for its dots.
    assert stored(room) == sorted([(p1, "vcs", 1, "phones"), (p2, "vcs", 2, "phones")])
    mine = dots_id(token, room.live.id)
    assert {r[0] for r in rows(room.db_path, "SELECT participant_id FROM dots")} == {mine}
    assert mine not in (participant_id(token), ballot_id(token, room.live.id, p1))
    # Changing its mind: a dot moved, then one taken off.
    room.clock.now += 1
    assert (await place(room, token, p2, 1))[0] == 200
    assert await place(room, token, p3, 1) == (200, {"ok": True, "my_dots": {p1: 1, p2: 1, p3: 1}, "left": 0})
    assert (await place(room, token, p1, 0))[0] == 200
    assert stored(room) == sorted([(p2, "vcs", 1, "phones"), (p3, "vcs", 1, "phones")])
    state = await room.state(token)
    assert state["priorities"] == {"state": "open", "allowance": 3, "my_dots": {p2: 1, p3: 1}, "left": 1}
    # The session the screens drive counts them, as committed.
    assert room.live.dots_placed() == {"council": 0, "vcs": 2} and room.live.phones_dotted() == 1


async def test_phones_with_the_same_dots_each_read_only_their_own_answer(room):
    room.live.start()
    council, vcs = await room.join("council"), await room.join("vcs")
    assert (await room.ballot(council, 5))[0] == 200 and (await room.ballot(vcs, 1))[0] == 200
    room.live.open_priorities()
    for token in (council, vcs):
        assert (await place(room, token, room.principles[3], 3))[0] == 200
    assert (await room.state(council))["my_ballot"] == 5 and (await room.state(vcs))["my_ballot"] == 1


async def test_every_status_of_the_dots_endpoint(room):
    room.live.start()
    council, vcs = await room.join("council"), await room.join("vcs")
    p1, p2 = room.principles[:2]
    assert (await place(room, None, p1, 1))[0] == 401
    assert await place(room, "not-a-token", p1, 1) == (401, {"error": "join first"})
    # Not open yet: the round is pending until the facilitator opens it.
    assert await place(room, council, p1, 1) == (409, {"error": prioritising.NOT_TAKEN})
    room.live.open_priorities()
    bad_count = (400, {"error": "a number of dots is a whole number, 0 or more"})
    for dots in (-1, 1.5, True, None, "two", [1]):
        assert await place(room, council, p1, dots) == bad_count, dots
    assert await place(room, council, p1, 1, json=[p1, 1]) == (400, {"error": prioritising.SAY_WHICH})
    assert await place(room, council, None, 1) == (400, {"error": prioritising.SAY_WHICH})
    assert await place(room, council, "no-such-principle", 1) == (
        400, {"error": "that principle is not one of this workshop's"})
    # The allowance: never more than 3 in all, whichever way it is asked.
    assert await place(room, council, p1, 4) == (
        409, {"error": "each participant places 3 dots: you can put at most 3 on this principle"})
    assert (await place(room, council, p1, 3))[0] == 200
    assert await place(room, council, p2, 1) == (
        409, {"error": "you have placed all 3 dots: take one off another principle first"})
    # Too fast: a tap at a time.
    room.clock.now += 1
    for n in range(prioritising.DOTS_PER_SECOND):
        assert (await place(room, vcs, p2, n % 2))[0] == 200
    status, body = await place(room, vcs, p2, 1)
    assert status == 429 and body == {"error": "slow down: one tap at a time"}
    room.clock.now += 1
    with HeldLock(room.db_path):  # another program holds the file: nothing saved, send again
        status, body = await place(room, vcs, p2, 1)
        assert status == 503 and "send it again" in body["error"]
    room.clock.now += batcher.BUSY_PAUSE_SECONDS + 1
    conn = sqlite3.connect(room.db_path)
    conn.execute("CREATE TRIGGER broken BEFORE INSERT ON dots BEGIN SELECT RAISE(ABORT, 'disk'); END")
    conn.commit()
    assert await place(room, vcs, p1, 1) == (500, {"error": "your answer could not be saved; try again"})
    conn.execute("DROP TRIGGER broken")
    conn.commit()
    conn.close()
    # Closed: the ranking is shown, no more dots.
    room.live.close_priorities()
    room.clock.now += 1
    assert await place(room, vcs, p1, 1) == (409, {"error": prioritising.NOT_TAKEN})
    assert stored(room) == [(p1, "council", 3, "phones")]
    # A body too large is refused before it is read; one from another site too.
    status, body = await place(room, vcs, p1, 1, json={"principle": "x" * MAX_BODY, "dots": 1})
    assert status == 413 and "error" in body
    status, body = await place(room, vcs, p1, 1, headers={"Origin": "http://elsewhere.example"})
    assert status == 403 and body == {"error": "requests from other sites are refused"}
    async with room.http.get(f"{room.base}/api/dots") as r:
        assert r.status == 405 and "error" in await r.json()


async def test_a_body_that_trickles_or_runs_past_the_limit_is_refused(room, monkeypatch):
    monkeypatch.setattr(bodies_module, "BODY_SECONDS", 0.5)
    room.live.start()
    token = await room.join("vcs")
    room.live.open_priorities()
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write(b"POST /api/dots HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.encode()
                 + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"princ")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 3)
    assert answer.startswith(b"HTTP/1.1 408") and b'"error"' in answer
    writer.close()

    async def chunks():  # no Content-Length: refused once the body passes the limit
        yield b'{"principle": "' + b"x" * MAX_BODY
        yield b'", "dots": 1}'

    async with room.http.post(f"{room.base}/api/dots", data=chunks(), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"}) as r:
        assert r.status == 413 and "error" in await r.json()
    assert stored(room) == []


async def test_the_round_closing_as_a_tap_is_written_refuses_it(room):
    """The round's state is read again as the tap is committed: one let through by the check in
    memory just before the facilitator closed is refused, not kept."""
    room.live.start()
    token = await room.join("council")
    room.live.open_priorities()
    # The facilitator's close is committed by another connection; the running session has not heard yet.
    other = Store(room.db_path)
    other.set_priorities_state(room.live.id, "closed")
    other.close()
    assert await place(room, token, room.principles[0], 1) == (409, {"error": prioritising.NOT_TAKEN})
    assert stored(room) == []


async def test_a_plan_without_the_round_has_no_dots_endpoint(db_path, tmp_path):
    store, live, server, _ = await open_room(db_path, tmp_path, priorities_plan(dots=0))
    try:
        live.start()
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{server.port}"
            token = await join(http, base, server.join_code, "vcs")
            headers = {"Authorization": f"Bearer {token}"}
            async with http.post(f"{base}/api/dots", json={"principle": live.principle.id, "dots": 1},
                                 headers=headers) as r:
                assert r.status == 404 and (await r.json()) == {"error": "this workshop has no priorities round"}
            async with http.get(f"{base}/api/state", headers=headers) as r:
                assert "priorities" not in await r.json()
        assert rows(db_path, "SELECT COUNT(*) FROM dots") == [(0,)]
    finally:
        await server.stop()
        store.close()


async def test_the_page_shows_every_statement_whole_then_the_ranking(room):
    room.live.start()
    council, vcs = await room.join("council"), await room.join("vcs")
    auth = {"Authorization": f"Bearer {council}"}
    room.live.open_priorities()
    async with room.http.get(f"{room.base}/", headers=auth) as r:
        page = await r.text()
    assert "Which principles should we act on first?" in page and "3 of 3 dots left" in page
    for p in room.live.plan.principles:  # every statement, whole
        assert f">{p.statement.replace(chr(39), '&#x27;')}</h3>" in page
    # Nothing to take off yet: no "Remove a dot" button until a principle has a dot.
    assert page.count(">Add a dot<") == len(room.principles) and ">Remove a dot<" not in page
    p1, p2 = room.principles[:2]
    await place(room, council, p1, 2)
    await place(room, vcs, p2, 1)
    async with room.http.get(f"{room.base}/", headers=auth) as r:
        page = await r.text()
    assert '<span id="c-1">2 dots</span><span class="pips"' in page and "1 of 3 dots left" in page and f'value="{p1}:3"' in page
    assert page.count(">Remove a dot<") == 1 and f'value="{p1}:1"' in page
    # Nothing about anyone else's dots while the round is open.
    state = await room.state(council)
    assert "ranking" not in state["priorities"] and "1 dot<" not in page
    # Closed: the room's ranking, as the projector shows it, and the phone's own dots.
    room.live.close_priorities()
    async with room.http.get(f"{room.base}/", headers=auth) as r:
        page = await r.text()
    assert "The priorities round is closed" in page and 'id="dots-form"' not in page
    statement = room.live.plan.principles[0].statement.replace("'", "&#x27;")
    assert f"<h4>Rank 1: {statement}</h4><p>2 dots: Council 2, VCS 0</p>" in page
    assert f"<li><b>2 dots</b>: {statement}</li>" in page  # "Your dots"
    state = await room.state(council)
    assert state["priorities"]["state"] == "closed" and state["priorities"]["ranking"] == [
        {"id": p1, "rank": 1, "dots": {"council": 2, "vcs": 0}, "total": 2},
        {"id": p2, "rank": 2, "dots": {"council": 0, "vcs": 1}, "total": 1}]
    # The facilitator takes dots again: the phones are back on the round.
    room.live.open_priorities()
    async with room.http.get(f"{room.base}/", headers=auth) as r:
        assert 'id="dots-form"' in await r.text()


async def test_small_groups_are_too_few_to_show_on_the_phone(db_path, tmp_path):
    plan = dataclasses.replace(priorities_plan(), min_group_size=3)
    store, live, server, _ = await open_room(db_path, tmp_path, plan)
    try:
        live.start()
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{server.port}"
            tokens = [await join(http, base, server.join_code, g) for g in ("council", "council", "council", "vcs")]
            live.open_priorities()
            for token in tokens:
                async with http.post(f"{base}/api/dots", json={"principle": live.principle.id, "dots": 1},
                                     headers={"Authorization": f"Bearer {token}"}) as r:
                    assert r.status == 200
            live.close_priorities()
            async with http.get(f"{base}/", headers={"Authorization": f"Bearer {tokens[3]}"}) as r:
                page = await r.text()
        assert "3 dots: Council 3, VCS too few to show" in page
    finally:
        await server.stop()
        store.close()


async def test_the_phones_follow_the_round_opening_by_events(room):
    room.live.start()
    token = await room.join("vcs")
    async with room.http.get(f"{room.base}/api/events", headers={"Authorization": f"Bearer {token}"}) as r:
        first = json.loads((await r.content.readline()).decode()[6:])
        await r.content.readline()
        assert 'id="dots-form"' not in first["html"]
        room.live.open_priorities()
        pushed = json.loads((await r.content.readline()).decode()[6:])
    assert 'id="dots-form"' in pushed["html"] and pushed["state"]["priorities"]["left"] == 3


# --- without JavaScript: each button is a form post ---------------------------------------------

async def test_the_buttons_work_as_form_posts(room):
    room.live.start()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as phone:
        async with phone.post(f"{room.base}/join", data={"code": room.server.join_code, "group": "council"},
                              allow_redirects=False) as r:
            assert r.status == 303
        p1, p2 = room.principles[:2]
        async with phone.post(f"{room.base}/dots", data={"set": f"{p1}:1"}, allow_redirects=False) as r:
            assert r.status == 409 and "The priorities round is not open now" in await r.text()
        room.live.open_priorities()
        async with phone.post(f"{room.base}/dots", data={"set": f"{p2}:3"}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/?placed=1#d-2"
        async with phone.get(f"{room.base}/?placed=1") as r:
            page = await r.text()
        assert "Your dots are saved." in page and "0 of 3 dots left" in page
        async with phone.post(f"{room.base}/dots", data={"set": f"{p1}:1"}, allow_redirects=False) as r:
            page = await r.text()
            assert r.status == 409 and "You have placed all 3 dots: take one off another principle first" in page
            assert 'id="dots-form"' in page  # the round again, with the problem stated
        for bad in (f"{p1}:-1", f"{p1}:x", "nothing", ""):
            async with phone.post(f"{room.base}/dots", data={"set": bad}, allow_redirects=False) as r:
                assert r.status == 400, bad
        async with phone.post(f"{room.base}/dots", data={"set": f"{p2}:2"}, allow_redirects=False) as r:
            assert r.status == 303
    async with aiohttp.ClientSession() as stranger:  # no cookie: back to the join form
        async with stranger.post(f"{room.base}/dots", data={"set": f"{p1}:1"}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/"
    assert stored(room) == [(p2, "council", 2, "phones")]


# --- the facilitator's screens, driven by keys while phones tap -----------------------------------

P1, P2 = "council-sustains-grant-programmes", "council-and-vcs-reshape-funding-arrangements"
PHONES_PLAN = f"""
title: Eastbury check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 1
priorities: {{dots: 3}}
principles: {{ids: [{P1}, {P2}]}}
modes: [cards, phones]
"""


async def test_phones_dots_reach_the_round_screen_the_ranking_and_the_file(db_path):
    from conftest import SIZE, make_app, screen_text, wait_for

    from workshop.inputs.plan import parse_plan
    from workshop.tui.screens.priorities import PrioritiesScreen
    from workshop.tui.screens.ranking import RankingScreen

    app = make_app(db_path, plan=(parse_plan(PHONES_PLAN), PHONES_PLAN), phones=True, host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None)
        server = app.phone_server
        base = f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            tokens = {group: await join(http, base, server.join_code, group) for group in ("council", "vcs")}

            async def tap(group: str, principle: str, dots: int) -> int:
                async with http.post(f"{base}/api/dots", json={"principle": principle, "dots": dots},
                                     headers={"Authorization": f"Bearer {tokens[group]}"}) as r:
                    return r.status

            await pilot.press("enter", "n", "n")  # both principles passed: n after the last opens the round
            assert isinstance(app.screen, PrioritiesScreen)
            await wait_for(pilot, lambda: "Phones with dots placed: 0 of 2 joined" in screen_text(app))
            assert await tap("council", P1, 2) == 200 and await tap("council", P2, 1) == 200
            assert await tap("vcs", P2, 3) == 200
            assert await tap("vcs", P1, 1) == 409  # past its allowance: nothing kept
            # The screen counts them once committed, and still says nothing of where they went.
            await wait_for(pilot, lambda: "Phones with dots placed: 2 of 2 joined" in screen_text(app))
            assert "Dots placed: Council 3   VCS 3" in screen_text(app)
            await pilot.press("r")
            assert isinstance(app.screen, RankingScreen)
            lines = screen_text(app).splitlines()
            [top] = [line for line in lines if "The VCS, the council" in line]
            assert [w for w in top.split() if w.isdigit()] == ["1", "1", "3", "4"]
            [second] = [line for line in lines if "The council keeps giving" in line]
            assert [w for w in second.split() if w.isdigit()] == ["2", "2", "0", "2"]
            assert await tap("council", P1, 3) == 409  # the ranking is shown: the round is closed
            async with http.get(f"{base}/", headers={"Authorization": f"Bearer {tokens['vcs']}"}) as r:
                page = await r.text()
            assert "The priorities round is closed" in page and "<b>3 dots</b>:" in page
        sid = app.screen.live.id
    with Store(db_path) as check:
        assert check.dot_tally(sid).dots == {(P1, "council"): 2, (P2, "council"): 1, (P2, "vcs"): 3}
    assert rows(db_path, "SELECT DISTINCT mode FROM dots") == [("phones",)]
