"""The priorities round's routes on the phone server: POST /api/dots, and POST /dots for the page's
buttons without JavaScript. HTTP only: prioritising.py decides (docs/voting-api.md)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from .bodies import form as _form, json_body as _json_body
from .prioritising import SAY_WHICH, Prioritising
from .replies import json_answer, json_error

# The server's: (token, group) of the phone asking or None; and a page with a view, a status and a message.
Device = Callable[[web.Request], "tuple[str, str] | None"]


class PriorityRoutes:
    def __init__(self, prioritising: Prioritising, device: Device, page: Callable[..., web.Response],
                 view: Callable[[str], str]):
        self.prioritising, self.device, self.page, self.view = prioritising, device, page, view

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/api/dots", self.api_dots), web.post("/dots", self.dots_form)]

    async def api_dots(self, request: web.Request) -> web.Response:
        device = self.device(request)
        if device is None:
            return json_error(401, "join first")
        body = await _json_body(request)
        if not isinstance(body, dict):
            return json_error(400, SAY_WHICH)
        answer = await self.prioritising.place(*device, body.get("principle"), body.get("dots"))
        if not answer.ok:
            return json_answer(answer)
        placement = self.prioritising.placement(device[0])
        live = self.prioritising.live
        return web.json_response({"ok": True, "my_dots": placement, "left": live.dots_left(placement)})

    async def dots_form(self, request: web.Request) -> web.Response:
        """A button's value is 'PRINCIPLE:N', the dots that principle is to have once pressed."""
        device = self.device(request)
        if device is None:
            raise web.HTTPSeeOther("/")
        form = await _form(request)
        raw = form.get("set")
        principle, _, count = raw.rpartition(":") if isinstance(raw, str) else (None, "", None)
        answer = await self.prioritising.place(*device, principle, count)
        if not answer.ok:
            return self.page(self.view(device[0]), status=answer.status, error=answer.text, wait=answer.wait)
        # Back to the principle tapped, so a long list does not start again from the top.
        number = [p.id for p in self.prioritising.live.plan.principles].index(principle) + 1
        raise web.HTTPSeeOther(f"/?placed=1#d-{number}")
