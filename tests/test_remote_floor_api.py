"""The remote's newer endpoints over HTTP (a real server on 127.0.0.1, no app): jump, the gap view,
comments, capture, predictions and the live-update stream. Each refuses an unpaired device, a
participant's token, another site and a runaway remote; the answers given with the app are tested
in test_remote_drive.py."""

from __future__ import annotations

import asyncio
import json

import pytest
from test_remote_api import room  # noqa: F401  (fixture)

from workshop.web.remote_routes import REMOTE_COOKIE

# Every new endpoint with a body it would take: (path, form or JSON body).
FORMS = [
    ("/remote/act", {"action": "jump", "number": "3"}),
    ("/remote/act", {"action": "gap"}),
    ("/remote/comment", {"comment": "abc", "status": "approved"}),
    ("/remote/capture", {"principle": "p", "kind": "note", "text": "A note"}),
    ("/remote/predictions", {"principle": "p", "group": "council", "c-2": "1", "was-2": "0"}),
]
APIS = [
    ("/api/remote/action", {"action": "jump", "number": 3}),
    ("/api/remote/action", {"action": "gap"}),
    ("/api/remote/comment", {"comment": "abc", "status": "hidden"}),
    ("/api/remote/capture", {"principle": "p", "kind": "action", "text": "Do it", "owner": "VCS"}),
    ("/api/remote/predictions", {"principle": "p", "group": "council", "score": 2, "count": 1}),
]


async def post_json(room, device, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    async with room.http.post(room.base + path, json=body, headers=device._headers(headers)) as r:
        return r.status, await r.json()


@pytest.mark.parametrize("path, body", FORMS)
async def test_a_form_from_an_unpaired_device_does_nothing(room, path, body):
    device = room.device()
    assert (await device.post(path, body))[:2] == (303, "/remote")
    await room.pair(device)
    room.remotes.unpair(1)
    assert (await device.post(path, body))[:2] == (303, "/remote")
    assert room.store.actions(room.live.id) == [] and room.store.notes(room.live.id) == []


@pytest.mark.parametrize("path, body", APIS)
async def test_the_api_refuses_unpaired_devices_and_participants(room, path, body):
    async with room.http.post(room.base + "/api/join", json={"code": room.server.join_code, "group": "vcs"}) as r:
        token = (await r.json())["token"]
    device = room.device()
    assert (await post_json(room, device, path, body))[0] == 401
    for headers in ({"Authorization": f"Bearer {token}"}, {"Cookie": f"{REMOTE_COOKIE}={token}"},
                    {"Cookie": f"workshop_token={token}"}):
        async with room.http.post(room.base + path, json=body, headers=headers) as r:
            assert r.status == 401
    await room.pair(device)
    room.remotes.unpair(1)
    assert (await post_json(room, device, path, body))[0] == 401
    assert room.store.actions(room.live.id) == [] and room.store.notes(room.live.id) == []


@pytest.mark.parametrize("path, body", FORMS + APIS)
async def test_other_sites_are_refused_before_anything_is_read(room, path, body):
    device = room.device()
    await room.pair(device)
    async with room.http.post(room.base + path, data=json.dumps(body) if path.startswith("/api/") else body,
                              headers=device._headers({"Origin": "http://evil.example"})) as r:
        assert r.status == 403
    async with room.http.post(room.base + path, json=body,
                              headers=device._headers({"Host": "evil.example"})) as r:
        assert r.status == 403


@pytest.mark.parametrize("path, body", APIS)
async def test_without_the_app_a_good_press_is_told_the_laptop_is_not_taking_it(room, path, body):
    device = room.device()
    await room.pair(device)
    status, answer = await post_json(room, device, path, body)
    assert status == 503 and "laptop" in answer["error"]


BAD = [
    ("/api/remote/action", {"action": "jump"}, "say which principle to go to: its number, from 1"),
    ("/api/remote/action", {"action": "jump", "number": "3x"}, "say which principle to go to: its number, from 1"),
    ("/api/remote/action", {"action": "jump", "number": True}, "say which principle to go to: its number, from 1"),
    ("/api/remote/action", {"action": "delete"}, "the action must be one of next, previous, reveal, reopen, gap, jump"),
    ("/api/remote/comment", {"comment": "abc", "status": "shown"}, "status must be approved or hidden"),
    ("/api/remote/comment", {"status": "approved"}, "say which comment"),
    ("/api/remote/capture", {"principle": "p", "text": ""}, "Type the note or action first"),
    ("/api/remote/capture", {"principle": "p", "text": "Do it", "due": "next week"},
     "Due date must be YYYY-MM-DD, like 2027-03-31"),
    ("/api/remote/capture", {"principle": "p", "kind": "action", "text": "Do it", "due": "2027-02-30"},
     "Due date 2027-02-30 is not a day in the calendar; check the month and the day"),
    ("/api/remote/capture", {"principle": "p", "kind": "task", "text": "Do it"}, "kind must be note or action"),
    ("/api/remote/capture", {"principle": "p", "text": ["Do it"]}, "the text must be text"),
    ("/api/remote/capture", {"text": "Do it"}, "say which principle the note or action is for"),
    ("/api/remote/predictions", {"principle": "p", "group": "council", "score": 2, "count": -1},
     "a count is a whole number from 0 to 999"),
    ("/api/remote/predictions", {"principle": "p", "group": "council", "score": 9, "count": 1},
     "score must be on the scale, or dk"),
    ("/api/remote/cards", {"principle": "p", "group": "council", "score": 2, "count": -3},
     "a count is a whole number from 0 to 999"),
]


@pytest.mark.parametrize("path, body, message", BAD)
async def test_a_bad_press_is_refused_with_what_to_fix(room, path, body, message):
    device = room.device()
    await room.pair(device)
    assert await post_json(room, device, path, body) == (400, {"error": message})


async def test_a_refused_capture_form_keeps_what_was_typed(room):
    device = room.device()
    await room.pair(device)
    room.live.start()
    form = {"principle": room.live.principle.id, "kind": "action", "text": "Ask <finance> & legal",
            "owner": "Council", "due": "soon"}
    status, _, page = await device.post("/remote/capture", form)
    assert status == 400 and "Due date must be YYYY-MM-DD, like 2027-03-31" in page
    assert ">Ask &lt;finance&gt; &amp; legal</textarea>" in page and 'value="soon"' in page
    assert 'value="action" checked' in page
    assert room.store.actions(room.live.id) == []


async def test_every_press_counts_towards_the_limit(room):
    device = room.device()
    await room.pair(device)
    for _ in range(10):
        assert (await post_json(room, device, "/api/remote/capture", {"principle": "p", "text": ""}))[0] == 400
    async with room.http.post(room.base + "/api/remote/action", json={"action": "gap"},
                              headers=device._headers()) as r:
        assert r.status == 429 and r.headers["Retry-After"] == "1"
    room.clock.now += 1
    assert (await post_json(room, device, "/api/remote/action", {"action": "gap"}))[0] == 503


async def events(room, device):
    return room.http.get(room.base + "/api/remote/events", headers=device._headers())


async def next_event(stream) -> bytes:
    return await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)


