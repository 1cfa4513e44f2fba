"""Comments from phones over HTTP: a real server on 127.0.0.1, every status of POST /api/comment, the
form without JavaScript, and what the database keeps (the principle, the group and the text only)."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest

from workshop.session.comments import MAX_COMMENT
from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.web import commenting
from workshop.web.server import PhoneServer

from test_web_api import USER_AGENT, Clock, Room, rows


class CommentRoom(Room):
    async def comment(self, token: str | None, text, principle: str | None = None, **kwargs) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        body = kwargs.pop("json", {"principle": principle or self.live.principle.id, "text": text})
        async with self.http.post(f"{self.base}/api/comment", json=body, headers=headers, **kwargs) as r:
            return r.status, await r.json()

    async def voted(self, group: str = "vcs", score=3) -> str:
        token = await self.join(group)
        assert (await self.ballot(token, score))[0] == 200
        return token


async def open_room(db_path, tmp_path, plan):
    store = Store(db_path)
    live = LiveSession(store, store.start_session(plan))
    clock = Clock()
    server = PhoneServer(live, host="127.0.0.1", port=0, log_path=tmp_path / "phones.log", clock=clock)
    await server.start()
    live.start()
    return store, live, server, clock


@pytest.fixture
async def room(db_path, demo_plan, tmp_path):
    store, live, server, clock = await open_room(db_path, tmp_path, dataclasses.replace(demo_plan, comments=True))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), headers={"User-Agent": USER_AGENT}) as http:
        yield CommentRoom(store, live, server, http, f"http://127.0.0.1:{server.port}", db_path,
                          tmp_path / "phones.log", clock)
    await server.stop()
    store.close()


def stored(room) -> list[tuple]:
    return rows(room.db_path, "SELECT principle_id, group_id, text, status FROM comments ORDER BY text")


async def test_a_voted_phone_comments_once_and_the_row_holds_principle_group_and_text_only(room):
    token = await room.voted("vcs")
    assert await room.comment(token, "  The grants\ntimetable came\t too late.  ") == (200, {"ok": True})
    assert stored(room) == [(room.live.principle.id, "vcs", "The grants timetable came too late.", "pending")]
    columns = [c[1] for c in rows(room.db_path, "PRAGMA table_info(comments)")]
    assert columns == ["id", "session_id", "principle_id", "group_id", "text", "status"]
    [(comment_id,)] = rows(room.db_path, "SELECT id FROM comments")
    assert token not in comment_id and comment_id not in {r[0] for r in rows(room.db_path, "SELECT id FROM participants")}
    rows(room.db_path, "PRAGMA wal_checkpoint(TRUNCATE)")
    raw = room.db_path.read_bytes()
    assert token.encode() not in raw and USER_AGENT.encode() not in raw and b"127.0.0.1" not in raw
    # One per phone per principle: a second one is refused, and the first stays as it was.
    status, body = await room.comment(token, "And another thing")
    assert status == 409 and "already" not in body["error"] and "sent your comment" in body["error"]
    assert len(stored(room)) == 1
    state = await room.state(token)
    assert state["can_comment"] is False and state["commented"] is True


async def test_the_next_principle_takes_a_new_comment_from_the_same_phone(room):
    token = await room.voted("council")
    assert (await room.comment(token, "First"))[0] == 200
    room.live.go(1)
    assert (await room.ballot(token, 4))[0] == 200
    assert (await room.comment(token, "Second"))[0] == 200
    assert [(p, t) for p, _, t, _ in stored(room)] == [(room.principles[0], "First"), (room.principles[1], "Second")]


@pytest.mark.parametrize("text, words", [
    ("", "write a comment first"),
    ("   \n\t ", "write a comment first"),
    ("x" * (MAX_COMMENT + 1), f"at most {MAX_COMMENT} characters and this one has {MAX_COMMENT + 1}"),
    (42, "send the comment as text"),
    (None, "send the comment as text"),
])
async def test_an_empty_oversized_or_wrong_comment_is_400_with_a_sentence(room, text, words):
    token = await room.voted()
    status, body = await room.comment(token, text)
    assert status == 400 and words in body["error"]
    assert stored(room) == []


async def test_exactly_280_characters_is_taken_whole(room):
    token = await room.voted()
    text = "é" * MAX_COMMENT  # characters, not bytes: 560 bytes of UTF-8
    assert (await room.comment(token, text))[0] == 200
    assert stored(room)[0][2] == text


async def test_not_joined_is_401(room):
    assert await room.comment(None, "Hello") == (401, {"error": "join first"})
    assert await room.comment("not-a-token", "Hello") == (401, {"error": "join first"})


async def test_bad_bodies_are_400(room):
    token = await room.voted()
    for body in (["principle", "text"], {"principle": 7, "text": "Hi"}):
        assert (await room.comment(token, None, json=body))[0] == 400
    async with room.http.post(f"{room.base}/api/comment", data=b"{not json",
                              headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.status == 400


async def test_before_voting_is_409(room):
    token = await room.join("vcs")
    status, body = await room.comment(token, "I have not voted")
    assert status == 409 and "vote on this principle first" in body["error"]
    assert stored(room) == []


async def test_a_closed_principle_or_another_one_is_409(room):
    token = await room.voted()
    room.live.reveal()
    status, body = await room.comment(token, "Too late")
    assert status == 409 and "not open" in body["error"]
    status, _ = await room.comment(token, "Elsewhere", principle=room.principles[3])
    assert status == 409
    assert stored(room) == []


async def test_other_sites_are_403_before_anything_is_read(room):
    token = await room.voted()
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "cross-site"}):
        assert (await room.comment(token, "From elsewhere", headers=headers))[0] == 403
    async with room.http.post(f"{room.base}/api/comment", json={"principle": room.live.principle.id, "text": "x"},
                              headers={"Authorization": f"Bearer {token}", "Host": "evil.example"}) as r:
        assert r.status == 403
    assert stored(room) == []
    assert (await room.comment(token, "From the page", headers={"Origin": room.base}))[0] == 200


async def test_an_oversized_body_is_413(room):
    token = await room.voted()
    async with room.http.post(f"{room.base}/api/comment", data=b"x" * 5000,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}) as r:
        assert r.status == 413
    assert stored(room) == []


async def test_one_address_is_held_to_ten_comments_a_minute(room):
    # Every phone here shares 127.0.0.1: the eleventh comment within the minute waits.
    tokens = [await room.voted("vcs" if i % 2 else "council") for i in range(commenting.COMMENTS_PER_ADDRESS + 1)]
    for i, token in enumerate(tokens[:-1]):
        assert (await room.comment(token, f"Comment {i:02d}"))[0] == 200
    async with room.http.post(f"{room.base}/api/comment", json={"principle": room.live.principle.id, "text": "One more"},
                              headers={"Authorization": f"Bearer {tokens[-1]}"}) as r:
        assert r.status == 429 and int(r.headers["Retry-After"]) >= 1
        assert "wait a minute" in (await r.json())["error"]
    assert len(stored(room)) == commenting.COMMENTS_PER_ADDRESS
    room.clock.now += 61
    assert (await room.comment(tokens[-1], "One more"))[0] == 200


async def test_a_plan_without_comments_refuses_them_with_409(db_path, demo_plan, tmp_path):
    store, live, server, _ = await open_room(db_path, tmp_path, demo_plan)
    try:
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{server.port}"
            async with http.post(f"{base}/api/join", json={"code": server.join_code, "group": "vcs"}) as r:
                token = (await r.json())["token"]
            auth = {"Authorization": f"Bearer {token}"}
            async with http.post(f"{base}/api/ballot", json={"principle": live.principle.id, "score": 2},
                                 headers=auth) as r:
                assert r.status == 200
            async with http.post(f"{base}/api/comment", json={"principle": live.principle.id, "text": "Hi"},
                                 headers=auth) as r:
                assert r.status == 409 and "takes no comments" in (await r.json())["error"]
            async with http.get(f"{base}/", headers=auth) as r:
                assert "comment" not in (await r.text()).lower().replace("<!--", "")
            async with http.get(f"{base}/api/state", headers=auth) as r:
                assert "can_comment" not in await r.json()
    finally:
        await server.stop()
        store.close()


async def test_the_comment_form_works_without_javascript(room):
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as phone:
        async with phone.post(f"{room.base}/join", data={"code": room.server.join_code, "group": "vcs"}) as r:
            page = await r.text()
            assert 'id="comment-form"' not in page  # not before voting
        async with phone.post(f"{room.base}/vote", data={"principle": room.live.principle.id, "score": "2"}) as r:
            page = await r.text()
        assert '<label for="comment" class="field">Add a comment on this principle' in page
        assert f'maxlength="{MAX_COMMENT}"' in page and 'action="/comment"' in page
        too_long = "y" * (MAX_COMMENT + 5)
        async with phone.post(f"{room.base}/comment", data={"principle": room.live.principle.id, "text": too_long},
                              allow_redirects=False) as r:
            page = await r.text()
            assert r.status == 400 and f"this one has {MAX_COMMENT + 5}" in page
            assert f">{too_long}</textarea>" in page  # what was typed is still there to shorten
        async with phone.post(f"{room.base}/comment", data={"principle": room.live.principle.id,
                                                            "text": "<b>Bold</b> & plain"},
                              allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/?commented=1"
        async with phone.get(f"{room.base}/?commented=1") as r:
            page = await r.text()
        assert "Your comment is sent." in page and 'id="comment-form"' not in page
        async with phone.post(f"{room.base}/comment", data={"principle": room.live.principle.id, "text": "Again"},
                              allow_redirects=False) as r:
            assert r.status == 409
    assert stored(room) == [(room.live.principle.id, "vcs", "<b>Bold</b> & plain", "pending")]
    async with room.http.post(f"{room.base}/comment", data={"principle": room.live.principle.id, "text": "x"},
                              allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == "/"  # not joined: back to the join page


async def test_a_comment_is_counted_once_committed(room):
    token = await room.voted()
    assert room.live.comments.waiting() == {}
    assert (await room.comment(token, "Counted"))[0] == 200
    assert room.live.comments.waiting() == {room.live.principle.id: 1}
    assert room.live.comments.waiting_words() == "1 comment waits (on this principle)"
