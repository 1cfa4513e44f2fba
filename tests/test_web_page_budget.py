"""The phone page stays within its budget (HTML + CSS + script under 50 KB, as a phone fetches them)
with the whole shipped catalogue in the priorities round, the biggest view there is. A real server
on 127.0.0.1 and a real database file."""

from __future__ import annotations

import dataclasses
import re

import aiohttp
from test_web_api import USER_AGENT
from test_web_perception import open_room
from test_web_priorities import join, priorities_plan

from workshop.inputs.catalogue import default_catalogue

BUDGET = 50_000


async def fetch(http: aiohttp.ClientSession, url: str, **kwargs) -> bytes:
    async with http.get(url, **kwargs) as r:
        assert r.status == 200, url
        return await r.read()


async def test_the_dots_page_with_the_whole_catalogue_fits_the_budget(db_path, tmp_path):
    catalogue = default_catalogue()
    plan = dataclasses.replace(priorities_plan(), principles=tuple(catalogue.principles))
    assert len(plan.principles) >= 80  # the shipped catalogue, every principle
    store, live, server, _ = await open_room(db_path, tmp_path, plan)
    try:
        live.start()
        live.open_priorities()
        base = f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}) as http:
            token = await join(http, base, server.join_code, "vcs")
            auth = {"Authorization": f"Bearer {token}"}
            async with http.post(f"{base}/api/dots", json={"principle": plan.principles[0].id, "dots": 2},
                                 headers=auth) as r:
                assert r.status == 200
            html = await fetch(http, f"{base}/", headers=auth)
            assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
            assert len(assets) == 2  # the stylesheet and the script, shared by every view
            total = len(html) + sum([len(await fetch(http, base + a.decode())) for a in assets])
    finally:
        await server.stop()
        store.close()
    assert total < BUDGET, f"the dots page is {total:,} bytes"
    page = html.decode()
    # Still every statement whole, a labelled button per principle, and the count in words.
    assert page.count('name="set"') == len(plan.principles) + 1  # "Remove a dot" only where there are dots
    for number, p in enumerate(plan.principles, 1):
        assert f">Add a dot<span> to principle {number}</span></button>" in page
    assert ">Remove a dot<span> from principle 1</span>" in page and '<span id="c-1">2 dots</span>' in page
    assert page.count(">No dots</p>") == len(plan.principles) - 1
