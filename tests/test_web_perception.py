"""The perception round on phones: POST /api/prediction with every status it answers, the no-script
form that sends both answers, and chromium rating then predicting on the same page."""

from __future__ import annotations

import dataclasses
import sqlite3
from types import SimpleNamespace

import aiohttp
import pytest
from conftest import REPO
from test_web_api import USER_AGENT, Clock, Room, rows
from test_web_attack import HeldLock
from test_web_browser import ARGS, CHROMIUM, PHONE, join, needs_browser

from workshop.inputs.plan import load_plan
from workshop.model import Group
from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.web import batcher, voting
from workshop.web.guard import ballot_id, prediction_id
from workshop.web.server import PhoneServer

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # pragma: no cover - depends on the machine
    async_playwright = None


def perception_plan(more_groups=(), on: bool = True):
    """The demo plan with the perception round (or without), every group shown, and more groups."""
    plan, _ = load_plan(REPO / "sessions" / "demo.yaml")
    return dataclasses.replace(plan, perception=on, min_group_size=1,
                               groups=plan.groups + tuple(Group(g, g.title()) for g in more_groups))


async def open_room(db_path, tmp_path, plan):
    store = Store(db_path)
    live = LiveSession(store, store.start_session(plan))
    clock = Clock()
    server = PhoneServer(live, host="127.0.0.1", port=0, log_path=tmp_path / "phones.log", clock=clock)
    await server.start()
    return store, live, server, clock


@pytest.fixture
async def room(db_path, tmp_path):
    store, live, server, clock = await open_room(db_path, tmp_path, perception_plan(("health",)))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), headers={"User-Agent": USER_AGENT}) as http:
        yield Room(store, live, server, http, f"http://127.0.0.1:{server.port}", db_path, tmp_path / "phones.log",
                   clock)
    await server.stop()
    store.close()


async def predict(room: Room, token: str | None, score, principle: str | None = None, **kwargs) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = kwargs.pop("json", {"principle": principle or room.live.principle.id, "score": score})
    async with room.http.post(f"{room.base}/api/prediction", json=body, headers=headers) as r:
        return r.status, await r.json()


async def test_a_phone_rates_then_predicts_the_other_side(room):
    room.live.start()
    token = await room.join("council")
    assert await room.ballot(token, 4) == (200, {"ok": True, "my_ballot": 4})
    assert await predict(room, token, 2) == (200, {"ok": True, "my_prediction": 2})
    # In the file when the 200 arrives, kept apart from the ballot and under an id of its own.
    pid = room.live.principle.id
    assert rows(room.db_path, "SELECT group_id, score FROM ballots") == [("council", 4)]
    assert rows(room.db_path, "SELECT participant_id, group_id, about_group_id, score, mode, cast_at "
                              "FROM predictions") == [
        (prediction_id(token, room.live.id, pid), "council", "vcs", 2, "phones", None)]
    assert prediction_id(token, room.live.id, pid) != ballot_id(token, room.live.id, pid)
    assert await predict(room, token, "dk") == (200, {"ok": True, "my_prediction": "dk"})  # the latest counts
    assert rows(room.db_path, "SELECT score, dont_know FROM predictions") == [(None, 1)]
    state = await room.state(token)
    assert state["my_ballot"] == 4 and state["predict"] == {"about": "vcs", "my_prediction": "dk"}
    assert room.live.prediction_counts() == {"council": 1, "vcs": 0}


