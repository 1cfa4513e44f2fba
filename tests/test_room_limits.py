"""The room's size as a limit on ballots from roster seats and phones, and resuming an anonymous
roster session: its seats start empty (nothing stored says which seat voted), the ballots entered
before are kept and counted, the screen says so, and re-keying a seat cannot add a ballot past
the room. A real database file, the real app under Pilot, and the phones' real voting rules."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from conftest import ROSTER_PLAN, SIZE, make_app, screen_text, wait_for

from workshop.inputs.plan import parse_plan
from workshop.session.room import RESUMED_NOTE
from workshop.session.running import LiveSession
from workshop.store import BallotError, Store
from workshop.web.voting import Voting

ANONYMOUS = ROSTER_PLAN.replace("anonymous: false", "anonymous: true\nmin_group_size: 1")


def counted(store: Store, sid: str) -> int:
    return len(store.ballots(sid))


def test_a_resumed_anonymous_roster_keeps_its_ballots_and_refuses_a_second_from_a_seat(db_path):
    plan = parse_plan(ANONYMOUS)
    with Store(db_path) as store:
        live = LiveSession(store, store.start_session(plan, ANONYMOUS))
        live.start()
        for seat in range(4):
            assert live.vote(seat, 4) and not live.resumed
        sid = live.id
    with Store(db_path) as store:
        again = LiveSession(store, store.session(sid))
        assert again.resumed
        assert not any(s.voted for s in again.seats())  # by design: nothing links a ballot to a seat
        assert again.counts() == {"council": 2, "vcs": 2}  # the stored totals
        with pytest.raises(BallotError, match="Council already has 2 ballots on this principle, as many as "
                                              "2 people in the room; this session was resumed"):
            again.vote(0, 5)
        assert counted(store, sid) == 4  # nothing stored past the room


def test_a_fresh_anonymous_roster_is_not_resumed_and_a_seat_can_change_its_ballot(db_path):
    plan = parse_plan(ANONYMOUS)
    with Store(db_path) as store:
        live = LiveSession(store, store.start_session(plan, ANONYMOUS))
        live.start()
        assert live.vote(0, 4) and live.vote(1, 2) and live.vote(0, 5)  # a change, never a new ballot
        assert not live.resumed and sorted(b.score for b in store.ballots(live.id)) == [2, 5]


async def test_the_resumed_roster_says_so_and_a_rekeyed_seat_stores_nothing(db_path):
    plan = parse_plan(ANONYMOUS)
    app = make_app(db_path, plan=(plan, ANONYMOUS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "5", "2", "d")
        assert RESUMED_NOTE not in " ".join(screen_text(app).split())
        sid = app.screen.live.id
    app = make_app(db_path, session_id=sid)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Ballots in:" in screen_text(app))
        text = " ".join(screen_text(app).split())
        assert RESUMED_NOTE in text and "Council 2 of 2" in text and "VCS 2 of 2" in text
        await pilot.press("3")  # the first seat again: refused, nothing stored
        told = lambda: " ".join(str(n.message) for n in app._notifications)  # noqa: E731
        await wait_for(pilot, lambda: "Not stored" in told())
        assert "Council seat 1: Council already has 2 ballots" in told() and "don't enter them again" in told()
        with Store(db_path) as check:
            assert sorted((b.score is None, b.score) for b in check.ballots(sid)) == [
                (False, 2), (False, 4), (False, 5), (True, None)]


def test_a_room_not_counted_is_not_taken_to_be_the_roster_when_cards_are_raised_too(db_path):
    """Cards and roster in one room, the room never counted: two council cards and the council's one
    seat all count, as the cards show more people came than the roster names."""
    text = ROSTER_PLAN.replace("modes: [roster]", "modes: [cards, roster]")
    plan = parse_plan(text)
    with Store(db_path) as store:
        live = LiveSession(store, store.start_session(plan, text))
        live.start()
        assert live.set_cards("council", 5, 2)
        assert live.vote(0, 1) and live.vote(1, 2)
        assert live.counts()["council"] == 4 and counted(store, live.id) == 4
        # Once the lobby counts the room, the count is the limit for a seat that has not voted yet.
        live.go(1)
        assert live.set_room_sizes({"council": 2, "vcs": 2}) and live.set_cards("council", 3, 2)
        with pytest.raises(BallotError, match="Council already has 2 ballots on this principle, as many as 2 people"):
            live.vote(0, 4)


@pytest.fixture
def phones(db_path, demo_plan):
    store = Store(db_path)
    live = LiveSession(store, store.start_session(dataclasses.replace(demo_plan, modes=("phones",))))
    yield live, Voting(live)
    store.close()


async def test_a_phone_past_the_room_is_told_why_and_nothing_is_stored(phones):
    live, v = phones
    assert live.set_room_sizes({"council": 2, "vcs": None})
    live.start()
    tokens = []
    for i in range(3):
        answer = await v.join(v.join_code, "council", f"127.0.0.{20 + i}")
        assert answer.status == 200
        tokens.append(answer.text)
    assert (await v.vote(tokens[0], "council", live.principle.id, 4)).ok
    assert (await v.vote(tokens[1], "council", live.principle.id, 2)).ok
    third = await v.vote(tokens[2], "council", live.principle.id, 5)
    assert third.status == 409 and third.text == (
        "Council already has 2 ballots on this principle, as many as 2 people in the room; if you are one of "
        "them, tell the facilitator, who can count the room again")
    assert (await v.vote(tokens[0], "council", live.principle.id, 1)).ok  # a change is always taken
    assert sorted(b.score for b in live.store.ballots(live.id)) == [1, 2]
    # The facilitator counts the room again: the third phone's answer is taken.
    assert live.set_room_sizes({"council": 3, "vcs": None})
    assert (await v.vote(tokens[2], "council", live.principle.id, 5)).ok
    assert sorted(b.score for b in live.store.ballots(live.id)) == [1, 2, 5]


def test_resumed_roster_seats_cannot_place_dots_past_the_room(db_path):
    text = ANONYMOUS + "priorities: {dots: 2}\n"
    plan = parse_plan(text)
    first, second = (p.id for p in plan.principles)
    with Store(db_path) as store:
        live = LiveSession(store, store.start_session(plan, text))
        live.start()
        live.open_priorities()
        assert live.set_seat_dots(0, first, 2) and live.set_seat_dots(1, second, 1)
        sid = live.id
    with Store(db_path) as store:
        again = LiveSession(store, store.session(sid))
        assert again.resumed and again.dots_placed()["council"] == 3 and again.dotted_seats() == set()
        assert again.set_seat_dots(1, second, 1)  # one more fits: 4 of the 4 two people can place
        with pytest.raises(BallotError, match="Council already has 4 of the 4 dots its 2 people in the room can "
                                              "place \\(2 each\\); this session was resumed"):
            again.set_seat_dots(0, first, 1)
        assert again.dots_placed()["council"] == 4


def test_resumed_roster_seats_cannot_predict_past_the_room(db_path):
    text = ANONYMOUS + "perception: true\n"
    plan = parse_plan(text)
    with Store(db_path) as store:
        live = LiveSession(store, store.start_session(plan, text))
        live.start()
        for seat in (0, 1):
            assert live.vote(seat, 4) and live.predict(seat, 2)
        sid = live.id
    with Store(db_path) as store:
        again = LiveSession(store, store.session(sid))
        with pytest.raises(BallotError, match="Council already has 2 predictions on this principle, as many as "
                                              "2 people in the room; this session was resumed"):
            again.predict(0, 5)
        assert len(store.predictions(sid)) == 2


async def test_a_phone_prediction_past_the_room_is_refused_with_the_reason(db_path, tmp_path):
    import aiohttp
    from test_web_perception import open_room, perception_plan

    store, live, server, _ = await open_room(db_path, tmp_path, perception_plan())
    try:
        assert live.set_room_sizes({"council": 1, "vcs": None})
        live.start()
        base = f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            said = []
            for i in range(2):
                async with http.post(f"{base}/api/join", json={"code": server.join_code, "group": "council"},
                                     headers={"X-Forwarded-For": f"10.0.0.{i}"}) as r:
                    token = (await r.json())["token"]
                async with http.post(f"{base}/api/prediction", json={"principle": live.principle.id, "score": 3},
                                     headers={"Authorization": f"Bearer {token}"}) as r:
                    said.append((r.status, await r.json()))
        assert said[0][0] == 200
        assert said[1] == (409, {"error": "Council already has 1 prediction on this principle, as many as 1 person "
                                          "in the room; if you are one of them, tell the facilitator, who can count "
                                          "the room again"})
        assert len(store.predictions(live.id)) == 1
    finally:
        await server.stop()
        store.close()


async def test_phones_arriving_together_past_the_room_are_counted_one_by_one(phones):
    """Ballots sent at once share a group commit: the room still counts each, in the order sent,
    and the group the room does not limit goes on voting beside them."""
    live, v = phones
    assert live.set_room_sizes({"council": 2, "vcs": None})
    live.start()
    council = [(await v.join(v.join_code, "council", f"127.0.0.{20 + i}")).text for i in range(3)]
    vcs = [(await v.join(v.join_code, "vcs", f"127.0.0.{30 + i}")).text for i in range(3)]
    pid = live.principle.id
    answers = await asyncio.gather(*[v.vote(t, "council", pid, 1 + i) for i, t in enumerate(council)],
                                   v.vote(council[0], "council", pid, 5),  # a change: always taken
                                   *[v.vote(t, "vcs", pid, 3) for t in vcs])
    assert [a.status for a in answers] == [200, 200, 409, 200, 200, 200, 200]
    assert answers[2].text.startswith("Council already has 2 ballots on this principle")
    assert sorted((b.group, b.score) for b in live.store.ballots(live.id)) == [
        ("council", 2), ("council", 5), ("vcs", 3), ("vcs", 3), ("vcs", 3)]
