"""The remote's routes for what the facilitator handles from the floor: comments that wait for
approval, and a note or an action on the principle on screen. Checked here with the same rules the
laptop uses (session/capture.py for entries); stored by the app through the same session code as
its comments list and its note dialog, so the screens redraw as for a key."""

from __future__ import annotations

from aiohttp import web

from ..session.capture import EntryError, checked_entry
from .bodies import form as read_form, json_body
from .remote import MODERATION
from .remote_panels import CAPTURE_FIELDS
from .replies import json_error


class FloorRoutes:
    """routes: the RemoteRoutes these belong to (who is asking, the press limit, the app)."""

    def __init__(self, routes):
        self.remote = routes

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/remote/comment", self.comment_form),
            web.post("/api/remote/comment", self.api_comment),
            web.post("/remote/capture", self.capture_form),
            web.post("/api/remote/capture", self.api_capture),
        ]

    async def comment_form(self, request: web.Request) -> web.Response:
        """Approve or hide a comment that waits: the fields comment and status."""
        return await self._form(request, "comment", lambda form: _moderation(form.get("comment"), form.get("status")))

    async def api_comment(self, request: web.Request) -> web.Response:
        """{"comment": "id", "status": "approved" or "hidden"}."""
        return await self._api(request, "comment", lambda body: _moderation(body.get("comment"), body.get("status")))

    async def capture_form(self, request: web.Request) -> web.Response:
        """A note or an action: the fields principle, kind, text, owner and due."""
        return await self._form(request, "capture", _entry, keep=CAPTURE_FIELDS)

    async def api_capture(self, request: web.Request) -> web.Response:
        """{"principle": "...", "kind": "note" or "action", "text": "...", "owner": "...", "due": "YYYY-MM-DD"}."""
        return await self._api(request, "capture", _entry)

    async def _form(self, request: web.Request, action: str, detail, keep: tuple[str, ...] = ()) -> web.Response:
        remote = self.remote.who(request)
        if remote is None:
            raise web.HTTPSeeOther("/remote")  # unpaired (or never paired): the pairing page
        form = await read_form(request)
        answer = await self.remote._act(remote, action, detail(form))
        if not answer.ok:  # what was typed is shown again, so nothing typed on the floor is lost
            draft = {name: form.get(name) for name in keep if isinstance(form.get(name), str)}
            return self.remote.control(remote, error=answer.text, status=answer.status, wait=answer.wait, draft=draft)
        raise web.HTTPSeeOther("/remote")

    async def _api(self, request: web.Request, action: str, detail) -> web.Response:
        remote = self.remote.who(request)
        if remote is None:
            return json_error(401, "pair this device first")
        body = await json_body(request)
        answer = await self.remote._act(remote, action, detail(body if isinstance(body, dict) else {}))
        return self.remote.json_answer(remote, answer)


def _moderation(comment: object, status: object) -> tuple | str:
    if not isinstance(comment, str) or not comment or len(comment) > 100:
        return "say which comment"
    if status not in MODERATION:
        return "status must be approved or hidden"
    return (comment, status)


def _entry(fields) -> tuple | str:
    """(principle id, Entry) from what the remote sent, or what is wrong in the laptop dialog's words."""
    kind = fields.get("kind", "note")
    if kind not in ("note", "action"):
        return "kind must be note or action"
    try:
        entry = checked_entry(fields.get("text"), fields.get("owner", ""), fields.get("due", ""),
                              action=kind == "action")
    except EntryError as problem:
        return str(problem)
    principle = fields.get("principle")
    if not isinstance(principle, str) or not principle:
        return "say which principle the note or action is for"
    return (principle, entry)