async def test_every_status_of_the_prediction_endpoint(room, monkeypatch):
    room.live.start()
    council, health = await room.join("council"), await room.join("health")
    assert (await predict(room, None, 3))[0] == 401
    assert await predict(room, "not-a-token", 3) == (401, {"error": "join first"})
    assert await predict(room, council, 9) == (400, {"error": "a prediction must be 1 to 5 or dk (don't know)"})
    assert await predict(room, council, True) == (400, {"error": "a prediction must be 1 to 5 or dk (don't know)"})
    assert await predict(room, council, 3, json={"score": 3}) == (400, {"error": "say which principle"})
    assert await predict(room, council, 3, json=[3]) == (400, {"error": 'send {"principle": "...", "score": 3}'})
    assert await predict(room, health, 3) == (403, {"error": "only the two compared sides predict each other's rating"})
    assert await predict(room, council, 3, principle=room.principles[1]) == (
        409, {"error": "voting on that principle is not open now"})
    room.clock.now += 1
    for _ in range(voting.BALLOTS_PER_SECOND):
        assert (await predict(room, council, 3))[0] == 200
    status, body = await predict(room, council, 3)
    assert status == 429 and body == {"error": "slow down: one answer at a time"}
    room.clock.now += 1
    with HeldLock(room.db_path):  # another program holds the file: nothing saved, send again
        status, body = await predict(room, council, 4)
        assert status == 503 and "send it again" in body["error"]
    room.clock.now += batcher.BUSY_PAUSE_SECONDS + 1
    conn = sqlite3.connect(room.db_path)
    conn.execute("CREATE TRIGGER broken BEFORE INSERT ON predictions BEGIN SELECT RAISE(ABORT, 'disk'); END")
    conn.commit()
    vcs = await room.join("vcs")
    assert await predict(room, vcs, 4) == (500, {"error": "your answer could not be saved; try again"})
    conn.execute("DROP TRIGGER broken")
    conn.commit()
    conn.close()
    room.live.reveal()
    assert (await predict(room, vcs, 4))[0] == 409
    assert rows(room.db_path, "SELECT group_id, score FROM predictions") == [("council", 3)]


async def test_without_the_round_the_endpoint_is_404(db_path, tmp_path):
    store, live, server, _ = await open_room(db_path, tmp_path, perception_plan(on=False))
    try:
        live.start()
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{server.port}"
            async with http.post(f"{base}/api/join", json={"code": server.join_code, "group": "vcs"}) as r:
                token = (await r.json())["token"]
            headers = {"Authorization": f"Bearer {token}"}
            async with http.post(f"{base}/api/prediction", json={"principle": live.principle.id, "score": 3},
                                 headers=headers) as r:
                assert r.status == 404 and (await r.json()) == {"error": "this workshop has no perception round"}
            async with http.get(f"{base}/", headers=headers) as r:
                page = await r.text()
        assert "How will" not in page and "Send my answer<" in page  # the page is as it always was
        assert rows(db_path, "SELECT COUNT(*) FROM predictions") == [(0,)]
    finally:
        await server.stop()
        store.close()