async def test_the_live_stream_tells_the_remote_of_each_change_and_ends_when_unpaired(room):
    device = room.device()
    assert (await (await events(room, device)).__aenter__()).status == 401
    await room.pair(device)
    page = (await device.get("/remote"))[1]
    assert '<noscript><meta http-equiv="refresh"' in page and "/static/remote.js" in page
    shown = page.split('data-version="')[1].split('"')[0]
    async with await events(room, device) as stream:
        assert stream.status == 200 and stream.headers["Content-Type"] == "text/event-stream"
        first = json.loads((await next_event(stream)).decode().removeprefix("data: "))
        assert first["version"] == shown and first["state"] == "pending"  # the page is current
        room.live.start()  # the facilitator begins: the remote hears at once
        opened = json.loads((await next_event(stream)).decode().removeprefix("data: "))
        assert opened["state"] == "open" and opened["version"] != shown
        assert opened["timer"] == "5:00 left" and opened["time_left"] == 300
        # A ballot from anywhere changes what only the remote sees: it is told within a second or so.
        room.store.record_ballot(room.live.id, room.live.principle.id, "council", 4)
        ballot = json.loads((await next_event(stream)).decode().removeprefix("data: "))
        assert ballot["version"] not in (shown, opened["version"])
        room.remotes.unpair(1)
        while (event := await next_event(stream)).startswith(b"data:"):
            pass  # a clock tick may come first
        assert event == b"event: unpaired\ndata: {}\n\n"
        assert await asyncio.wait_for(stream.content.read(), 5) == b""  # and the stream ends


async def test_a_remote_keeps_its_three_newest_streams_and_participants_get_none(room):
    device = room.device()
    await room.pair(device)
    streams = [await room.http.get(room.base + "/api/remote/events", headers=device._headers())
               for _ in range(4)]
    try:
        assert [s.status for s in streams] == [200] * 4
        for stream in streams:
            assert (await next_event(stream)).startswith(b"data: ")
        # The fourth page's stream ended the oldest (a page reloaded or left, most likely).
        assert await asyncio.wait_for(streams[0].content.read(), 5) == b""
        assert len(room.server.remote.events._open[1]) == 3
        async with room.http.post(room.base + "/api/join", json={"code": room.server.join_code, "group": "vcs"}) as r:
            token = (await r.json())["token"]
        async with room.http.get(room.base + "/api/remote/events",
                                 headers={"Authorization": f"Bearer {token}"}) as phone:
            assert phone.status == 401
    finally:
        for stream in streams:
            stream.close()
