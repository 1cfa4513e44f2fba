"""The plan's facilitator notes: frozen with the session, shown on the paired remote, and nowhere the
room or a reader can see them (the projector, the phones, show --json, the exports, the board's copy)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import aiohttp
from click.testing import CliRunner
from conftest import DATA, REPO, make_app, screen_text, wait_for
from test_remote_api import Device

from workshop.cli import cli
from workshop.inputs.plan import parse_plan, summary
from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.tui.screens.gap import GapScreen
from workshop.tui.screens.vote import VoteScreen
from workshop.web.remote_routes import REMOTE_COOKIE
from workshop.web.server import PhoneServer

NOTE = "Ask Priya from finance first; last year this split the room"
OTHER = "Leave time: the compact review is due"
NOTES = (f'facilitator_notes:\n  council-accepts-vcs-right-to-challenge: "{NOTE}"\n'
         f'  council-sustains-grant-programmes: "{OTHER}"\n')


def noted_plan(tmp_path: Path) -> tuple[Path, str]:
    text = (REPO / "sessions" / "demo.yaml").read_text(encoding="utf-8") + NOTES
    path = tmp_path / "noted.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def invoke(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_notes_are_frozen_with_the_session_and_validate_counts_them(tmp_path, db_path):
    path, text = noted_plan(tmp_path)
    plan = parse_plan(text, path)
    assert plan.facilitator_notes == {"council-accepts-vcs-right-to-challenge": NOTE,
                                      "council-sustains-grant-programmes": OTHER}
    assert "2 facilitator notes" in summary(plan)
    with Store(db_path) as store:
        sid = store.start_session(plan).id
    # Editing the plan file afterwards changes nothing in the session.
    path.write_text(text.replace(NOTE, "rewritten"), encoding="utf-8")
    with Store(db_path) as store:
        assert store.session(sid).plan.facilitator_notes["council-accepts-vcs-right-to-challenge"] == NOTE


def test_no_output_for_readers_carries_the_notes(tmp_path, db_path):
    path, _ = noted_plan(tmp_path)
    sid = invoke("--db", db_path, "import", path, DATA / "votes" / "demo-votes.csv").strip()
    shown = invoke("--db", db_path, "show", sid, "--json")
    assert json.loads(shown)["principles"] and NOTE not in shown and OTHER not in shown
    assert "facilitator_notes" not in shown
    assert NOTE not in invoke("--db", db_path, "show", sid)
    for suffix in ("json", "md", "html", "xlsx", "zip"):
        out = tmp_path / f"report.{suffix}"
        invoke("--db", db_path, "export", sid, "-o", out)
        if suffix in ("xlsx", "zip"):  # zipped: every file inside
            with zipfile.ZipFile(out) as zipped:
                data = b"".join(zipped.read(name) for name in zipped.namelist())
        else:
            data = out.read_bytes()
        assert len(data) > 1000 and NOTE.encode() not in data and OTHER.encode() not in data, suffix
    board = tmp_path / "board.db"
    invoke("--db", db_path, "publish", sid, "-o", board)
    data = board.read_bytes()
    assert data and NOTE.encode() not in data and OTHER.encode() not in data and b"Priya" not in data


async def test_the_remote_alone_shows_the_note_and_phones_never_get_it(tmp_path, db_path):
    path, text = noted_plan(tmp_path)
    store = Store(db_path)
    live = LiveSession(store, store.start_session(parse_plan(text, path)))
    live.start()
    server = PhoneServer(live, host="127.0.0.1", port=0)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    asked = []
    server.remote.remotes.asked = asked.append
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            # A phone: its page, its state and its live update hold none of it.
            async with http.post(base + "/api/join", json={"code": server.join_code, "group": "vcs"}) as r:
                token = (await r.json())["token"]
            auth = {"Authorization": f"Bearer {token}"}
            cookie = {"Cookie": f"workshop_token={token}"}
            async with http.get(base + "/", headers=cookie) as r:
                phone_page = await r.text()
            async with http.get(base + "/api/state", headers=auth) as r:
                phone_state = await r.text()
            async with http.get(base + "/api/events", headers=auth) as r:
                first_event = await r.content.readuntil(b"\n\n")
            assert live.principle.statement in phone_page and "principle" in phone_state
            for seen in (phone_page, phone_state, first_event.decode()):
                assert NOTE not in seen and "Priya" not in seen
            # The paired remote shows it, as text and in its JSON.
            device = Device(http, base)
            assert (await device.post("/remote/pair"))[0] == 303
            assert NOTE not in (await device.get("/remote"))[1]  # not before pairing
            server.remote.remotes.decide(asked[-1], True)
            assert (await device.post("/remote/claim", {"code": asked[-1].code}))[0] == 303
            assert REMOTE_COOKIE in device.cookies
            page = (await device.get("/remote"))[1]
            assert f"<strong>Your note:</strong> {NOTE}" in page
            status, state = await device.state()
            assert status == 200 and state["facilitator_note"] == NOTE
            live.go(1)  # a principle without a note: nothing shown for it
            assert "Your note" not in (await device.get("/remote"))[1]
            assert (await device.state())[1]["facilitator_note"] == ""
    finally:
        await server.stop()
        store.close()


async def test_the_projector_never_shows_the_notes(tmp_path, db_path):
    path, text = noted_plan(tmp_path)
    app = make_app(db_path, plan=(parse_plan(text, path), text))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")  # the lobby: begin
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        screens = [screen_text(app)]
        await pilot.press("s")  # the principle's sources: still not the note
        screens.append(screen_text(app))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen.live.revealed)
        screens.append(screen_text(app))
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GapScreen))
        await pilot.pause()
        screens.append(screen_text(app))
        assert "Council" in screens[-1]
        for shown in screens:
            assert "Priya" not in shown and "compact review" not in shown
