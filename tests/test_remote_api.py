"""The facilitator's remote over HTTP: pairing, its refusals, and the private view (a real server on 127.0.0.1).

The laptop's answer to "Pair this device?" is given here through the same call the app's dialog
makes (Remotes.decide); the dialog itself and the remote's presses are tested with the app in
test_remote_tui.py and in chromium in test_remote_browser.py.
"""

from __future__ import annotations

import aiohttp
import pytest

from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.web.remote_routes import PAIRING_COOKIE, REMOTE_COOKIE
from workshop.web.server import PhoneServer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Device:
    """One browser: its own cookies, sent by hand (the test's client keeps none)."""

    def __init__(self, http: aiohttp.ClientSession, base: str):
        self.http, self.base, self.cookies = http, base, {}

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        headers.update(extra or {})
        return headers

    def _keep(self, response: aiohttp.ClientResponse) -> None:
        for name, morsel in response.cookies.items():
            if morsel.value and morsel["max-age"] != "0":
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)

    async def post(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str, str]:
        async with self.http.post(self.base + path, data=data or {}, headers=self._headers(headers),
                                  allow_redirects=False) as r:
            self._keep(r)
            return r.status, r.headers.get("Location", ""), await r.text()

    async def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        async with self.http.get(self.base + path, headers=self._headers(headers), allow_redirects=False) as r:
            self._keep(r)
            return r.status, await r.text()

    async def state(self) -> tuple[int, dict]:
        async with self.http.get(self.base + "/api/remote/state", headers=self._headers()) as r:
            return r.status, await r.json()


class Room:
    def __init__(self, store, live, server, http, base, clock):
        self.store, self.live, self.server, self.http, self.base, self.clock = store, live, server, http, base, clock
        self.asked = []  # what the laptop was asked, in order
        server.remote.remotes.asked = self.asked.append

    @property
    def remotes(self):
        return self.server.remote.remotes

    def device(self) -> Device:
        return Device(self.http, self.base)

    async def ask(self, device: Device) -> str:
        """The device asks to pair: the code it shows."""
        status, location, _ = await device.post("/remote/pair")
        assert (status, location) == (303, "/remote")
        page = (await device.get("/remote"))[1]
        code = self.asked[-1].code
        assert code in page and "Ask the laptop" not in page
        return code

    async def pair(self, device: Device) -> None:
        code = await self.ask(device)
        self.remotes.decide(self.asked[-1], True)  # y on the laptop
        status, location, _ = await device.post("/remote/claim", {"code": code})
        assert (status, location) == (303, "/remote")


@pytest.fixture
async def room(db_path, demo_plan):
    store = Store(db_path)
    live = LiveSession(store, store.start_session(demo_plan))
    clock = Clock()
    server = PhoneServer(live, host="127.0.0.1", port=0, clock=clock)
    await server.start()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        yield Room(store, live, server, http, f"http://127.0.0.1:{server.port}", clock)
    await server.stop()
    store.close()


async def test_a_device_pairs_once_the_laptop_says_yes(room):
    device = room.device()
    assert "Ask the laptop to pair this device" in (await device.get("/remote"))[1]
    code = await room.ask(device)
    assert len(code) == 4 and code != room.server.join_code
    # Before the laptop answers, the code alone gets nothing.
    assert (await device.post("/remote/claim", {"code": code}))[0] == 409
    assert (await device.state())[0] == 401
    room.remotes.decide(room.asked[-1], True)
    page = (await device.get("/remote"))[1]
    assert "Confirmed on the laptop" in page and "Finish pairing" in page
    async with room.http.post(room.base + "/remote/claim", data={"code": code}, allow_redirects=False,
                              headers=device._headers()) as r:
        assert r.status == 303
        cookie = r.headers.getall("Set-Cookie")
        secret = r.cookies[REMOTE_COOKIE].value
    made = next(c for c in cookie if c.startswith(REMOTE_COOKIE + "="))
    assert "HttpOnly" in made and "SameSite=Strict" in made and len(secret) >= 43  # 256 random bits
    device.cookies = {REMOTE_COOKIE: secret}
    status, state = await device.state()
    assert status == 200 and state["remote"] == "Remote 1"
    assert state["principle"]["number"] == 1 and state["ballots"] == {"council": 0, "vcs": 0}
    assert [r.name for r in room.remotes.paired()] == ["Remote 1"]
    # Nothing about the pairing reached the database.
    assert secret not in room.store.path.read_bytes().decode("latin-1")


