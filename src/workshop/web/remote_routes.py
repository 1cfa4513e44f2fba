"""The remote over HTTP: pairing and driving routes, served by the phone server behind its guards.

The phone server's middleware checks every request's host and origin and body size first, as for
phones; remote.py holds the rules and limits. A remote never touches the screens: each action goes
to the app (drive), which runs the very key the facilitator would press, and answers once it has.
The routes are described in docs/remote-api.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..session.running import LiveSession
from .bodies import form as read_form, json_body
from .guard import address_key, retry_after
from .page import sentence
from .remote import ACTIONS, DETAILED, MAX_SECRET, PAIRING_SECONDS, Remote, Remotes, card_changes, cell_name
from .remote_events import RemoteEvents
from .remote_floor import FloorRoutes
from .remote_page import CONTROL_REFRESH, WAITING_REFRESH, control_html, private_state, remote_page, \
    start_html, state_version, waiting_html
from .remote_panels import counting
from .replies import json_error
from .voting import Answer

REMOTE_COOKIE = "workshop_remote"
PAIRING_COOKIE = "workshop_pairing"
DRIVE_SECONDS = 3  # the longest a remote waits for the laptop to act
REMOTE_HOURS = 12


class RemoteRoutes:
    """live: the running session the phones follow now (it changes when a session is resumed)."""

    def __init__(self, live: Callable[[], LiveSession], remotes: Remotes):
        self.live = live
        self.remotes = remotes
        self.drive: Callable[[str, tuple], Awaitable[str]] | None = None
        """Set by the app: runs an action as its key would, and says why not ("" when done)."""
        self.view: Callable[[], str] = lambda: ""
        """Set by the app: what the laptop shows ("lobby", "vote", "gap" or "other")."""
        self.floor = FloorRoutes(self)
        self.events = RemoteEvents(self)

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/remote", self.index),
            web.post("/remote/pair", self.pair),
            web.post("/remote/claim", self.claim),
            web.post("/remote/act", self.act_form),
            web.post("/remote/cards", self.cards_form),
            web.get("/api/remote/state", self.api_state),
            web.post("/api/remote/action", self.api_action),
            web.post("/api/remote/cards", self.api_cards),
            web.post("/remote/predictions", self.predictions_form),
            web.post("/api/remote/predictions", self.api_predictions),
            *self.floor.routes(),
            web.get("/api/remote/events", self.events.serve, allow_head=False),
        ]

    def state(self, remote: Remote) -> dict:
        return private_state(self.live(), remote, self.view())

    def control(self, remote: Remote, *, error: str = "", status: int = 200, wait: float = 0,
                draft: dict[str, str] | None = None) -> web.Response:
        """The remote's page; with an error, the status the refusal had (and what was typed, kept)."""
        live = self.live()
        page = remote_page(control_html(live, remote, self.view(), draft), error=sentence(error) if error else "",
                           refresh=0 if counting(live) else CONTROL_REFRESH, version=state_version(self.state(remote)))
        return _refused(page, Answer(status, error, wait))

    def who(self, request: web.Request) -> Remote | None:
        """The paired remote asking: only its own cookie counts (a phone's token never does)."""
        return self.remotes.remote(request.cookies.get(REMOTE_COOKIE))

    # --- pages -----------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        remote = self.who(request)
        if remote is not None:
            return self.control(remote)
        pairing = self.remotes.pairing(request.cookies.get(PAIRING_COOKIE))
        if pairing is None or pairing.answer is False:
            error = "The laptop did not pair this device." if pairing is not None else ""
            response = _html(remote_page(start_html(), error=error))
            response.del_cookie(PAIRING_COOKIE, path="/")
            return response
        waiting = pairing.answer is None
        return _html(remote_page(waiting_html(pairing), refresh=WAITING_REFRESH if waiting else 0,
                                 message="" if waiting else "Confirmed on the laptop."))

    async def pair(self, request: web.Request) -> web.Response:
        answer, handle = self.remotes.ask(address_key(request.remote))
        if not answer.ok:
            return _refused(remote_page(start_html(), error=sentence(answer.text)), answer)
        response = web.HTTPSeeOther("/remote")
        _cookie(response, PAIRING_COOKIE, handle, PAIRING_SECONDS)
        raise response

    async def claim(self, request: web.Request) -> web.Response:
        form = await read_form(request)
        answer = self.remotes.claim(request.cookies.get(PAIRING_COOKIE), form.get("code"),
                                    address_key(request.remote))
        if not answer.ok:
            pairing = self.remotes.pairing(request.cookies.get(PAIRING_COOKIE))
            body = waiting_html(pairing) if pairing is not None else start_html()
            return _refused(remote_page(body, error=sentence(answer.text)), answer)
        response = web.HTTPSeeOther("/remote")
        response.del_cookie(PAIRING_COOKIE, path="/")
        _cookie(response, REMOTE_COOKIE, answer.text, REMOTE_HOURS * 3600)
        raise response

    async def act_form(self, request: web.Request) -> web.Response:
        remote = self.who(request)
        if remote is None:
            raise web.HTTPSeeOther("/remote")  # unpaired (or never paired): the pairing page
        form = await read_form(request)
        action = form.get("action")
        answer = await self._act(remote, action, _jump(form.get("number")) if action == "jump" else ())
        if not answer.ok:
            return self.control(remote, error=answer.text, status=answer.status, wait=answer.wait)
        raise web.HTTPSeeOther("/remote")

    async def cards_form(self, request: web.Request) -> web.Response:
        return await self._cells_form(request, "cards")

    async def predictions_form(self, request: web.Request) -> web.Response:
        return await self._cells_form(request, "predictions")

    async def _cells_form(self, request: web.Request, what: str) -> web.Response:
        remote = self.who(request)
        if remote is None:
            raise web.HTTPSeeOther("/remote")
        form = await read_form(request)
        plan = self.live().plan
        changes = card_changes(plan, form.get("group"), form, _groups(plan, what))
        answer = await self._cards(remote, form.get("principle"), form.get("group"), changes, what)
        if not answer.ok:
            return self.control(remote, error=answer.text, status=answer.status, wait=answer.wait)
        raise web.HTTPSeeOther("/remote")

    # --- the same as JSON ------------------------------------------------------------------

    async def api_state(self, request: web.Request) -> web.Response:
        remote = self.who(request)
        if remote is None:
            return json_error(401, "pair this device first")
        return web.json_response(self.state(remote))

    async def api_action(self, request: web.Request) -> web.Response:
        remote = self.who(request)
        if remote is None:
            return json_error(401, "pair this device first")
        body = await json_body(request)
        body = body if isinstance(body, dict) else {}
        action = body.get("action")
        answer = await self._act(remote, action, _jump(body.get("number")) if action == "jump" else ())
        return self.json_answer(remote, answer)

    def json_answer(self, remote: Remote, answer: Answer) -> web.Response:
        if not answer.ok:
            return json_error(answer.status, answer.text, answer.wait)
        return web.json_response({"ok": True, "state": self.state(remote)})

    async def api_cards(self, request: web.Request) -> web.Response:
        return await self._api_cell(request, "cards")

    async def api_predictions(self, request: web.Request) -> web.Response:
        return await self._api_cell(request, "predictions")

    async def _api_cell(self, request: web.Request, what: str) -> web.Response:
        """One cell: {"principle": "...", "group": "council", "score": 4 or "dk", "count": 3}."""
        remote = self.who(request)
        if remote is None:
            return json_error(401, "pair this device first")
        body = await json_body(request)
        if not isinstance(body, dict):
            return json_error(400, 'send {"principle": "...", "group": "...", "score": 4, "count": 3}')
        score = None if body.get("score") == "dk" else body.get("score")
        name = cell_name(score) if score is None or type(score) is int else "?"
        plan = self.live().plan
        changes = card_changes(plan, body.get("group"), {f"c-{name}": body.get("count")}, _groups(plan, what))
        if not isinstance(changes, str) and not changes:
            changes = "score must be on the scale, or dk"
        answer = await self._cards(remote, body.get("principle"), body.get("group"), changes, what)
        return self.json_answer(remote, answer)

    async def _cards(self, remote: Remote, principle: object, group: object, changes, what: str = "cards") -> Answer:
        if not isinstance(changes, str) and not isinstance(principle, str):
            changes = f"say which principle the {what} are for"
        return await self._act(remote, what, changes if isinstance(changes, str) else (principle, group, tuple(changes)))

    async def _act(self, remote: Remote, action: object, detail: tuple | str = ()) -> Answer:
        """Hand a press to the app, once it is allowed; detail as text is what is wrong with it (400)."""
        wait = self.remotes.action_wait(remote)  # every press counts, refused ones too
        if wait:
            return Answer(429, "one press at a time", wait)
        if isinstance(detail, str):
            return Answer(400, detail)
        if action not in ACTIONS and not (action in DETAILED and detail):
            return Answer(400, "the action must be one of " + ", ".join((*ACTIONS, "jump")))
        if self.drive is None:
            return Answer(503, "the laptop is not taking the remote's presses now", 1)
        try:
            refused = await asyncio.wait_for(self.drive(action, detail), DRIVE_SECONDS)
        except TimeoutError:
            return Answer(503, "the laptop did not answer in time; look at the laptop", 1)
        return Answer(409, refused) if refused else Answer(200, "")


def _groups(plan, what: str) -> tuple[str, ...] | None:
    """The groups whose cards these may be: the predicting pair for the perception round's (when the
    plan has it; else the app says there is none), every group for ratings."""
    return plan.predictors if what == "predictions" and plan.perception else None


def _jump(number: object) -> tuple | str:
    """A jump's detail: (the principle's number,), or what is wrong (the app checks it is in the session)."""
    if isinstance(number, str) and number.strip().isdigit() and len(number.strip()) < 6:
        number = int(number.strip())
    if type(number) is not int:
        return "say which principle to go to: its number, from 1"
    return (number,)


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html")


def _refused(text: str, answer: Answer) -> web.Response:
    response = _html(text, answer.status)
    if answer.wait:
        response.headers["Retry-After"] = retry_after(answer.wait)
    return response


def _cookie(response: web.StreamResponse, name: str, value: str, seconds: int) -> None:
    assert len(value) <= MAX_SECRET
    response.set_cookie(name, value, httponly=True, samesite="Strict", path="/", max_age=seconds)

