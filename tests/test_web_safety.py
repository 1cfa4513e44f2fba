"""What a hostile plan or page cannot do to a phone: markup in the plan's words is shown as words on the
vote page and in the live updates, and a browser's request from another site changes nothing.
A real server on 127.0.0.1 and a real database file."""

from __future__ import annotations

import json

import aiohttp
import pytest

from workshop.inputs.plan import parse_plan
from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.web.server import PhoneServer

from test_web_api import Room, next_event, room, rows  # noqa: F401  (room: a fixture)

STATEMENT = 'Grants & contracts are "fair" <script>alert(1)</script>'
PLAN = f"""
title: Tom & Jerry <b>Partnership</b>
date: 2026-12-03
groups: [council, vcs]
scale: {{min: 1, max: 5}}
principles: {{ids: []}}
extra_principles:
  - {{id: local-1, statement: {json.dumps(STATEMENT)}, theme: local, addressed_to: both}}
modes: [phones]
"""
ESCAPED = "Grants &amp; contracts are &quot;fair&quot; &lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
async def marked_up(db_path, tmp_path):
    """A running session whose plan has markup in its title and its one statement."""
    store = Store(db_path)
    live = LiveSession(store, store.start_session(parse_plan(PLAN), PLAN))
    server = PhoneServer(live, host="127.0.0.1", port=0)
    await server.start()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        yield Room(store, live, server, http, f"http://127.0.0.1:{server.port}", db_path, tmp_path / "log", None)
    await server.stop()
    store.close()


def assert_escaped(html: str) -> None:
    assert ESCAPED in html
    assert "<script>" not in html and "alert(1)</script>" not in html
    assert " & " not in html and '"fair"' not in html


async def test_markup_in_a_statement_is_shown_as_words_on_the_vote_page(marked_up):
    room = marked_up
    room.live.start()
    token = await room.join("vcs")
    async with room.http.get(f"{room.base}/", headers={"Authorization": f"Bearer {token}"}) as r:
        page = await r.text()
    assert r.status == 200 and 'name="score"' in page
    assert_escaped(page)
    assert "<title>Tom &amp; Jerry &lt;b&gt;Partnership&lt;/b&gt;</title>" in page
    async with room.http.get(f"{room.base}/?code=AB") as r:  # the join form carries the title too
        assert "<b>Partnership" not in await r.text()


async def test_markup_in_a_statement_is_escaped_in_the_live_updates(marked_up):
    room = marked_up
    token = await room.join("vcs")
    async with room.http.get(f"{room.base}/api/events", headers={"Authorization": f"Bearer {token}"}) as events:
        await next_event(events)  # waiting for the first principle
        room.live.start()
        opened = await next_event(events)
        assert 'name="score"' in opened["html"]
        assert_escaped(opened["html"])
        assert opened["state"]["principle"]["statement"] == STATEMENT  # the data itself is the words
        room.live.reveal()
        revealed = await next_event(events)
        assert "Results" in revealed["html"]
        assert_escaped(revealed["html"])


@pytest.mark.parametrize("site", ["same-site", "cross-site"])
async def test_a_post_from_another_site_without_origin_is_403(room, site):  # noqa: F811
    """A browser that sends no Origin still says where a request came from: another site on the same
    network (same-site) is another site all the same."""
    room.live.start()
    token = await room.join()
    headers = {"Sec-Fetch-Site": site}
    status, answer = await room.ballot(token, 2, headers=headers)
    assert status == 403 and "other sites" in answer["error"]
    async with room.http.post(f"{room.base}/api/join", headers=headers,
                              json={"code": room.server.join_code, "group": "vcs"}) as r:
        assert r.status == 403
    auth = {"Authorization": f"Bearer {token}", **headers}
    for path, form in (("/vote", {"principle": room.live.principle.id, "score": "2"}),
                       ("/join", {"code": room.server.join_code, "group": "vcs"})):
        async with room.http.post(f"{room.base}{path}", data=form, headers=auth, allow_redirects=False) as r:
            assert r.status == 403, path
    assert rows(room.db_path, "SELECT COUNT(*) FROM ballots") == [(0,)]
    assert rows(room.db_path, "SELECT COUNT(*) FROM participants") == [(1,)]
    # The same requests from the page itself go through.
    assert (await room.ballot(token, 2, headers={"Sec-Fetch-Site": "same-origin"}))[0] == 200