async def test_a_wrong_code_pairs_nothing_and_three_end_the_request(room):
    device = room.device()
    code = await room.ask(device)
    room.remotes.decide(room.asked[-1], True)
    wrong = "AAAA" if code != "AAAA" else "BBBB"
    status, _, page = await device.post("/remote/claim", {"code": wrong})
    assert status == 403 and "not this device" in page
    assert (await device.post("/remote/claim", {"code": code}))[0] == 303  # its own code still works
    assert (await device.state())[0] == 200
    # Another request: three wrong codes and it is over, the right code too.
    other = room.device()
    code = await room.ask(other)
    room.remotes.decide(room.asked[-1], True)
    for _ in range(3):
        assert (await other.post("/remote/claim", {"code": wrong}))[0] == 403
    assert (await other.post("/remote/claim", {"code": code}))[0] == 403
    assert len(room.remotes.paired()) == 1


async def test_the_code_seen_on_the_projector_is_not_enough(room):
    """The laptop's dialog shows the code, so the room can read it: without the device's own
    request (its cookie) it pairs nothing."""
    device = room.device()
    code = await room.ask(device)
    room.remotes.decide(room.asked[-1], True)
    onlooker = room.device()
    assert (await onlooker.post("/remote/claim", {"code": code}))[0] == 403
    assert (await device.post("/remote/claim", {"code": code}))[0] == 303


async def test_a_used_code_cannot_be_replayed(room):
    device = room.device()
    code = await room.ask(device)
    room.remotes.decide(room.asked[-1], True)
    handle = device.cookies[PAIRING_COOKIE]
    assert (await device.post("/remote/claim", {"code": code}))[0] == 303
    replay = room.device()
    replay.cookies = {PAIRING_COOKIE: handle}
    status, _, page = await replay.post("/remote/claim", {"code": code})
    assert status == 403 and "ended" in page
    assert len(room.remotes.paired()) == 1


async def test_a_refused_device_is_told_and_pairs_nothing(room):
    device = room.device()
    code = await room.ask(device)
    room.remotes.decide(room.asked[-1], False)  # n on the laptop
    assert "did not pair" in (await device.get("/remote"))[1]
    assert (await device.post("/remote/claim", {"code": code}))[0] == 403
    assert room.remotes.paired() == []


async def test_a_third_device_is_refused(room):
    first, second, third = room.device(), room.device(), room.device()
    await room.pair(first)
    await room.pair(second)
    status, _, page = await third.post("/remote/pair")
    assert status == 409 and "2 remotes already" in page
    assert len(room.asked) == 2  # the laptop was not even asked
    assert [r.name for r in room.remotes.paired()] == ["Remote 1", "Remote 2"]


async def test_one_question_at_a_time_and_a_limit_per_device(room):
    first, second = room.device(), room.device()
    await room.ask(first)
    assert (await second.post("/remote/pair"))[0] == 409  # the laptop is asking about the first
    for _ in range(2):
        room.remotes.decide(room.asked[-1], False)
        await room.ask(first)
    room.remotes.decide(room.asked[-1], False)
    async with room.http.post(room.base + "/remote/pair", allow_redirects=False) as r:
        assert r.status == 429 and int(r.headers["Retry-After"]) >= 1  # 3 a minute from one address
    room.clock.now += 61
    await room.ask(first)


async def test_unpairing_ends_the_remote_at_once(room):
    device = room.device()
    await room.pair(device)
    assert (await device.state())[0] == 200
    assert room.remotes.unpair(1)
    assert (await device.state())[0] == 401
    status, location, _ = await device.post("/remote/act", {"action": "reveal"})
    assert (status, location) == (303, "/remote")  # back to pairing; nothing was revealed
    assert room.live.state() == "pending"
    assert "Ask the laptop to pair this device" in (await device.get("/remote"))[1]
    # Its number is free again for the next device.
    await room.pair(room.device())
    assert [r.name for r in room.remotes.paired()] == ["Remote 1"]