async def test_the_form_sends_both_answers_without_javascript(room):
    room.live.start()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as phone:
        async with phone.post(f"{room.base}/join", data={"code": room.server.join_code, "group": "vcs"},
                              allow_redirects=False) as r:
            assert r.status == 303
        async with phone.get(f"{room.base}/") as r:
            page = await r.text()
        assert "<legend>How will Council rate this?</legend>" in page and 'name="predict" value="dk"' in page
        form = {"principle": room.live.principle.id, "score": "2", "predict": "5"}
        async with phone.post(f"{room.base}/vote", data=form, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/?saved=1"
        async with phone.get(f"{room.base}/?saved=1") as r:
            page = await r.text()
        assert 'name="predict" value="5" checked' in page and "you expect Council to say <b>5" in page
        async with phone.post(f"{room.base}/vote", data={**form, "predict": "8"}, allow_redirects=False) as r:
            assert r.status == 400 and "prediction must be 1 to 5" in await r.text()
        async with phone.post(f"{room.base}/vote", data={**form, "score": "3", "predict": ""},
                              allow_redirects=False) as r:
            assert r.status == 303  # the prediction may be left out: the rating alone is saved
    assert rows(room.db_path, "SELECT group_id, score FROM ballots") == [("vcs", 3)]
    assert rows(room.db_path, "SELECT group_id, about_group_id, score FROM predictions") == [("vcs", "council", 5)]


async def test_a_third_side_is_not_asked_and_the_reveal_says_what_each_side_expected(room):
    room.live.start()
    health, council = await room.join("health"), await room.join("council")
    async with room.http.get(f"{room.base}/", headers={"Authorization": f"Bearer {health}"}) as r:
        assert "How will" not in await r.text()
    for score in (4, 4, 5):
        room.store.record_ballot(room.live.id, room.live.principle.id, "vcs", 2)
        room.store.record_prediction(room.live.id, room.live.principle.id, "council", "vcs", score)
    room.live.reveal()
    async with room.http.get(f"{room.base}/", headers={"Authorization": f"Bearer {council}"}) as r:
        page = await r.text()
    assert "Council expected VCS to rate this 4.3; VCS rated it 2.0." in page.replace("&#x27;", "'")
    state = await room.state(council)
    assert state["perceptions"]["council"] == {"about": "vcs", "n": 3, "dont_know": 0, "mean": 4.333,
                                               "actual": 2.0, "error": 2.333, "suppressed": False}


# --- in Debian's chromium --------------------------------------------------------------------

@needs_browser
async def test_chromium_rates_and_predicts_on_the_same_page(db_path, tmp_path):
    store, live, server, _ = await open_room(db_path, tmp_path, perception_plan())
    try:
        phones = SimpleNamespace(server=server)  # all that join() needs of the browser test's room
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            context = await browser.new_context(**PHONE)
            page = await context.new_page()
            status = page.locator("#status")
            await join(page, phones, "VCS")
            live.start()
            statement = live.plan.principles[0].statement
            await expect(page.get_by_role("heading", level=2, name=statement)).to_be_visible(timeout=5000)
            rating = page.get_by_role("group", name="How true is this in our area today?")
            guess = page.get_by_role("group", name="How will Council rate this?")
            await rating.get_by_role("radio", name="2 Slightly true").check()
            await guess.get_by_role("radio", name="4 Mostly true").check()
            await page.get_by_role("button", name="Send my answers").click()
            await expect(status).to_have_text("Your answers are saved: 2 Slightly true; your guess: 4 Mostly true.")
            await expect(page.locator("#mine")).to_contain_text("your guess at the other side: 4 Mostly true")
            assert [(b.group, b.score) for b in store.ballots(live.id)] == [("vcs", 2)]
            assert [(p.group, p.about, p.score) for p in store.predictions(live.id)] == [("vcs", "council", 4)]
            # A rating alone is fine; the guess can be changed on its own next time.
            await guess.get_by_role("radio", name="Don't know").check()
            await page.get_by_role("button", name="Send my answers").click()
            await expect(status).to_contain_text("your guess: Don't know")
            assert [p.score for p in store.predictions(live.id)] == [None]
            # The reveal: what each side expected, in words, on the phone too.
            for score in (5, 4, 4):
                store.record_ballot(live.id, live.principle.id, "council", score)
            live.reveal()
            await expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=5000)
            await expect(page.locator(".perceptions li")).to_have_text([
                "No predictions from Council of how VCS rates this.",
                "VCS could not say how Council rates this (1 don't know)."])
            await context.close()
            await browser.close()
    finally:
        await server.stop()
        store.close()


async def test_with_comments_too_the_box_follows_both_answers(db_path, tmp_path):
    store, live, server, _ = await open_room(db_path, tmp_path, dataclasses.replace(perception_plan(), comments=True))
    try:
        live.start()
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as phone:
            base = f"http://127.0.0.1:{server.port}"
            async with phone.post(f"{base}/join", data={"code": server.join_code, "group": "council"},
                                  allow_redirects=False) as r:
                assert r.status == 303
            form = {"principle": live.principle.id, "score": "4", "predict": "2"}
            async with phone.post(f"{base}/vote", data=form, allow_redirects=False) as r:
                assert r.status == 303
            async with phone.get(f"{base}/?saved=1") as r:
                page = await r.text()
        assert 'id="comment-form"' in page and 'name="predict" value="2" checked' in page
        assert rows(db_path, "SELECT group_id, about_group_id, score FROM predictions") == [("council", "vcs", 2)]
    finally:
        await server.stop()
        store.close()
