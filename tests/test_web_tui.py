"""Phones vote over real HTTP while the facilitator drives the app by keys: the projector and the file agree."""

from __future__ import annotations

import aiohttp
import pytest
from conftest import REPO

from workshop.inputs.plan import load_plan
from workshop.store import Store
from workshop.tui.app import WorkshopApp
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.vote import VoteScreen
from workshop.web.server import ballot_id

SIZE = (120, 36)


def screen_text(app) -> str:
    """What a person sees: the rendered lines of the current screen."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot, condition, what: str, tries: int = 60):
    """Poll, for at most tries x 0.05 s: the app refreshes phone counts at most every 0.2 s."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def demo():
    return load_plan(REPO / "sessions" / "demo.yaml")


class Phone:
    """One participant's phone: joins with the code on the screen and votes with its token."""

    def __init__(self, http: aiohttp.ClientSession, base: str):
        self.http, self.base, self.token = http, base, None

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    async def join(self, code: str, group: str) -> int:
        async with self.http.post(f"{self.base}/api/join", json={"code": code, "group": group}) as r:
            if r.status == 200:
                self.token = (await r.json())["token"]
            return r.status

    async def vote(self, principle: str, score) -> int:
        async with self.http.post(f"{self.base}/api/ballot", json={"principle": principle, "score": score},
                                  headers=self.auth) as r:
            return r.status

    async def state(self) -> dict:
        async with self.http.get(f"{self.base}/api/state", headers=self.auth) as r:
            assert r.status == 200
            return await r.json()


async def test_phones_vote_and_follow_the_facilitator(db_path, demo):
    app = WorkshopApp(Store(db_path), plan=demo, sessions_dir=REPO / "sessions", phones=True,
                      host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None, "the phone server started")
        server = app.phone_server
        base = f"http://127.0.0.1:{server.port}"
        assert server.port != 0
        # The lobby shows where to go and the code (and the QR of both).
        assert isinstance(app.screen, LobbyScreen)
        await wait_for(pilot, lambda: base in screen_text(app) and server.join_code in screen_text(app),
                       "the lobby shows the address and code")
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            council, vcs = Phone(http, base), Phone(http, base)
            assert await council.join(server.join_code, "council") == 200
            assert (await council.state())["principle"] is None  # nothing open in the lobby

            await pilot.press("enter")  # begin: principle 1 opens
            assert isinstance(app.screen, VoteScreen)
            live = app.screen.live
            first = live.principle.id
            text = screen_text(app)
            assert base in text and server.join_code in text
            assert "Ballots in: Council 0   VCS 0" in text

            assert await vcs.join(server.join_code.lower(), "vcs") == 200
            assert await council.vote(first, 4) == 200
            assert await vcs.vote(first, "dk") == 200
            await wait_for(pilot, lambda: "Ballots in: Council 1   VCS 1" in screen_text(app),
                           "the vote screen counts the phones' ballots")
            with Store(db_path) as check:
                got = {(b.group, b.score, b.participant) for b in check.ballots(live.id, first)}
            assert got == {("council", 4, ballot_id(council.token, live.id, first)),
                           ("vcs", None, ballot_id(vcs.token, live.id, first))}
            assert "mean" not in screen_text(app)  # the count shows, never the scores, before reveal

            # k: a new code for the screen; the old one no longer lets a phone join, phones in keep voting.
            old_code = server.join_code
            await pilot.press("k")
            await wait_for(pilot, lambda: server.join_code in screen_text(app), "the new code is shown")
            assert server.join_code != old_code and old_code not in screen_text(app)
            latecomer = Phone(http, base)
            assert await latecomer.join(old_code, "vcs") == 403
            assert await latecomer.join(server.join_code, "vcs") == 200
            assert await vcs.vote(first, 2) == 200  # re-vote replaces
            await wait_for(pilot, lambda: "Ballots in: Council 1   VCS 1" in screen_text(app), "still one each")

            # n (twice: the first says principle 1 is not revealed yet): the phones follow to principle 2.
            await pilot.press("n", "n")
            state = await council.state()
            assert state["principle"]["number"] == 2 and state["open"] and state["my_ballot"] is None
            second = live.principle.id
            assert state["principle"]["id"] == second
            assert await council.vote(first, 5) == 409  # principle 1 is no longer the open one
            for phone, score in ((council, 5), (vcs, 1), (latecomer, 2)):
                assert await phone.vote(second, score) == 200
            await wait_for(pilot, lambda: "Ballots in: Council 1   VCS 2" in screen_text(app),
                           "the counts of principle 2")

            # r: the phones see the revealed results, and can no longer vote.
            await pilot.press("r")
            assert "REVEALED" in screen_text(app)
            state = await vcs.state()
            assert state["revealed"] and not state["open"] and state["my_ballot"] == 1
            # Under the plan's min_group_size of 3, neither group shows a mean: as on the projector.
            assert all(g["suppressed"] and g["mean"] is None for g in state["results"].values())
            assert await vcs.vote(second, 3) == 409

    with Store(db_path) as check:
        ballots = check.ballots(live.id)
    assert sorted((b.principle_id == first, b.group, b.score) for b in ballots) == [
        (False, "council", 5), (False, "vcs", 1), (False, "vcs", 2), (True, "council", 4), (True, "vcs", 2)]


async def test_the_server_stops_with_the_app(db_path, demo):
    app = WorkshopApp(Store(db_path), plan=demo, sessions_dir=REPO / "sessions", phones=True,
                      host="127.0.0.1", port=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phone_server is not None, "the phone server started")
        base = f"http://127.0.0.1:{app.phone_server.port}"
        async with aiohttp.ClientSession() as http, http.get(f"{base}/") as r:
            assert r.status == 200
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.get(f"{base}/"):
                pass