async def test_a_participants_token_never_acts_as_a_remote(room):
    async with room.http.post(room.base + "/api/join", json={"code": room.server.join_code, "group": "vcs"}) as r:
        token = (await r.json())["token"]
    for headers in ({"Authorization": f"Bearer {token}"}, {"Cookie": f"{REMOTE_COOKIE}={token}"},
                    {"Cookie": f"workshop_token={token}"}):
        async with room.http.get(room.base + "/api/remote/state", headers=headers) as r:
            assert r.status == 401
        async with room.http.post(room.base + "/api/remote/action", json={"action": "reveal"}, headers=headers) as r:
            assert r.status == 401
    assert room.live.state() == "pending"


async def test_other_sites_and_other_hosts_are_refused(room):
    device = room.device()
    assert (await device.post("/remote/pair", headers={"Origin": "http://evil.example"}))[0] == 403
    assert (await device.post("/remote/pair", headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}))[0] == 403
    assert (await device.get("/remote", headers={"Host": f"evil.example:{room.server.port}"}))[0] == 403
    assert room.asked == []
    await room.pair(device)
    status, _, _ = await device.post("/remote/act", {"action": "next"}, headers={"Origin": "http://evil.example"})
    assert status == 403
    assert (await device.get("/api/remote/state", headers={"Host": "evil.example"}))[0] == 403
    # From the page itself, it is taken.
    assert (await device.post("/remote/pair", headers={"Origin": room.base}))[0] == 303


async def test_the_remote_alone_sees_the_ballots_before_the_reveal(room):
    room.live.start()
    principle = room.live.principle.id
    for score in (4, 5, 4):
        room.store.record_ballot(room.live.id, principle, "council", score)
    room.store.record_ballot(room.live.id, principle, "vcs", 2)
    async with room.http.post(room.base + "/api/join", json={"code": room.server.join_code, "group": "vcs"}) as r:
        token = (await r.json())["token"]
    async with room.http.get(room.base + "/api/state", headers={"Authorization": f"Bearer {token}"}) as r:
        phone = await r.json()
    assert phone["open"] and "results" not in phone  # phones see no distribution while voting is open
    device = room.device()
    await room.pair(device)
    status, state = await device.state()
    assert status == 200 and state["state"] == "open" and state["ballots"] == {"council": 3, "vcs": 1}
    assert state["results"]["council"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert state["results"]["vcs"]["suppressed"] and state["results"]["vcs"]["counts"] == {}
    page = (await device.get("/remote"))[1]
    assert "Only on this remote" in page and "Mean 4.3" in page and "Too few to show" in page
    assert "Ballots in (4): Council 3, VCS 1" in page
    assert 'value="reveal">Reveal results' in page and "Reopen" not in page
    # Without the app there is nobody to press the key: the remote is told, and nothing changes.
    assert (await device.post("/remote/act", {"action": "reveal"}))[0] == 503
    assert (await device.post("/remote/act", {"action": "delete"}))[0] == 400
    assert room.live.state() == "open"


async def test_a_runaway_remote_is_slowed_down(room):
    device = room.device()
    await room.pair(device)
    for _ in range(10):
        assert (await device.post("/remote/act", {"action": "previous"}))[0] == 503  # no app here to run it
    async with room.http.post(room.base + "/remote/act", data={"action": "previous"}, allow_redirects=False,
                              headers=device._headers()) as r:
        assert r.status == 429 and r.headers["Retry-After"] == "1"
    room.clock.now += 1
    assert (await device.post("/remote/act", {"action": "previous"}))[0] == 503


async def test_the_remote_page_never_reloads_under_a_count_being_typed(room):
    device = room.device()
    await room.pair(device)
    assert 'http-equiv="refresh"' in (await device.get("/remote"))[1]  # the lobby: it follows by itself
    room.live.start()
    page = (await device.get("/remote"))[1]
    assert "Count cards" in page and 'http-equiv="refresh"' not in page
    for bad in ({"principle": room.live.principle.id, "group": "nobody", "c-4": "1"},
                {"group": "council", "c-4": "1"}):
        assert (await device.post("/remote/cards", bad))[0] == 400
    assert room.store.card_counts(room.live.id, room.live.principle.id) == {}
