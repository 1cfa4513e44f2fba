"""The phone voting HTTP interface: a real server on 127.0.0.1, real requests, a real database file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.web import events, listener, voting
from workshop.web import bodies as bodies_module
from workshop.web.server import COOKIE, PhoneServer, ballot_id, participant_id

USER_AGENT = "PhoneBrowser/9.9 (test-device-7f3a)"


class Clock:
    """Seconds for the server's rate limits, moving only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Room:
    """A session with phone voting on, as the app runs it: a live session telling the server of changes."""

    store: Store
    live: LiveSession
    server: PhoneServer
    http: aiohttp.ClientSession  # no cookie jar: tokens travel as Bearer headers
    base: str
    db_path: Path
    log_path: Path
    clock: Clock

    @property
    def principles(self) -> list[str]:
        return [p.id for p in self.live.plan.principles]

    async def join(self, group: str = "council", code: str | None = None) -> str:
        async with self.http.post(f"{self.base}/api/join",
                                  json={"code": code or self.server.join_code, "group": group}) as r:
            assert r.status == 200, await r.text()
            return (await r.json())["token"]

    async def ballot(self, token: str | None, score, principle: str | None = None, **kwargs) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        body = kwargs.pop("json", {"principle": principle or self.live.principle.id, "score": score})
        async with self.http.post(f"{self.base}/api/ballot", json=body, headers=headers, **kwargs) as r:
            return r.status, await r.json()

    async def state(self, token: str) -> dict:
        async with self.http.get(f"{self.base}/api/state", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status == 200
            return await r.json()


@pytest.fixture
async def room(db_path, demo_plan, tmp_path):
    store = Store(db_path)
    session = store.start_session(demo_plan)
    live = LiveSession(store, session)
    log_path = tmp_path / "logs" / "phones.log"
    clock = Clock()
    server = PhoneServer(live, host="127.0.0.1", port=0, log_path=log_path, clock=clock)  # live tells it of moves
    await server.start()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                     headers={"User-Agent": USER_AGENT}) as http:
        yield Room(store, live, server, http, f"http://127.0.0.1:{server.port}", db_path, log_path, clock)
    await server.stop()
    store.close()


def rows(db_path: Path, sql: str, params=()) -> list[tuple]:
    """Read the file with a connection of its own, as another program would."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# --- joining ---------------------------------------------------------------------------------


async def test_join_gives_a_token_and_a_strict_http_only_cookie(room):
    async with room.http.post(f"{room.base}/api/join", json={"code": room.server.join_code.lower(),
                                                               "group": "vcs"}) as r:
        assert r.status == 200
        token = (await r.json())["token"]
        cookie = r.headers["Set-Cookie"]
    assert len(token) >= 22  # 16 random bytes, base64url
    assert f"{COOKIE}={token}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert rows(room.db_path, "SELECT id, group_id, name, mode FROM participants") == [
        (participant_id(token), "vcs", None, "phones")]


@pytest.mark.parametrize("body, status", [
    ({"code": "WRONG1", "group": "council"}, 403),
    ({"code": "", "group": "council"}, 403),
    ({"code": "right", "group": "police"}, 400),
    ({"code": "right"}, 400),
    ({"code": 123456, "group": "council"}, 400),
    (["right", "council"], 400),
])
async def test_join_refused(room, body, status):
    if isinstance(body, dict) and body.get("code") == "right":
        body["code"] = room.server.join_code
    async with room.http.post(f"{room.base}/api/join", json=body) as r:
        assert r.status == status
        assert "error" in await r.json()
    assert rows(room.db_path, "SELECT COUNT(*) FROM participants") == [(0,)]


async def test_a_session_takes_a_bounded_number_of_phones(room, monkeypatch):
    monkeypatch.setattr(voting, "MAX_JOINS", 2)
    await room.join()
    await room.join("vcs")
    async with room.http.post(f"{room.base}/api/join", json={"code": room.server.join_code, "group": "vcs"}) as r:
        assert r.status == 429
    assert rows(room.db_path, "SELECT COUNT(*) FROM participants") == [(2,)]


async def test_a_new_code_locks_out_new_joins_not_the_phones_already_in(room):
    room.live.start()
    old_code = room.server.join_code
    token = await room.join("council")
    new_code = room.server.new_code()
    assert new_code != old_code
    async with room.http.post(f"{room.base}/api/join", json={"code": old_code, "group": "vcs"}) as r:
        assert r.status == 403
    assert await room.ballot(token, 4) == (200, {"ok": True, "my_ballot": 4})
    await room.join("vcs", code=new_code)


# --- ballots: every status ---------------------------------------------------------------------


async def test_ballot_needs_a_valid_token(room):
    room.live.start()
    assert (await room.ballot(None, 3))[0] == 401
    assert (await room.ballot("not-a-token", 3))[0] == 401
    assert (await room.ballot("x" * 300, 3))[0] == 401
    async with room.http.get(f"{room.base}/api/state") as r:
        assert r.status == 401
    assert rows(room.db_path, "SELECT COUNT(*) FROM ballots") == [(0,)]


@pytest.mark.parametrize("body", [
    {"score": 6}, {"score": 0}, {"score": -1}, {"score": 3.5}, {"score": "three"}, {"score": True},
    {"score": None}, {"score": [3]}, {"score": "9" * 400}, {},
    {"principle": 7, "score": 3}, {"principle": None, "score": 3},
])
async def test_ballot_off_the_scale_or_of_the_wrong_type_is_400(room, body):
    room.live.start()
    token = await room.join()
    body = {"principle": room.live.principle.id, **body}
    status, answer = await room.ballot(token, None, json=body)
    assert status == 400 and answer["error"]
    assert rows(room.db_path, "SELECT COUNT(*) FROM ballots") == [(0,)]


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2", b"\xff\xfe\x00", b"[" * 4000, b'"just a string"'])
async def test_malformed_json_is_400(room, raw):
    room.live.start()
    token = await room.join()
    async with room.http.post(f"{room.base}/api/ballot", data=raw, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"}) as r:
        assert r.status == 400
        assert "error" in await r.json()


async def test_ballot_on_a_principle_not_open_is_409(room):
    token = await room.join()
    first, second = room.principles[:2]
    # Nothing opened yet.
    assert (await room.ballot(token, 3, principle=first))[0] == 409
    room.live.start()
    # Not the open one, and one not in the session at all.
    assert (await room.ballot(token, 3, principle=second))[0] == 409
    assert (await room.ballot(token, 3, principle="no-such-principle"))[0] == 409
    assert (await room.ballot(token, 3, principle=first))[0] == 200
    # Closed after reveal: no more ballots, and the one cast stays.
    room.live.reveal()
    status, answer = await room.ballot(token, 5, principle=first)
    assert status == 409 and "not open" in answer["error"]
    assert rows(room.db_path, "SELECT principle_id, score FROM ballots") == [(first, 3)]
    # Moving on leaves the earlier principle shut to phones even though it was never revealed.
    room.live.go(1)
    room.live.go(2)
    assert (await room.ballot(token, 3, principle=second))[0] == 409


async def test_body_over_4_kb_is_413(room):
    room.live.start()
    token = await room.join()
    big = {"principle": room.live.principle.id, "score": 3, "pad": "x" * 5000}
    status, answer = await room.ballot(token, None, json=big)
    assert status == 413 and "error" in answer

    async def chunks():  # no Content-Length: refused while reading
        for _ in range(10):
            yield b" " * 1000

    async with room.http.post(f"{room.base}/api/ballot", data=chunks(), headers={
            "Authorization": f"Bearer {token}"}) as r:
        assert r.status == 413
    async with room.http.post(f"{room.base}/api/join", data=b"{" + b" " * 5000 + b"}") as r:
        assert r.status == 413
    assert rows(room.db_path, "SELECT COUNT(*) FROM ballots") == [(0,)]


async def test_more_than_three_ballots_a_second_from_one_device_is_429(room):
    room.live.start()
    token, other = await room.join(), await room.join("vcs")
    statuses = [(await room.ballot(token, score))[0] for score in (1, 2, 3, 4)]
    assert statuses == [200, 200, 200, 429]
    assert (await room.ballot(other, 5))[0] == 200  # another phone is not slowed down
    room.clock.now += 0.999
    assert (await room.ballot(token, 3))[0] == 429  # however slowly the test machine runs: no second has passed
    assert sorted(rows(room.db_path, "SELECT group_id, score FROM ballots")) == [("council", 3), ("vcs", 5)]


async def test_cross_origin_posts_are_refused(room):
    room.live.start()
    token = await room.join()
    for headers in ({"Origin": "http://evil.example"},
                    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}):
        status, _answer = await room.ballot(token, 2, headers=headers)
        assert status == 403, headers
        async with room.http.post(f"{room.base}/api/join", headers=headers,
                                  json={"code": room.server.join_code, "group": "vcs"}) as r:
            assert r.status == 403
    assert rows(room.db_path, "SELECT COUNT(*) FROM ballots") == [(0,)]
    # The page's own requests: same origin, or an opaque origin the browser says is same-origin.
    assert (await room.ballot(token, 2, headers={"Origin": room.base}))[0] == 200
    assert (await room.ballot(token, 3, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}))[0] == 200


async def test_a_foreign_host_name_gets_nothing(room):
    """DNS rebinding: a site pointing its own name at the laptop cannot use the server."""
    async with room.http.get(f"{room.base}/", headers={"Host": f"evil.example:{room.server.port}"}) as r:
        assert r.status == 403
    async with room.http.post(f"{room.base}/api/join", json={"code": room.server.join_code, "group": "vcs"},
                              headers={"Host": "evil.example", "Origin": "http://evil.example"}) as r:
        assert r.status == 403
    async with room.http.get(f"{room.base}/", headers={"Host": f"localhost:{room.server.port}"}) as r:
        assert r.status == 200


async def test_re_voting_replaces_the_ballot_and_keeps_no_trail_in_an_anonymous_session(room):
    room.live.start()
    token = await room.join("vcs")
    assert (await room.ballot(token, 2))[0] == 200
    assert await room.ballot(token, "dk") == (200, {"ok": True, "my_ballot": "dk"})
    assert await room.ballot(token, "4") == (200, {"ok": True, "my_ballot": 4})
    first = room.live.principle.id
    assert rows(room.db_path, "SELECT participant_id, group_id, score, dont_know, mode FROM ballots") == [
        (ballot_id(token, room.live.id, first), "vcs", 4, 0, "phones")]
    # A trail of changed votes would put an anonymous session's ballots back in the order cast.
    assert rows(room.db_path, "SELECT COUNT(*) FROM ballot_changes") == [(0,)]
    assert rows(room.db_path, "SELECT cast_at FROM ballots") == [(None,)]


async def test_the_ballot_is_in_the_file_when_the_200_arrives(room):
    room.live.start()
    tokens = [await room.join(group) for group in ("council", "vcs", "vcs")]
    answers = await asyncio.gather(*(room.ballot(t, s) for t, s in zip(tokens, (5, 1, "dk"))))
    assert [status for status, _ in answers] == [200, 200, 200]
    with Store(room.db_path) as other:  # a second connection, as after a crash and restart
        got = {b.participant: b.score for b in other.ballots(room.live.id)}
    first = room.live.principle.id
    assert got == {ballot_id(tokens[0], room.live.id, first): 5, ballot_id(tokens[1], room.live.id, first): 1,
                   ballot_id(tokens[2], room.live.id, first): None}


async def test_a_phones_ballots_are_not_linked_to_each_other_or_to_the_phone(room):
    room.live.start()
    token = await room.join("vcs")
    assert (await room.ballot(token, 2))[0] == 200
    room.live.go(1)
    assert (await room.ballot(token, 5, principle=room.live.principle.id))[0] == 200
    ids = [r[0] for r in rows(room.db_path, "SELECT participant_id FROM ballots")]
    known = {r[0] for r in rows(room.db_path, "SELECT id FROM participants")}
    assert len(set(ids)) == 2 and not set(ids) & known  # one unrelated id per principle
    assert (await room.state(token))["my_ballot"] == 5  # yet the phone still sees its own answer


async def test_a_phone_can_never_reveal_move_close_or_read_others(room):
    room.live.start()
    token = await room.join()
    other = await room.join("vcs")
    await room.ballot(other, 1)
    auth = {"Authorization": f"Bearer {token}"}
    for method, path in (("POST", "/api/reveal"), ("POST", "/api/next"), ("POST", "/api/close"),
                         ("POST", "/api/state"), ("GET", "/api/ballots"), ("GET", "/api/results"),
                         ("PUT", "/api/ballot"), ("DELETE", "/api/ballot"), ("GET", "/api/ballot")):
        async with room.http.request(method, f"{room.base}{path}", headers=auth, json={}) as r:
            assert r.status in (404, 405), (method, path)
            assert "error" in await r.json()
    state = await room.state(token)
    assert state["open"] and not state["revealed"] and "results" not in state
    assert state["my_ballot"] is None  # the other phone's ballot is not this one's
    assert room.live.state() == "open" and room.live.position == 0


# --- reading the state -------------------------------------------------------------------------


async def test_state_shape_and_my_ballot(room):
    token = await room.join("council")
    waiting = await room.state(token)
    assert waiting["principle"] is None and waiting["open"] is False and waiting["my_ballot"] is None
    room.live.start()
    state = await room.state(token)
    principle = room.live.principle
    assert state["principle"] == {
        "id": principle.id, "statement": principle.statement, "number": 1, "total": 10,
        "scale": {"min": 1, "max": 5},
        "labels": {"1": "Not at all true", "2": "Slightly true", "3": "Partly true", "4": "Mostly true",
                   "5": "Completely true"},
        "dont_know": True}
    assert state["open"] is True and state["revealed"] is False and state["my_ballot"] is None
    await room.ballot(token, 4)
    assert (await room.state(token))["my_ballot"] == 4
    await room.ballot(token, "dk")
    assert (await room.state(token))["my_ballot"] == "dk"
    room.live.go(1)
    moved = await room.state(token)
    assert moved["principle"]["number"] == 2 and moved["my_ballot"] is None and moved["version"] > state["version"]


async def test_after_reveal_the_aggregate_respects_min_group_size(room):
    room.live.start()
    council = [await room.join("council") for _ in range(3)]
    vcs = await room.join("vcs")
    for token, score in zip(council, (4, 4, 5)):
        assert (await room.ballot(token, score))[0] == 200
    assert (await room.ballot(vcs, 1))[0] == 200
    assert "results" not in await room.state(vcs)  # nothing before the reveal
    room.live.reveal()
    state = await room.state(vcs)
    assert state["revealed"] is True and state["open"] is False and state["my_ballot"] == 1
    council_result, vcs_result = state["results"]["council"], state["results"]["vcs"]
    assert council_result["mean"] == pytest.approx(4.333, abs=0.001)
    assert council_result["counts"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    # One VCS score is under the plan's min_group_size of 3: no mean, no counts, no gap.
    assert vcs_result["suppressed"] is True and vcs_result["mean"] is None and vcs_result["counts"] == {}
    assert state["gap"] is None
    assert "1" not in json.dumps(vcs_result["counts"])


# --- live updates --------------------------------------------------------------------------------


async def next_event(response: aiohttp.ClientResponse, timeout: float = 1.0) -> dict:
    """The next `data:` line of a server-sent event stream, skipping pings, within timeout seconds."""
    async def read() -> dict:
        while True:
            line = await response.content.readline()
            if not line:
                raise AssertionError("the event stream closed")
            if line.startswith(b"data: "):
                return json.loads(line[6:])

    return await asyncio.wait_for(read(), timeout)


async def test_events_deliver_the_new_view_within_a_second(room):
    token = await room.join("vcs")
    async with room.http.get(f"{room.base}/api/events", headers={"Authorization": f"Bearer {token}"}) as events:
        assert events.status == 200 and events.headers["Content-Type"].startswith("text/event-stream")
        first = await next_event(events)
        assert first["state"]["principle"] is None and "Waiting for the facilitator" in first["html"]
        room.live.start()  # the facilitator opens principle 1: live.on_change is server.state_changed
        opened = await next_event(events)
        assert opened["state"]["open"] and opened["state"]["principle"]["number"] == 1
        assert 'name="score"' in opened["html"]
        await room.ballot(token, 2)
        room.live.reveal()
        revealed = await next_event(events)
        assert revealed["state"]["revealed"] and revealed["state"]["my_ballot"] == 2
        room.server.state_changed()
        again = await next_event(events)
        assert again["version"] > revealed["version"]


async def test_a_resumed_session_drives_the_phones_already_in(room):
    """The facilitator leaves the room and resumes the same session: the screens get a new running
    session object, and the server (which keeps its code and phones) follows that one."""
    room.live.start()
    token = await room.join("vcs")
    resumed = LiveSession(room.store, room.store.session(room.live.id))
    async with room.http.get(f"{room.base}/api/events", headers={"Authorization": f"Bearer {token}"}) as events:
        assert (await next_event(events))["state"]["principle"]["number"] == 1
        room.server.follow(resumed)
        await next_event(events)  # the phones are told to look again
        resumed.go(1)  # by keys, on the resumed session
        moved = await next_event(events)
        assert moved["state"]["principle"]["id"] == resumed.principle.id and moved["state"]["open"]
    assert await room.ballot(token, 4, principle=resumed.principle.id) == (200, {"ok": True, "my_ballot": 4})
    resumed.reveal()
    assert (await room.state(token))["revealed"] is True


async def test_event_streams_are_bounded_per_device(room):
    token = await room.join()
    auth = {"Authorization": f"Bearer {token}"}
    streams = []
    try:
        for _ in range(events.STREAMS_PER_DEVICE):
            streams.append(await room.http.get(f"{room.base}/api/events", headers=auth))
            assert streams[-1].status == 200
        async with room.http.get(f"{room.base}/api/events", headers=auth) as refused:
            assert refused.status == 503
        other = await room.join("vcs")
        async with room.http.get(f"{room.base}/api/events", headers={"Authorization": f"Bearer {other}"}) as r:
            assert r.status == 200
    finally:
        for s in streams:
            s.close()


async def test_stop_ends_open_event_streams_promptly(room):
    token = await room.join()
    async with room.http.get(f"{room.base}/api/events", headers={"Authorization": f"Bearer {token}"}) as events:
        await next_event(events)
        room.server.state_changed()  # an update still pending when the server stops
        started = time.monotonic()
        await room.server.stop()  # directly, as the app's on_unmount does: no chance to deliver first
        assert time.monotonic() - started < 3
        with pytest.raises((aiohttp.ClientError, AssertionError, asyncio.TimeoutError)):
            while True:
                await next_event(events, timeout=3)


# --- the page without JavaScript -------------------------------------------------------------------


async def test_forms_join_and_vote_without_javascript(room):
    room.live.start()
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for an IP address, as a phone's browser keeps them
    async with aiohttp.ClientSession(cookie_jar=jar) as phone:
        async with phone.get(f"{room.base}/j/{room.server.join_code.lower()}", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == f"/?code={room.server.join_code}"
        async with phone.get(f"{room.base}/?code={room.server.join_code}") as r:
            page = await r.text()
            assert r.status == 200 and f'value="{room.server.join_code}"' in page and 'action="/join"' in page
        async with phone.post(f"{room.base}/join", data={"code": "WRONG9", "group": "vcs"},
                              allow_redirects=False) as r:
            assert r.status == 403 and "join code is not right" in await r.text()
        async with phone.post(f"{room.base}/join", data={"code": room.server.join_code, "group": "vcs"},
                              allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/"
            cookie = r.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        async with phone.get(f"{room.base}/") as r:
            page = await r.text()
            assert 'action="/vote"' in page and room.live.principle.statement in page
        async with phone.post(f"{room.base}/vote", data={"principle": room.live.principle.id, "score": "2"},
                              allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/?saved=1"
        assert rows(room.db_path, "SELECT group_id, score, mode FROM ballots") == [("vcs", 2, "phones")]
        async with phone.get(f"{room.base}/?saved=1") as r:
            page = await r.text()
            assert "Your answer is saved." in page and 'value="2" required checked' in page
        async with phone.post(f"{room.base}/vote", data={"principle": room.live.principle.id, "score": "9"},
                              allow_redirects=False) as r:
            assert r.status == 400 and "score must be 1 to 5" in await r.text()
        # The cookie works for the API too, and for the event stream (EventSource sends no headers).
        async with phone.get(f"{room.base}/api/state") as r:
            assert (await r.json())["my_ballot"] == 2
    async with room.http.post(f"{room.base}/vote", data={"principle": room.live.principle.id, "score": "3"},
                              allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == "/"  # not joined: back to the join page


@pytest.mark.parametrize("path", ["/J/{code}", "/j/{code}", "/J/{lower}", "/j/{mixed}"])
async def test_the_qr_path_takes_the_code_in_any_case(room, path):
    code = room.server.join_code
    mixed = "".join(c.lower() if i % 2 else c for i, c in enumerate(code))
    url = room.base.upper().replace("HTTP://", "http://") + path.format(code=code, lower=code.lower(), mixed=mixed)
    async with room.http.get(url, allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == f"/?code={code}"


async def test_the_qr_path_echoes_only_code_characters(room):
    async with room.http.get(f"{room.base}/j/AB%0D%0ASet-Cookie:%20x=1<script>", allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == "/?code=ABSETCOOKIEX"
        assert "x=1" not in r.headers.get("Set-Cookie", "")


async def test_static_files_and_security_headers(room):
    async with room.http.get(f"{room.base}/static/app.js") as r:
        assert r.status == 200 and r.content_type == "application/javascript"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    async with room.http.get(f"{room.base}/static/../server.py") as r:
        assert r.status == 404
    async with room.http.get(f"{room.base}/static/nope.js") as r:
        assert r.status == 404
    async with room.http.get(f"{room.base}/j/ABC", allow_redirects=False) as r:
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["Cache-Control"] == "no-store"


# --- privacy ---------------------------------------------------------------------------------------


async def test_nothing_about_the_device_is_stored(room):
    room.live.start()
    tokens = [await room.join(g) for g in ("council", "council", "vcs", "vcs")]
    for token, score in zip(tokens, (1, 2, 3, "dk")):
        assert (await room.ballot(token, score))[0] == 200
    await room.ballot(tokens[0], 5)  # a change, so the audit table has a row too
    # A malformed request, which aiohttp logs with the client's address.
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header line\r\n\r\n")
    await writer.drain()
    await asyncio.wait_for(reader.read(), 2)
    writer.close()
    room.live.reveal()
    await room.state(tokens[0])

    secrets = ["127.0.0.1", USER_AGENT, "test-device-7f3a", *tokens]
    conn = sqlite3.connect(room.db_path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    text = cell.decode("latin-1") if isinstance(cell, bytes) else str(cell)
                    for secret in secrets:
                        assert secret not in text, (table, secret)
        assert conn.execute("SELECT COUNT(*), COUNT(name) FROM participants WHERE mode = 'phones'").fetchone() == (4, 0)
    finally:
        conn.close()
    # The raw file and its write-ahead log too, and the server's log file.
    for path in [room.db_path, *room.db_path.parent.glob(room.db_path.name + "-*"), room.log_path]:
        if path.exists():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, (path.name, secret)
    assert room.log_path.exists() and "Error handling request" in room.log_path.read_text()


# --- robustness ------------------------------------------------------------------------------------


async def quick_state(room: Room, token: str, within: float = 0.5) -> dict:
    return await asyncio.wait_for(room.state(token), within)


async def test_slow_half_requests_and_garbage_do_not_stop_the_server(room, monkeypatch):
    monkeypatch.setattr(bodies_module, "BODY_SECONDS", 0.5)
    room.live.start()
    token = await room.join()
    port = room.server.port
    held = []
    # Half a request line, then nothing.
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /api/ballot HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
    held.append(writer)
    # Headers complete, the body trickles and stops.
    slow_reader, slow_writer = await asyncio.open_connection("127.0.0.1", port)
    slow_writer.write(b"POST /api/ballot HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.encode()
                      + b"\r\nContent-Length: 100\r\n\r\n{\"princ")
    held.append(slow_writer)
    # Garbage bytes.
    g_reader, g_writer = await asyncio.open_connection("127.0.0.1", port)
    g_writer.write(bytes(range(256)) * 8)
    held.append(g_writer)
    await asyncio.gather(*(w.drain() for w in held))
    assert (await quick_state(room, token))["open"]
    # The trickling body is refused after BODY_SECONDS; the garbage gets a 400 and is closed.
    assert (await asyncio.wait_for(slow_reader.read(64), 3)).startswith(b"HTTP/1.1 408")
    assert b" 400 " in await asyncio.wait_for(g_reader.read(64), 3)
    assert (await room.ballot(token, 3))[0] == 200
    for w in held:
        w.close()


async def test_idle_connections_are_closed(db_path, demo_plan, monkeypatch):
    monkeypatch.setattr(listener, "IDLE_SECONDS", 0.5)
    with Store(db_path) as store:
        session = store.start_session(demo_plan)
        server = PhoneServer(LiveSession(store, session), host="127.0.0.1", port=0)
        await server.start()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
            writer.close()
        finally:
            await server.stop()


async def test_fifty_concurrent_malformed_requests(room):
    room.live.start()
    token = await room.join()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def bad(i: int) -> int:
        kinds = [
            lambda: room.http.post(f"{room.base}/api/ballot", data=b"{" * (i + 1), headers=auth),
            lambda: room.http.post(f"{room.base}/api/ballot", data=b"x" * 5000, headers=auth),
            lambda: room.http.post(f"{room.base}/api/join", data=b"\x00\xff" * i),
            lambda: room.http.get(f"{room.base}/api/state", headers={"Authorization": "Bearer " + "\u00e9" * i}),
            lambda: room.http.post(f"{room.base}/vote", data=b"principle=%ZZ&score=" + b"9" * i, allow_redirects=False,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}),
        ]
        async with kinds[i % len(kinds)]() as r:
            await r.read()
            return r.status

    async def raw_garbage(i: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
        writer.write(b"\x16\x03\x01" + bytes([i]) * 300 + b"\r\n\r\n")
        await writer.drain()
        await asyncio.wait_for(reader.read(), 3)
        writer.close()

    statuses = await asyncio.gather(*(bad(i) for i in range(50)), *(raw_garbage(i) for i in range(10)))
    assert all(s in (303, 400, 401, 413) for s in statuses[:50]), statuses
    assert (await quick_state(room, token))["open"]
    assert (await room.ballot(token, 4))[0] == 200


async def test_connections_beyond_the_limit_are_refused_and_the_server_recovers(room):
    room.live.start()
    token = await room.join()
    room.server.max_connections = 5
    held = [await asyncio.open_connection("127.0.0.1", room.server.port) for _ in range(8)]

    async def closed_by_server(reader: asyncio.StreamReader) -> bool:
        try:
            return await asyncio.wait_for(reader.read(), 0.3) == b""
        except TimeoutError:
            return False

    closed = await asyncio.gather(*(closed_by_server(reader) for reader, _ in held))
    assert sum(closed) >= 3 and not all(closed)
    for _, writer in held:
        writer.close()
    room.server.max_connections = listener.MAX_CONNECTIONS
    await asyncio.sleep(0.05)
    assert (await quick_state(room, token, within=1))["open"]
